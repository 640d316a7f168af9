import { appendFileSync } from "node:fs";
import { CompiledQuery, Kysely, MysqlDialect, sql, type LogEvent, type Transaction } from "kysely";
import { createPool, createPoolCluster, type Pool, type PoolCluster } from "mysql2";
import type { DB } from "./types";
import { env } from "../app/utils/env.server";
import { parseDatabaseUrl } from "./url";

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;

type Holder = { db?: Kysely<DB>; pool?: Pool | PoolCluster; url?: string };
// One pool per process, shared by the Remix bundle, the server and jobs.
const g = globalThis as unknown as { __dealerDeskDb?: Holder };
const holder: Holder = (g.__dealerDeskDb ??= {});

/** Connection options for the first (preferred) server of `url`. */
export function poolOptions(url: string, connectionLimit: number, hostIndex = 0) {
  const t = parseDatabaseUrl(url);
  const h = t.hosts[hostIndex] ?? t.hosts[0]!;
  return {
    host: h.host,
    port: h.port,
    user: t.user,
    password: t.password,
    database: t.database,
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
 * One pool for one server; for several, a mysql2 pool cluster that always takes the first live server
 * in the order given (`ORDER`), drops a server after one failed connect and tries it again after two
 * seconds, so a process keeps serving from the other nodes while one is down and returns to its own
 * when it is back (decision 120).
 */
function createPools(url: string, connectionLimit: number): Pool | PoolCluster {
  const { hosts } = parseDatabaseUrl(url);
  if (hosts.length === 1) return createPool(poolOptions(url, connectionLimit));
  const cluster = createPoolCluster({ canRetry: true, removeNodeErrorCount: 1, restoreNodeTimeout: 2000, defaultSelector: "ORDER" });
  hosts.forEach((_h, i) => cluster.add(`node${i + 1}`, poolOptions(url, connectionLimit, i)));
  return cluster;
}

/**
 * On a Galera node, every connection asks for causal reads (`wsrep_sync_wait = 1`): a read waits
 * until the node has applied every transaction committed anywhere in the cluster before it began,
 * so a user's next page shows their write whichever node serves it. Other servers have no
 * `wsrep_on` (MySQL) or have it OFF (a single MariaDB), and nothing is set.
 */
async function causalReadsIfGalera(conn: { executeQuery: (q: CompiledQuery) => Promise<{ rows: unknown[] }> }) {
  const r = await conn.executeQuery(CompiledQuery.raw("SHOW VARIABLES LIKE 'wsrep_on'"));
  const row = r.rows[0] as { Value?: string } | undefined;
  if (row?.Value === "ON") await conn.executeQuery(CompiledQuery.raw("SET SESSION wsrep_sync_wait = 1"));
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

export function createDb(url: string, connectionLimit = 10, opts: { captureFile?: string } = {}): { db: Kysely<DB>; pool: Pool | PoolCluster } {
  const pool = createPools(url, connectionLimit);
  const db = new Kysely<DB>({
    log: captureLog(opts.captureFile),
    dialect: new MysqlDialect({
      pool,
      onCreateConnection: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw("SET time_zone = '+00:00'"));
        await causalReadsIfGalera(conn);
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
