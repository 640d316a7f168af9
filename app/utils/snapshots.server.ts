/**
 * Figures computed once per change of the data behind them (decisions 076, 112).
 *
 * A dashboard's figures are the same for every viewer of the same scope (every
 * order-desk user sees the same review queue). `snapshot(key, compute)` runs
 * `compute` once and hands its result to every later caller until the data
 * changes, then computes again. "The data changed" is read from the four
 * append-only journals every domain write adds to in its own transaction — the
 * audit log, the domain events, the stock movements and the ledger — as one
 * cheap statement per call: for each journal, its latest timestamp and how many
 * of its rows carry a timestamp at or after the window's start (two reads of the
 * journal's time index), so a change is seen by the next request after it
 * commits, in every process.
 *
 * No order or recency is read from ids (decision 112): on TiDB, or Galera with
 * auto_increment_increment/offset per node, a row committed later may hold a
 * lower id. Timestamps are stamped at INSERT and the row becomes visible at
 * COMMIT, so a transaction may commit a row stamped earlier than rows already
 * seen: the latest timestamp does not move then, but the count does, as long as
 * the row's timestamp lies inside the window. The window (WINDOW_MS) is longer
 * than any transaction plus the clock skew between the database and the app, so
 * every row committed after a read is stamped inside the window of that read.
 *
 * The window's start is taken from the app clock and moves in whole steps of
 * STEP_MS, and the step is part of the version: within one step the counts only
 * grow (rows are never removed from inside the window), so a version never
 * comes back after a change; a new step is a new version (at most one extra
 * computation per step, as often as MAX_AGE_MS expires entries anyway).
 *
 * The key must name everything the result depends on besides the data (scope,
 * period, today's date). Entries also expire after MAX_AGE_MS of the app clock (or
 * when the clock goes back), which bounds what a clock-dependent figure (an age in
 * hours) can lag, and what a row missed by the window (a transaction longer than
 * WINDOW_MS) can.
 *
 * Data written outside the domain functions (hand-built test data, a repair
 * script) writes none of the journals: call `forgetSnapshots()` after it.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import { getDb } from "../../db/client";
import type { DB } from "../../db/types";
import { now } from "./time";

export const MAX_AGE_MS = 60_000;
/** How far back the count reaches: longer than any transaction plus clock skew (decision 112). */
export const WINDOW_MS = 5 * 60_000;
/** The window's start moves in steps of this long (one version per step at most). */
export const STEP_MS = MAX_AGE_MS;
const MAX_ENTRIES = 2_000;

type Entry = { version: string; at: number; value: Promise<unknown> };
const stores = new WeakMap<Kysely<DB>, Map<string, Entry>>();

/** Each journal with its own timestamp column (DATETIME(3), set at INSERT, indexed alone). */
const JOURNALS = [
  ["audit_log", "occurred_at"],
  ["domain_events", "occurred_at"],
  ["stock_movements", "created_at"],
  ["ledger_entries", "created_at"],
] as const;
type Journal = (typeof JOURNALS)[number];

/** The start of the window at the app clock's `at`: whole steps, WINDOW_MS before the current step. */
export function windowStart(at: Date = now()): Date {
  return new Date(Math.floor(at.getTime() / STEP_MS) * STEP_MS - WINDOW_MS);
}

/** A journal's latest timestamp, as text (milliseconds kept; NULL when empty). */
function latestOf([table, column]: Journal): RawBuilder<unknown> {
  return sql`(SELECT CAST(MAX(${sql.ref(column)}) AS CHAR) FROM ${sql.table(table)})`;
}

/** How many of a journal's rows are stamped at or after `since`. */
function countSince([table, column]: Journal, since: Date): RawBuilder<unknown> {
  return sql`(SELECT COUNT(*) FROM ${sql.table(table)} WHERE ${sql.ref(column)} >= ${since})`;
}

export type Versions = {
  /** Everything the snapshots depend on: the window's step, the four journals and the catalog version, as one string. */
  data: string;
  /** The catalog version alone (products and tier prices; moved by the catalog's domain functions, decision 111). */
  catalog: string;
};

/** The current versions, read in one statement. */
export async function readVersions(db: Kysely<DB> = getDb()): Promise<Versions> {
  const since = windowStart();
  const columns = sql.join(JOURNALS.flatMap((j, i) => [sql`${latestOf(j)} AS ${sql.ref(`m${i}`)}`, sql`${countSince(j, since)} AS ${sql.ref(`n${i}`)}`]));
  const { rows } = await sql<Record<string, unknown>>`SELECT ${columns}, (SELECT version FROM catalog_version WHERE id = 1) AS catalog`.execute(db);
  const row = rows[0] ?? {};
  const catalog = String(row.catalog ?? "none");
  return { data: `${since.getTime()}:${Object.values(row).join(":")}`, catalog };
}

/**
 * Versions for reference data only — warehouses, holidays, dealers' tiers and
 * regions (categories and product lines have no writer but the seed) — which
 * only audited domain functions write: the audit log's window alone tells when
 * it changed, a quarter of readVersions' work. The catalog version comes along.
 * A snapshot keyed with these must depend on nothing else.
 */
export async function readReferenceVersions(db: Kysely<DB> = getDb()): Promise<ReferenceVersions> {
  const v = REFERENCE_VERSION_COLUMNS;
  const { rows } = await sql<Record<string, unknown>>`SELECT ${v.m} AS m, ${v.n} AS n, ${v.catalog} AS catalog`.execute(db);
  const row = rows[0] ?? {};
  return referenceVersionsOf(row.m, row.n, row.catalog);
}

/**
 * The three values readReferenceVersions reads, as expressions, for a statement that
 * reads them together with other data (one round trip; the values and the data then
 * come from one consistent read). Each read of `n` takes the window's start from the
 * app clock at that moment and carries it in its value ("start+count"), so a value
 * always names the window it counted. `m` and `n` are text, `catalog` is a string
 * (CHAR) too, so they can share columns with numbers or text in a UNION.
 */
export const REFERENCE_VERSION_COLUMNS = {
  /** The audit log's latest timestamp. */
  get m(): RawBuilder<unknown> {
    return latestOf(JOURNALS[0]);
  },
  /** The window's start and how many audit rows are stamped inside it. */
  get n(): RawBuilder<unknown> {
    const since = windowStart();
    return sql`CONCAT(${sql.lit(since.getTime())}, '+', ${countSince(JOURNALS[0], since)})`;
  },
  catalog: sql`(SELECT CAST(version AS CHAR) FROM catalog_version WHERE id = 1)` as RawBuilder<unknown>,
};

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
