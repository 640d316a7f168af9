import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileMigrationProvider, Kysely, Migrator, MysqlDialect } from "kysely";
import { createConnection, createPool } from "mysql2";
import { poolOptions } from "./client";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.join(here, "migrations");

/** One line a person can act on when no MySQL server answers. */
export function describeConnectError(url: string, err: unknown): string {
  const u = new URL(url);
  const code = (err as { code?: string }).code ?? "";
  if (code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "ENOTFOUND" || code === "EHOSTUNREACH") {
    return `No MySQL/MariaDB server answers at ${u.hostname}:${u.port || 3306}. Start MariaDB 10.11+ or MySQL 8 there, or set DATABASE_URL=mysql://user:password@host:3306/dealer_desk.`;
  }
  if (code === "ER_ACCESS_DENIED_ERROR") {
    return `MySQL refused user "${decodeURIComponent(u.username || "root")}" at ${u.hostname}:${u.port || 3306}. Fix the user or password in DATABASE_URL.`;
  }
  return `Cannot use the database at ${u.hostname}:${u.port || 3306}: ${(err as Error).message}`;
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

export async function migrateToLatest(url: string, log: (s: string) => void = () => {}): Promise<void> {
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
