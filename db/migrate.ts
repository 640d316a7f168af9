import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileMigrationProvider, Kysely, Migrator, MysqlDialect } from "kysely";
import { createConnection, createPool } from "mysql2";
import { poolOptions } from "./client";
import { parseDatabaseUrl } from "./url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.join(here, "migrations");

/** One line a person can act on when no MySQL server answers. */
export function describeConnectError(url: string, err: unknown): string {
  let where = url;
  let user = "root";
  try {
    const t = parseDatabaseUrl(url);
    where = t.hosts.map((h) => `${h.host}:${h.port}`).join(", ");
    user = t.user;
  } catch {
    // the URL itself is bad: say so with the rest of the message
  }
  const code = (err as { code?: string }).code ?? "";
  if (code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "POOL_NONEONLINE") {
    return `No MySQL/MariaDB server answers at ${where}. Start MariaDB 10.11+ or MySQL 8 there, or set DATABASE_URL=mysql://user:password@host:3306/dealer_desk.`;
  }
  if (code === "ER_ACCESS_DENIED_ERROR") {
    return `MySQL refused user "${user}" at ${where}. Fix the user or password in DATABASE_URL.`;
  }
  return `Cannot use the database at ${where}: ${(err as Error).message}`;
}

/**
 * Where migrations run on a cluster: the first server, in sorted order, that answers. Every instance
 * sorts the same list the same way whatever order its own DATABASE_URL gives, so instances starting
 * at once migrate through the same node and Kysely's migration lock (a row lock, local to a Galera
 * node) keeps them one at a time.
 */
async function migrationTarget(url: string): Promise<string> {
  const t = parseDatabaseUrl(url);
  if (t.hosts.length === 1) return url;
  const sorted = t.hosts.map((_h, i) => i).sort((a, b) => `${t.hosts[a]!.host}:${t.hosts[a]!.port}`.localeCompare(`${t.hosts[b]!.host}:${t.hosts[b]!.port}`));
  let last: unknown;
  for (const i of sorted) {
    const opts = poolOptions(url, 1, i);
    const conn = createConnection({ ...opts, database: undefined });
    try {
      await conn.promise().query("SELECT 1");
      const auth = t.user ? `${encodeURIComponent(t.user)}${t.password ? `:${encodeURIComponent(t.password)}` : ""}@` : "";
      return `mysql://${auth}${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}/${encodeURIComponent(t.database)}`;
    } catch (err) {
      last = err;
    } finally {
      conn.destroy();
    }
  }
  throw last;
}

/** CREATE DATABASE IF NOT EXISTS, connecting without selecting one. */
export async function ensureDatabase(url: string): Promise<void> {
  const opts = poolOptions(url, 1);
  const name = opts.database;
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Database name "${name}" must be letters, digits and underscores`);
  const conn = createConnection({ ...opts, database: undefined });
  try {
    await conn.promise().query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    conn.destroy();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const opts = poolOptions(url, 1);
  const conn = createConnection({ ...opts, database: undefined });
  try {
    await conn.promise().query(`DROP DATABASE IF EXISTS \`${opts.database}\``);
  } finally {
    conn.destroy();
  }
}

export async function migrateToLatest(clusterUrl: string, log: (s: string) => void = () => {}): Promise<void> {
  const url = await migrationTarget(clusterUrl);
  await ensureDatabase(url);
  const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: createPool(poolOptions(url, 2)) }) });
  try {
    const migrator = new Migrator({
      db,
      provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) log(`migration ${r.migrationName}: ${r.status}`);
    if (error) throw error;
  } finally {
    await db.destroy();
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { env } = await import("../app/utils/env.server");
  const url = env().DATABASE_URL;
  try {
    await migrateToLatest(url, (s) => console.log(s));
    console.log("Database is up to date.");
  } catch (err) {
    console.error(describeConnectError(url, err));
    process.exit(1);
  }
}
