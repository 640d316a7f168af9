/**
 * The queries behind the dealer-profit measures (decisions 137, 139). Each takes dealer or period ids that the
 * domain (measures.server.ts) has already scoped to the actor, and aggregates in the database: one row per
 * period (or per period and category, per dealer and month), never one query per dealer. Sell-out figures are
 * "as they stand": the reported rows plus their corrections (UNION ALL, then SUM). Portable SQL (MySQL 8,
 * MariaDB 10.11+, TiDB): derived tables, no window functions, no order read from ids.
 */
import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../../../db/client";
import type { IsoDate } from "~/utils/time";

const ids = (list: readonly number[]) => sql.join(list.map((n) => sql`${n}`));
const num = (v: unknown) => Number(v ?? 0);

/** Units and revenue per period × SKU as they stand (lines + corrections). */
export function salesUnion(periodIds: readonly number[]): RawBuilder<unknown> {
  return sql`(SELECT period_id, product_id, units_sold AS units, revenue_minor AS revenue FROM sellout_lines WHERE period_id IN (${ids(periodIds)})
    UNION ALL
    SELECT period_id, product_id, delta_units_sold, delta_revenue_minor FROM sellout_corrections WHERE period_id IN (${ids(periodIds)}))`;
}

/** Units on hand at period end per period × SKU as they stand (stock rows + on-hand corrections). */
function stockEnd(periodIds: readonly number[]): RawBuilder<unknown> {
  return sql`(SELECT period_id, product_id, SUM(oh) AS oh FROM (
      SELECT period_id, product_id, units_on_hand AS oh FROM sellout_stock WHERE period_id IN (${ids(periodIds)})
      UNION ALL
      SELECT period_id, product_id, delta_on_hand FROM sellout_corrections WHERE period_id IN (${ids(periodIds)}) AND delta_on_hand IS NOT NULL
    ) s0 GROUP BY period_id, product_id)`;
}

export type PeriodRow = {
  id: number;
  dealer_id: number;
  period_key: string;
  frequency: string;
  starts_on: IsoDate;
  ends_on: IsoDate;
  status: string;
  reported: boolean;
};

/** The dealers' periods that ended within [from, to] (by their end date). */
export async function periodsEnding(db: Executor, dealerIds: readonly number[], from: IsoDate, to: IsoDate): Promise<PeriodRow[]> {
  if (!dealerIds.length) return [];
  const rows = await db
    .selectFrom("sellout_periods")
    .select(["id", "dealer_id", "period_key", "frequency", "starts_on", "ends_on", "status", "reported_at"])
    .where("dealer_id", "in", [...dealerIds])
    .where("ends_on", ">=", from)
    .where("ends_on", "<=", to)
    .orderBy("dealer_id")
    .orderBy("starts_on")
    .execute();
  return rows.map((r) => ({ ...r, reported: r.reported_at !== null }));
}

/** Units and revenue per period and category (for the totals, the share and the per-category view). */
export async function salesByCategory(db: Executor, periodIds: readonly number[]) {
  if (!periodIds.length) return [];
  const r = await sql<{ period_id: number; category_code: string; units: unknown; revenue: unknown }>`
    SELECT x.period_id, pr.category_code, SUM(x.units) AS units, SUM(x.revenue) AS revenue
    FROM ${salesUnion(periodIds)} x JOIN products pr ON pr.id = x.product_id
    GROUP BY x.period_id, pr.category_code`.execute(db);
  return r.rows.map((x) => ({ periodId: Number(x.period_id), category: x.category_code, units: num(x.units), revenueMinor: num(x.revenue) }));
}

/** The dealer's all-brand sales per period and category. */
export async function categoryTotals(db: Executor, periodIds: readonly number[]) {
  if (!periodIds.length) return [];
  const rows = await db
    .selectFrom("sellout_category_totals")
    .select(["period_id", "category_code", "revenue_minor"])
    .where("period_id", "in", [...periodIds])
    .execute();
  return rows.map((x) => ({ periodId: Number(x.period_id), category: x.category_code, totalMinor: num(x.revenue_minor) }));
}

/**
 * Per period: Σ over SKUs on hand at its end of (opening + closing on hand), the opening being the SKU's on hand at
 * the end of the dealer's previous period (the one ending the day before), or the closing when that has no row.
 * `periodIds` are the periods asked for; `withPrevious` also holds the previous periods (their stock is read).
 */
