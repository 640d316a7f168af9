/**
 * Figures computed once per change of the data behind them (decision 076).
 *
 * A dashboard's figures are the same for every viewer of the same scope (every
 * order-desk user sees the same review queue). `snapshot(key, compute)` runs
 * `compute` once and hands its result to every later caller until the data
 * changes, then computes again. "The data changed" is read from the four
 * append-only journals every domain write adds to in its own transaction — the
 * audit log, the domain events, the stock movements and the ledger — as one
 * cheap statement per call (index-only: each journal's largest id and how many
 * ids sit in its last WINDOW), so a change is seen by the next request after it
 * commits, in every process.
 *
 * Why the count beside the largest id: ids are handed out at INSERT and become
 * visible at COMMIT, so a transaction holding id 100 can commit after one holding
 * 101. The largest id would not move; the number of ids in the window does (while
 * fewer than WINDOW later ids have been handed out; beyond that, MAX_AGE_MS catches it).
 *
 * The key must name everything the result depends on besides the data (scope,
 * period, today's date). Entries also expire after MAX_AGE_MS of the app clock (or
 * when the clock goes back), which bounds what a clock-dependent figure (an age in
 * hours) can lag.
 *
 * Data written outside the domain functions (hand-built test data, a repair
 * script) writes none of the journals: call `forgetSnapshots()` after it.
 */
import { sql, type Kysely } from "kysely";
import { getDb } from "../../db/client";
import type { DB } from "../../db/types";
import { now } from "./time";

export const MAX_AGE_MS = 60_000;
const WINDOW = 256;
const MAX_ENTRIES = 2_000;

type Entry = { version: string; at: number; value: Promise<unknown> };
const stores = new WeakMap<Kysely<DB>, Map<string, Entry>>();

const JOURNALS = ["audit_log", "domain_events", "stock_movements", "ledger_entries"] as const;
const versionSql = sql.join(
  JOURNALS.map((t) => {
    const table = sql.table(t);
    return sql`(SELECT MAX(id) FROM ${table}), (SELECT COUNT(*) FROM ${table} WHERE id > (SELECT MAX(id) - ${sql.lit(WINDOW)} FROM ${table}))`;
  }),
);

export type Versions = {
  /** Everything the snapshots depend on: the four journals and the catalog version, as one string. */
  data: string;
  /** The catalog version alone (products and tier prices; kept by triggers, decision 077). */
  catalog: string;
};

/** The current versions, read in one statement. */
export async function readVersions(db: Kysely<DB> = getDb()): Promise<Versions> {
  const { rows } = await sql<Record<string, unknown>>`SELECT ${versionSql}, (SELECT version FROM catalog_version WHERE id = 1) AS catalog`.execute(db);
  const row = rows[0] ?? {};
  const catalog = String(row.catalog ?? "none");
  return { data: Object.values(row).join(":"), catalog };
}

/**
 * Versions for reference data only — warehouses, holidays, dealers' tiers and
 * regions (categories and product lines have no writer but the seed) — which
 * only audited domain functions write: the audit log's window alone tells when
 * it changed, a quarter of readVersions' work. The catalog version comes along.
 * A snapshot keyed with these must depend on nothing else.
 */
export async function readReferenceVersions(db: Kysely<DB> = getDb()): Promise<ReferenceVersions> {
  const { rows } = await sql<Record<string, unknown>>`SELECT ${REFERENCE_VERSION_COLUMNS.m} AS m, ${REFERENCE_VERSION_COLUMNS.n} AS n, ${REFERENCE_VERSION_COLUMNS.catalog} AS catalog`.execute(db);
  const row = rows[0] ?? {};
  return referenceVersionsOf(row.m, row.n, row.catalog);
}

/**
 * The three values readReferenceVersions reads, as expressions, for a statement that
 * reads them together with other data (one round trip; the values and the data then
 * come from one consistent read). `catalog` is a string (CHAR) so it can share a
 * column with text in a UNION.
 */
export const REFERENCE_VERSION_COLUMNS = (() => {
  const table = sql.table("audit_log");
  return {
    m: sql`(SELECT MAX(id) FROM ${table})`,
    n: sql`(SELECT COUNT(*) FROM ${table} WHERE id > (SELECT MAX(id) - ${sql.lit(WINDOW)} FROM ${table}))`,
    catalog: sql`(SELECT CAST(version AS CHAR) FROM catalog_version WHERE id = 1)`,
  };
})();

/** Reference versions from the three values of REFERENCE_VERSION_COLUMNS. */
export function referenceVersionsOf(m: unknown, n: unknown, catalog: unknown): ReferenceVersions {
  return { data: `reference:${String(m)}:${String(n)}`, catalog: String(catalog ?? "none"), kind: "reference" };
}

/** Whether two reads of the versions saw the same versions. */
export function sameVersions(a: Versions, b: Versions): boolean {
  return a.data === b.data && a.catalog === b.catalog;
}

export type ReferenceVersions = Versions & { kind: "reference" };

/** The current version of the data the snapshots depend on, as one string. */
export async function dataVersion(db: Kysely<DB> = getDb()): Promise<string> {
  return (await readVersions(db)).data;
}

/**
 * The result of `compute` for `key`, computed at most once per data version (and
 * per MAX_AGE_MS). Concurrent callers share one computation; a failed one is not kept.
 * The result is shared between callers: treat it as read-only. Pass `versions` when
 * the caller has just read them (one statement serves several snapshots).
 */
export async function snapshot<T>(key: string, compute: () => Promise<T>, versions?: Versions): Promise<T> {
  const db = getDb();
  let store = stores.get(db);
  if (!store) stores.set(db, (store = new Map()));
  const version = versions ? versions.data : await dataVersion(db);
  const at = now().getTime();
  const hit = store.get(key);
  if (hit && hit.version === version && at >= hit.at && at - hit.at < MAX_AGE_MS) return hit.value as Promise<T>;
  const value = compute();
  store.delete(key);
  store.set(key, { version, at, value });
  if (store.size > MAX_ENTRIES) store.delete(store.keys().next().value!);
  value.catch(() => {
    if (store.get(key)?.value === value) store.delete(key);
  });
  return value;
}

const forgetHooks = new Set<(db: Kysely<DB>) => void>();

/** Other per-process caches keyed by these versions (the catalog index) register here to be forgotten too. */
export function onForgetSnapshots(hook: (db: Kysely<DB>) => void) {
  forgetHooks.add(hook);
}

/** Drops every snapshot of this process: after writing data outside the domain functions. */
export function forgetSnapshots() {
  const db = getDb();
  stores.delete(db);
  for (const hook of forgetHooks) hook(db);
}
