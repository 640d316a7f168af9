/**
 * Receivables aging (docs/decisions/032-aging-fifo.md).
 *
 * As of a business date: every debit (invoice, fee, positive adjustment) is due
 * on its due_date (its business date when it has none). All credits (payments,
 * credit notes, rebates, negative adjustments) are applied first-in-first-out to
 * the oldest debits by due date. An entry and its reversal cancel each other and
 * are left out. What remains open of each debit falls in a bucket by days past
 * due: current (not yet due, day 0 included), 1–30, 31–60, 61–90, over 90.
 * Credits beyond all debits are "unapplied credit" (negative). The buckets plus
 * unapplied credit always equal the ledger balance as of that date.
 */
import { sql, type Kysely } from "kysely";
import { db, type Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { assertDealerInScope } from "~/modules/auth/access.server";
import { env } from "~/utils/env.server";
import { snapshot } from "~/utils/snapshots.server";
import { minorToDecimal } from "~/utils/money";
import { addDays, todayIn } from "~/utils/time";
import { creditPositions, type CreditPosition } from "./credit.server";
import type { AgingFilter } from "./ledger.schema.server";
import { likeContains } from "~/utils/like";

export const BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d90_plus"] as const;
export type Bucket = (typeof BUCKETS)[number];
export type AgingRow = Record<Bucket, number> & { unapplied: number; balance: number };

function emptyAging(): AgingRow {
  return { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0, unapplied: 0, balance: 0 };
}

/** The bucket of an amount `days` past due (days ≤ 0: not yet due). */
export function bucketOf(daysPastDue: number): Bucket {
  if (daysPastDue <= 0) return "current";
  if (daysPastDue <= 30) return "d1_30";
  if (daysPastDue <= 60) return "d31_60";
  if (daysPastDue <= 90) return "d61_90";
  return "d90_plus";
}

/**
 * Aging for the given dealers (or all dealers when `dealerIds` is undefined).
 *
 * When no entry of those dealers is dated after `asOf` (the usual case: as of today), it is read
 * from the maintained aggregates (docs/decisions/035): the balance from dealer_balances and the
 * debits due in the last 90 days by bucket from dealer_debits_due, then FIFO is applied per dealer
 * from the newest bucket back (agingFromAggregates). Otherwise (an earlier as-of date) it is
 * recomputed from the ledger (agingFromLedger). Both give exactly the same buckets (tested).
 */
export async function agingByDealer(database: Kysely<DB> | Executor, asOf: string, dealerIds?: number[]): Promise<Map<number, AgingRow>> {
  if (dealerIds && dealerIds.length === 0) return new Map();
  let later = database.selectFrom("ledger_entries").select("id").where("business_date", ">", asOf).limit(1);
  if (dealerIds) later = later.where("dealer_id", "in", dealerIds);
  if (await later.executeTakeFirst()) return agingFromLedger(database, asOf, dealerIds);
  return agingFromAggregates(database, asOf, dealerIds);
}

/**
 * FIFO from the aggregates, exact when no entry is dated after `asOf`. With B the balance and
 * D(bucket) the unreversed debits due in a bucket: credits consume the oldest debits first, so what
 * stays open is the newest debits up to B. Walking from the newest bucket back, each bucket keeps
 * min(D(bucket), what is left of B); the rest of B is over 90 days (every older debit is there).
 * An entry and its reversal sum to zero in B and are out of D, as in the ledger method.
 */
export async function agingFromAggregates(database: Kysely<DB> | Executor, asOf: string, dealerIds?: number[]): Promise<Map<number, AgingRow>> {
  const out = new Map<number, AgingRow>();
  if (dealerIds && dealerIds.length === 0) return out;
  const d30 = addDays(asOf, -30);
  const d60 = addDays(asOf, -60);
  const d90 = addDays(asOf, -90);
  let debits = database
    .selectFrom("dealer_debits_due")
    .select([
      "dealer_id",
      sql<string>`SUM(CASE WHEN due_on >= ${asOf} THEN debit_minor ELSE 0 END)`.as("current"),
      sql<string>`SUM(CASE WHEN due_on < ${asOf} AND due_on >= ${d30} THEN debit_minor ELSE 0 END)`.as("d1_30"),
      sql<string>`SUM(CASE WHEN due_on < ${d30} AND due_on >= ${d60} THEN debit_minor ELSE 0 END)`.as("d31_60"),
      sql<string>`SUM(CASE WHEN due_on < ${d60} THEN debit_minor ELSE 0 END)`.as("d61_90"),
    ])
    .where("due_on", ">=", d90)
    .groupBy("dealer_id");
  let balances = database.selectFrom("dealer_balances").select(["dealer_id", "balance_minor"]);
  if (dealerIds) {
    debits = debits.where("dealer_id", "in", dealerIds);
    balances = balances.where("dealer_id", "in", dealerIds);
  }
  const [d, b] = await Promise.all([debits.execute(), balances.execute()]);
  const recent = new Map(d.map((r) => [r.dealer_id, [Number(r.current), Number(r.d1_30), Number(r.d31_60), Number(r.d61_90)] as const]));
  for (const { dealer_id, balance_minor } of b) {
    const row = emptyAging();
    row.balance = Number(balance_minor);
    let left = Math.max(0, row.balance);
    const due = recent.get(dealer_id) ?? [0, 0, 0, 0];
    (["current", "d1_30", "d31_60", "d61_90"] as const).forEach((k, i) => {
      row[k] = Math.min(due[i]!, left);
      left -= row[k];
    });
    row.d90_plus = left;
    row.unapplied = row.balance - BUCKETS.reduce((t, k) => t + row[k], 0); // ≤ 0: credits beyond all debits
    out.set(dealer_id, row);
  }
  return out;
}

/** FIFO recomputed from the ledger entries (any as-of date; also the reference the aggregates are tested against). */
export async function agingFromLedger(database: Kysely<DB> | Executor, asOf: string, dealerIds?: number[]): Promise<Map<number, AgingRow>> {
  const out = new Map<number, AgingRow>();
  if (dealerIds && dealerIds.length === 0) return out;
  const inDealers = (col: string) => (dealerIds ? sql`AND ${sql.ref(col)} IN (${sql.join(dealerIds)})` : sql``);
  const notPaired = sql`e.reverses_entry_id IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_entry_id = e.id AND r.business_date <= ${asOf})`;
  const open = await sql<{ dealer_id: number; bucket: Bucket; open_minor: string }>`
    SELECT d.dealer_id,
      CASE WHEN DATEDIFF(${asOf}, d.due) <= 0 THEN 'current'
           WHEN DATEDIFF(${asOf}, d.due) <= 30 THEN 'd1_30'
           WHEN DATEDIFF(${asOf}, d.due) <= 60 THEN 'd31_60'
           WHEN DATEDIFF(${asOf}, d.due) <= 90 THEN 'd61_90'
           ELSE 'd90_plus' END AS bucket,
      SUM(GREATEST(0, LEAST(d.amount_minor, d.cum - COALESCE(c.credit, 0)))) AS open_minor
    FROM (
      SELECT e.dealer_id, e.amount_minor, COALESCE(e.due_date, e.business_date) AS due,
        SUM(e.amount_minor) OVER (PARTITION BY e.dealer_id ORDER BY COALESCE(e.due_date, e.business_date), e.business_date, e.created_at, e.id ROWS UNBOUNDED PRECEDING) AS cum
      FROM ledger_entries e
      WHERE e.amount_minor > 0 AND e.business_date <= ${asOf} AND ${notPaired} ${inDealers("e.dealer_id")}
    ) d
    LEFT JOIN (
      SELECT e.dealer_id, -SUM(e.amount_minor) AS credit
      FROM ledger_entries e
      WHERE e.amount_minor < 0 AND e.business_date <= ${asOf} AND ${notPaired} ${inDealers("e.dealer_id")}
      GROUP BY e.dealer_id
    ) c ON c.dealer_id = d.dealer_id
    GROUP BY d.dealer_id, bucket
  `.execute(database);
  const balances = await sql<{ dealer_id: number; b: string }>`
    SELECT e.dealer_id, SUM(e.amount_minor) AS b FROM ledger_entries e WHERE e.business_date <= ${asOf} ${inDealers("e.dealer_id")} GROUP BY e.dealer_id
  `.execute(database);
  for (const r of open.rows) {
    const row = out.get(r.dealer_id) ?? emptyAging();
    row[r.bucket] += Number(r.open_minor);
    out.set(r.dealer_id, row);
  }
  for (const b of balances.rows) {
    const row = out.get(b.dealer_id) ?? emptyAging();
    row.balance = Number(b.b);
    const openTotal = BUCKETS.reduce((s, k) => s + row[k], 0);
    row.unapplied = row.balance - openTotal; // ≤ 0: credits beyond all debits
    out.set(b.dealer_id, row);
  }
  return out;
}

function sumAging(rows: Iterable<AgingRow>): AgingRow {
  const t = emptyAging();
  for (const r of rows) for (const k of [...BUCKETS, "unapplied", "balance"] as const) t[k] += r[k];
  return t;
}

const PAGE_SIZE = 25;

function dealersWithActivity(f: { q?: string }) {
  let q = db
    .selectFrom("organisations as o")
    .where("o.kind", "=", "dealer")
    // A dealer has ledger activity exactly when it has a maintained balance row (its first posting creates
    // it; db:check flags a dealer with entries and no row). An EXISTS on ledger_entries here made MariaDB
    // materialise the semi-join by reading the whole ledger index on every page view.
    .where("o.id", "in", (eb) => eb.selectFrom("dealer_balances as b").select("b.dealer_id"));
  if (f.q) q = q.where((eb) => eb.or([eb("o.code", "like", likeContains(f.q!)), eb("o.name", "like", likeContains(f.q!))]));
  return q;
}

/** /finance/aging: one page of dealers with their buckets and credit, and totals over all dealers. */
/**
 * The receivables aging page. Every finance user sees the same figures for the same
 * filter and date, and computing them reads every dealer's dues of the last 90 days
 * and the page's open orders (tens of ms of SQL), so the result is a snapshot
 * (decision 076): recomputed when a journal row lands (ledger entries, order events,
 * audited credit-limit changes), at most 60 s old.
 */
export async function agingReport(actor: Actor, filter: AgingFilter) {
  requirePermission(actor, "aging:read");
  const asOf = filter.asOf ?? todayIn(env().BUSINESS_TZ);
  return snapshot(`aging:${asOf}:${filter.page}:${filter.q ?? ""}`, () => computeAgingReport(filter, asOf));
}

async function computeAgingReport(filter: AgingFilter, asOf: string) {
  const base = dealersWithActivity(filter);
  const [dealers, count] = await Promise.all([
    base
      .select(["o.id", "o.code", "o.name", "o.currency"])
      .orderBy("o.code")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  const ids = dealers.map((d) => d.id);
  // Without a search the totals cover every dealer: one computation gives them and the page's rows.
  const [aging, credit] = await Promise.all([agingByDealer(db, asOf, filter.q ? ids : undefined), creditPositions(db, ids)]);
  const rows = dealers.map((d) => ({ ...d, aging: aging.get(d.id) ?? emptyAging(), credit: credit.get(d.id) as CreditPosition }));
  const totals = filter.q ? sumAging(rows.map((r) => r.aging)) : sumAging(aging.values());
  return {
    asOf,
    rows,
    totals,
    totalsScope: filter.q ? ("page" as const) : ("all" as const),
    total: Number(count?.n ?? 0),
    page: filter.page,
    pageSize: PAGE_SIZE,
  };
}

export const AGING_CSV_HEADER = [
  "dealer_code",
  "dealer_name",
  "currency",
  "current",
  "days_1_30",
  "days_31_60",
  "days_61_90",
  "days_over_90",
  "unapplied_credit",
  "balance",
  "credit_limit",
  "open_orders",
  "available_credit",
];

export async function* exportAging(actor: Actor, filter: AgingFilter) {
  requirePermission(actor, "aging:read");
  const asOf = filter.asOf ?? todayIn(env().BUSINESS_TZ);
  let offset = 0;
  for (;;) {
    const dealers = await dealersWithActivity(filter).select(["o.id", "o.code", "o.name", "o.currency"]).orderBy("o.code").limit(500).offset(offset).execute();
    if (!dealers.length) return;
    const ids = dealers.map((d) => d.id);
    const [aging, credit] = await Promise.all([agingByDealer(db, asOf, ids), creditPositions(db, ids)]);
    yield dealers.map((d) => {
      const a = aging.get(d.id) ?? emptyAging();
      const c = credit.get(d.id)!;
      const m = (v: number) => minorToDecimal(v, d.currency);
      return [
        d.code,
        d.name,
        d.currency,
        m(a.current),
        m(a.d1_30),
        m(a.d31_60),
        m(a.d61_90),
        m(a.d90_plus),
        m(a.unapplied),
        m(a.balance),
        m(c.limitMinor),
        m(c.openOrdersMinor),
        m(c.availableMinor),
      ];
    });
    if (dealers.length < 500) return;
    offset += 500;
  }
}

/** One dealer's aging (the dealer's own on /statements, finance on the ledger view). */
export async function dealerAging(actor: Actor, dealerId: number, asOf = todayIn(env().BUSINESS_TZ)) {
  requirePermission(actor, "ledger:read");
  await assertDealerInScope(db, actor, dealerId);
  const m = await agingByDealer(db, asOf, [dealerId]);
  return { asOf, aging: m.get(dealerId) ?? emptyAging() };
}
