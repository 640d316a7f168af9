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
import { assertDealerInScope } from "~/modules/auth/scope.server";
import { env } from "~/utils/env.server";
import { minorToDecimal } from "~/utils/money";
import { todayIn } from "~/utils/time";
import { creditPositions, type CreditPosition } from "./credit.server";
import type { AgingFilter } from "./ledger.schema";

export const BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d90_plus"] as const;
export type Bucket = (typeof BUCKETS)[number];
export type AgingRow = Record<Bucket, number> & { unapplied: number; balance: number };

export function emptyAging(): AgingRow {
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
 * Aging for the given dealers (or all dealers when `dealerIds` is undefined), set-based:
 * one query for the open debits by bucket, one for the balances.
 */
export async function agingByDealer(database: Kysely<DB> | Executor, asOf: string, dealerIds?: number[]): Promise<Map<number, AgingRow>> {
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

export function sumAging(rows: Iterable<AgingRow>): AgingRow {
  const t = emptyAging();
  for (const r of rows) for (const k of [...BUCKETS, "unapplied", "balance"] as const) t[k] += r[k];
  return t;
}

const PAGE_SIZE = 25;

function dealersWithActivity(f: { q?: string }) {
  let q = db
    .selectFrom("organisations as o")
    .where("o.kind", "=", "dealer")
    .where((eb) => eb.exists(eb.selectFrom("ledger_entries as x").select("x.id").whereRef("x.dealer_id", "=", "o.id")));
  if (f.q) q = q.where((eb) => eb.or([eb("o.code", "like", `%${f.q}%`), eb("o.name", "like", `%${f.q}%`)]));
  return q;
}

/** /finance/aging: one page of dealers with their buckets and credit, and totals over all dealers. */
export async function agingReport(actor: Actor, filter: AgingFilter) {
  requirePermission(actor, "aging:read");
  const asOf = filter.asOf ?? todayIn(env().BUSINESS_TZ);
  const base = dealersWithActivity(filter);
  const [dealers, count] = await Promise.all([
    base.select(["o.id", "o.code", "o.name", "o.currency"]).orderBy("o.code").limit(PAGE_SIZE).offset((filter.page - 1) * PAGE_SIZE).execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  const ids = dealers.map((d) => d.id);
  const [aging, credit, all] = await Promise.all([agingByDealer(db, asOf, ids), creditPositions(db, ids), filter.q ? null : agingByDealer(db, asOf)]);
  const rows = dealers.map((d) => ({ ...d, aging: aging.get(d.id) ?? emptyAging(), credit: credit.get(d.id) as CreditPosition }));
  const totals = all ? sumAging(all.values()) : sumAging(rows.map((r) => r.aging));
  return { asOf, rows, totals, totalsScope: all ? ("all" as const) : ("page" as const), total: Number(count?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export const AGING_CSV_HEADER = ["dealer_code", "dealer_name", "currency", "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "unapplied_credit", "balance", "credit_limit", "open_orders", "available_credit"];

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
      return [d.code, d.name, d.currency, m(a.current), m(a.d1_30), m(a.d31_60), m(a.d61_90), m(a.d90_plus), m(a.unapplied), m(a.balance), m(c.limitMinor), m(c.openOrdersMinor), m(c.availableMinor)];
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