export async function onHandSums(db: Executor, periodIds: readonly number[], withPrevious: readonly number[]) {
  if (!periodIds.length) return [];
  const all = [...new Set([...periodIds, ...withPrevious])];
  const r = await sql<{ period_id: number; oh2: unknown }>`
    SELECT cur.period_id, SUM(cur.oh + COALESCE(prev.oh, cur.oh)) AS oh2
    FROM ${stockEnd(periodIds)} cur
    JOIN sellout_periods p ON p.id = cur.period_id
    LEFT JOIN sellout_periods pp ON pp.dealer_id = p.dealer_id AND pp.ends_on = DATE_SUB(p.starts_on, INTERVAL 1 DAY)
    LEFT JOIN ${stockEnd(all)} prev ON prev.period_id = pp.id AND prev.product_id = cur.product_id
    GROUP BY cur.period_id`.execute(db);
  return r.rows.map((x) => ({ periodId: Number(x.period_id), oh2: num(x.oh2) }));
}

/**
 * Per reported period: rebates (credits, made positive), credit notes for returns (made positive: they reduce the
 * cost) and fees, by `business_date` within the period. One range read per dealer on (dealer, type, date), summed
 * per day in the database and into the periods here: a join of periods to entries on a date range reads every entry
 * of the busiest dealers (1–4 s at scale, decision 144).
 */
export async function ledgerSums(db: Executor, periods: readonly Pick<PeriodRow, "id" | "dealer_id" | "starts_on" | "ends_on">[]) {
  if (!periods.length) return [];
  const dealerIds = [...new Set(periods.map((p) => p.dealer_id))];
  const from = periods.reduce((m, p) => (p.starts_on < m ? p.starts_on : m), periods[0]!.starts_on);
  const to = periods.reduce((m, p) => (p.ends_on > m ? p.ends_on : m), periods[0]!.ends_on);
  const r = await sql<{ dealer_id: number; day: string; entry_type: string; rma: unknown; amount: unknown }>`
    SELECT dealer_id, DATE_FORMAT(business_date, '%Y-%m-%d') AS day, entry_type, source_type = 'rma' AS rma, SUM(amount_minor) AS amount
    FROM ledger_entries
    WHERE dealer_id IN (${ids(dealerIds)}) AND entry_type IN ('rebate', 'credit_note', 'fee') AND business_date >= ${from} AND business_date <= ${to}
    GROUP BY dealer_id, business_date, entry_type, source_type = 'rma'`.execute(db);
  const byDealer = new Map<number, (typeof periods)[number][]>();
  for (const p of periods) byDealer.set(p.dealer_id, [...(byDealer.get(p.dealer_id) ?? []), p]);
  const out = new Map<number, { periodId: number; rebatesMinor: number; returnsMinor: number; feesMinor: number }>();
  for (const x of r.rows) {
    const amount = num(x.amount);
    for (const p of byDealer.get(Number(x.dealer_id)) ?? []) {
      if (x.day < p.starts_on || x.day > p.ends_on) continue;
      const s = out.get(p.id) ?? { periodId: p.id, rebatesMinor: 0, returnsMinor: 0, feesMinor: 0 };
      if (x.entry_type === "rebate") s.rebatesMinor -= amount;
      else if (x.entry_type === "credit_note" && num(x.rma) === 1) s.returnsMinor -= amount;
      else if (x.entry_type === "fee") s.feesMinor += amount;
      out.set(p.id, s);
    }
  }
  return [...out.values()];
}

/**
 * Service cases per dealer and business day their resolution fell due in [from, until): how many, and how many were
 * resolved (with an outcome) by their due time. A case reopened and not resolved again has no resolution: missed.
 */
export async function casesDueByDay(db: Executor, dealerIds: readonly number[], from: Date, until: Date, offset: string) {
  if (!dealerIds.length) return [];
  const r = await sql<{ dealer_id: number; day: string; due: unknown; kept: unknown }>`
    SELECT sc.dealer_id, DATE_FORMAT(CONVERT_TZ(sc.resolution_due_at, '+00:00', ${offset}), '%Y-%m-%d') AS day, COUNT(*) AS due,
      SUM(CASE WHEN sc.resolved_at IS NOT NULL AND sc.outcome IS NOT NULL AND sc.resolved_at <= sc.resolution_due_at THEN 1 ELSE 0 END) AS kept
    FROM service_cases sc
    WHERE sc.dealer_id IN (${ids(dealerIds)}) AND sc.resolution_due_at >= ${from} AND sc.resolution_due_at < ${until}
    GROUP BY sc.dealer_id, day`.execute(db);
  return r.rows.map((x) => ({ dealerId: Number(x.dealer_id), day: x.day, due: num(x.due), kept: num(x.kept) }));
}

/** Answered satisfaction surveys per dealer and business day of the answer: count and Σ score. */
export async function surveysByDay(db: Executor, dealerIds: readonly number[], from: Date, until: Date, offset: string) {
  if (!dealerIds.length) return [];
  const r = await sql<{ dealer_id: number; day: string; n: unknown; total: unknown }>`
    SELECT sc.dealer_id, DATE_FORMAT(CONVERT_TZ(a.answered_at, '+00:00', ${offset}), '%Y-%m-%d') AS day, COUNT(*) AS n, SUM(a.score) AS total
    FROM service_survey_answers a JOIN service_cases sc ON sc.id = a.case_id
    WHERE sc.dealer_id IN (${ids(dealerIds)}) AND a.answered_at >= ${from} AND a.answered_at < ${until}
    GROUP BY sc.dealer_id, day`.execute(db);
  return r.rows.map((x) => ({ dealerId: Number(x.dealer_id), day: x.day, n: num(x.n), total: num(x.total) }));
}

