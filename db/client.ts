import { appendFileSync } from "node:fs";
import { CompiledQuery, Kysely, MysqlDialect, sql, type LogEvent, type Transaction } from "kysely";
import { createPool, type Pool } from "mysql2";
import type { DB } from "./types";
import { env } from "../app/utils/env.server";

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;

type Holder = { db?: Kysely<DB>; pool?: Pool; url?: string };
// One pool per process, shared by the Remix bundle, the server and jobs.
const g = globalThis as unknown as { __dealerDeskDb?: Holder };
const holder: Holder = (g.__dealerDeskDb ??= {});

export function poolOptions(url: string, connectionLimit: number) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password || ""),
    database: decodeURIComponent(u.pathname.slice(1)),
    connectionLimit,
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: ["DATE"] as ["DATE"],
    charset: "utf8mb4_unicode_ci",
    waitForConnections: true,
    enableKeepAlive: true,
    connectTimeout: 5000,
  };
}

/**
 * Benchmark only: with DB_CAPTURE_SQL=<file>, every statement is appended to the
 * file as one JSON line {sql, parameters, ms}, so the benchmark can replay what a
 * page ran (tests/bench/floor.ts). Off unless the variable is set.
 */
function captureLog(file: string | undefined) {
  if (!file) return undefined;
  return (event: LogEvent) => {
    const { sql: text, parameters } = event.query;
    const params = parameters.map((v) => (v instanceof Date ? { $date: v.toISOString() } : typeof v === "bigint" ? String(v) : v));
    appendFileSync(file, `${JSON.stringify({ sql: text, parameters: params, ms: event.queryDurationMillis, error: event.level === "error" })}\n`);
  };
}

export function createDb(url: string, connectionLimit = 10, opts: { captureFile?: string } = {}): { db: Kysely<DB>; pool: Pool } {
  const pool = createPool(poolOptions(url, connectionLimit));
  const db = new Kysely<DB>({
    log: captureLog(opts.captureFile),
    dialect: new MysqlDialect({
      pool,
      onCreateConnection: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw("SET time_zone = '+00:00'"));
      },
    }),
  });
  return { db, pool };
}

/** The process-wide database handle. */
export function getDb(): Kysely<DB> {
  const url = env().DATABASE_URL;
  if (!holder.db || holder.url !== url) {
    const { db, pool } = createDb(url, env().DB_POOL_SIZE, { captureFile: env().DB_CAPTURE_SQL });
    holder.db = db;
    holder.pool = pool;
    holder.url = url;
  }
  return holder.db;
}

export const db: Kysely<DB> = new Proxy({} as Kysely<DB>, {
  get(_t, prop) {
    const real = getDb() as unknown as Record<string | symbol, unknown>;
    const v = real[prop];
    return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(real) : v;
  },
});

export async function closeDb() {
  const d = holder.db;
  holder.db = undefined;
  holder.pool = undefined;
  holder.url = undefined;
  if (d) await d.destroy();
}

export async function pingDb(): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(getDb());
    return true;
  } catch {
    return false;
  }
}