/** One dealer's service cases due in [from, until), for first response and the median time to resolution. */
export function casesOfDealer(db: Executor, dealerId: number, from: Date, until: Date) {
  return db
    .selectFrom("service_cases")
    .select(["created_at", "first_response_at", "response_due_at", "resolved_at", "resolution_due_at", "outcome"])
    .where("dealer_id", "=", dealerId)
    .where("resolution_due_at", ">=", from)
    .where("resolution_due_at", "<", until)
    .limit(20_000)
    .execute();
}

/** Per SKU and period of one dealer: units and revenue sold, units on hand at the end (as they stand). */
export async function skuRows(db: Executor, periodIds: readonly number[]) {
  if (!periodIds.length) return [];
  const r = await sql<{ period_id: number; product_id: number; sku: string; name_en: string; name_zh: string; units: unknown; revenue: unknown; oh: unknown }>`
    SELECT k.period_id, k.product_id, pr.sku, pr.name_en, pr.name_zh, s.units, s.revenue, st.oh
    FROM (SELECT period_id, product_id FROM ${salesUnion(periodIds)} k0
          UNION SELECT period_id, product_id FROM ${stockEnd(periodIds)} k1) k
    JOIN products pr ON pr.id = k.product_id
    LEFT JOIN (SELECT period_id, product_id, SUM(units) AS units, SUM(revenue) AS revenue FROM ${salesUnion(periodIds)} s0 GROUP BY period_id, product_id) s
      ON s.period_id = k.period_id AND s.product_id = k.product_id
    LEFT JOIN ${stockEnd(periodIds)} st ON st.period_id = k.period_id AND st.product_id = k.product_id`.execute(db);
  return r.rows.map((x) => ({
    periodId: Number(x.period_id),
    productId: Number(x.product_id),
    sku: x.sku,
    nameEn: x.name_en,
    nameZh: x.name_zh,
    units: num(x.units),
    revenueMinor: num(x.revenue),
    onHand: x.oh === null || x.oh === undefined ? null : num(x.oh),
  }));
}

/**
 * Units we shipped to one dealer per SKU with ship dates in [from, to] (the shipment command's `dealer_purchase_days`,
 * decision 144: replacement orders of service cases are not in it). A primary-key range read.
 */
export async function shippedUnits(db: Executor, dealerId: number, from: IsoDate, to: IsoDate) {
  const rows = await db
    .selectFrom("dealer_purchase_days")
    .select((eb) => ["product_id", eb.fn.sum<number>("quantity").as("qty")])
    .where("dealer_id", "=", dealerId)
    .where("shipped_on", ">=", from)
    .where("shipped_on", "<=", to)
    .groupBy("product_id")
    .execute();
  return rows.map((r) => ({ productId: Number(r.product_id), units: num(r.qty) }));
}

/**
 * One dealer's returns to us (RMA lines received and credited) per SKU and business day of their credit note in
 * [from, to]: units and amount credited, with the product's category. The same credit notes the margin subtracts from
 * the cost (`ledgerSums`: `credit_note` with source `rma`).
 */
export async function returnedLines(db: Executor, dealerId: number, from: IsoDate, to: IsoDate) {
  const r = await sql<{ product_id: number; category_code: string; day: string; qty: unknown; amount: unknown }>`
    SELECT rl.product_id, pr.category_code, DATE_FORMAT(e.business_date, '%Y-%m-%d') AS day, SUM(rl.quantity) AS qty, SUM(rl.amount_minor) AS amount
    FROM ledger_entries e
    JOIN service_rmas m ON m.credit_entry_id = e.id AND m.dealer_id = e.dealer_id
    JOIN service_rma_lines rl ON rl.rma_id = m.id
    JOIN products pr ON pr.id = rl.product_id
    WHERE e.dealer_id = ${dealerId} AND e.entry_type = 'credit_note' AND e.source_type = 'rma' AND e.business_date >= ${from} AND e.business_date <= ${to}
    GROUP BY rl.product_id, pr.category_code, e.business_date`.execute(db);
  return r.rows.map((x) => ({ productId: Number(x.product_id), category: x.category_code, day: x.day, units: num(x.qty), amountMinor: num(x.amount) }));
}

/** Categories with their names and order. */
export function categoryNames(db: Executor) {
  return db.selectFrom("categories").select(["code", "name_en", "name_zh", "sort_order"]).execute();
}
