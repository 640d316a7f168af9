/**
 * KPI queries (definitions in docs/decisions/008-kpi-definitions.md). Every
 * query takes the dealer ids it may see (already scoped by the caller) or a
 * single dealer id; instants are compared in UTC against the business-day bounds.
 */
import { sql, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import { countDealsWithLiveQuote } from "~/modules/deals/deals.queries.server";

type Q = Executor | Kysely<DB>;
export type Bounds = { from: string; to: string; fromInstant: Date; toInstant: Date; tzOffset: string };

const n = (v: unknown) => Number(v ?? 0);
const OPEN_STATUSES = ["submitted", "credit_hold", "approved", "partially_shipped", "shipped"] as const;

export async function openOrdersByStatus(db: Q, dealerId: number) {
  const rows = await db
    .selectFrom("orders")
    .select(["status", sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(total_minor), 0)`.as("v")])
    .where("dealer_id", "=", dealerId)
    .where("status", "in", [...OPEN_STATUSES])
    .groupBy("status")
    .execute();
  return OPEN_STATUSES.map((s) => {
    const r = rows.find((x) => x.status === s);
    return { status: s, count: n(r?.n), valueMinor: n(r?.v) };
  });
}

export async function dealerActions(db: Q, dealerId: number, today: string) {
  const [quotes, statements, deliveries, sentBack] = await Promise.all([
    countDealsWithLiveQuote(db, { dealerId }, "to_answer", today).then((n) => ({ n })),
    db
      .selectFrom("statements")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("dealer_id", "=", dealerId)
      .where("status", "=", "issued")
      .executeTakeFirst(),
    db
      .selectFrom("orders")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("dealer_id", "=", dealerId)
      .where("status", "=", "shipped")
      .executeTakeFirst(),
    db
      .selectFrom("orders as o")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("o.dealer_id", "=", dealerId)
      .where("o.status", "=", "draft")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("order_status_history as h")
            .select("h.id")
            .whereRef("h.order_id", "=", "o.id")
            .where("h.from_status", "=", "submitted")
            .where("h.to_status", "=", "draft"),
        ),
      )
      .executeTakeFirst(),
  ]);
  return { quotesToAnswer: n(quotes?.n), statementsToConfirm: n(statements?.n), deliveriesToConfirm: n(deliveries?.n), ordersSentBack: n(sentBack?.n) };
}

export async function pipelineByStage(db: Q, where: { dealerId?: number; accountManagerId?: number }) {
  let q = db
    .selectFrom("deals")
    .select(["stage", sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(estimated_value_minor), 0)`.as("v")])
    .groupBy("stage");
  if (where.dealerId) q = q.where("dealer_id", "=", where.dealerId);
  if (where.accountManagerId) q = q.where("account_manager_id", "=", where.accountManagerId);
  const rows = await q.execute();
  const stages = ["registered", "conflict", "approved", "negotiating", "quoted", "won", "lost", "rejected", "expired"] as const;
  return stages.map((s) => {
    const r = rows.find((x) => x.stage === s);
    return { stage: s, count: n(r?.n), valueMinor: n(r?.v) };
  });
}

/**
 * The dealer's rolling KPIs over business days [from, to], read from the maintained daily sums
 * (dealer_daily_kpis, docs/decisions/074; definitions in orders/kpi-sql.ts):
 * - fill rate: quantity shipped on or before its first promise ÷ quantity ordered, orders submitted in
 *   the period (not draft, cancelled, rejected or on credit hold);
 * - on-time delivery: orders completely shipped in the period whose last shipment left by the
 *   promised (else requested) date;
 * - days to ship: average days from submission (business date) to the first shipment, for orders
 *   first shipped in the period.
 */
export async function dealerKpis(db: Q, dealerId: number, b: Bounds) {
  const r = await db
    .selectFrom("dealer_daily_kpis")
    .select([
      sql<string>`COALESCE(SUM(ordered_qty), 0)`.as("ordered"),
      sql<string>`COALESCE(SUM(on_promise_qty), 0)`.as("on_promise"),
      sql<string>`COALESCE(SUM(completed), 0)`.as("completed"),
      sql<string>`COALESCE(SUM(on_time), 0)`.as("on_time"),
      sql<string>`COALESCE(SUM(first_shipped), 0)`.as("first_shipped"),
      sql<string>`COALESCE(SUM(ship_days), 0)`.as("ship_days"),
    ])
    .where("dealer_id", "=", dealerId)
    .where("day", ">=", b.from)
    .where("day", "<=", b.to)
    .executeTakeFirst();
  const ordered = n(r?.ordered);
  const onPromise = n(r?.on_promise);
  const completed = n(r?.completed);
  const onTime = n(r?.on_time);
  const shipped = n(r?.first_shipped);
  return {
    fill: { orderedQty: ordered, shippedOnPromiseQty: onPromise, rate: ordered > 0 ? onPromise / ordered : null },
    onTime: { orders: completed, onTime, rate: completed > 0 ? onTime / completed : null },
    toShip: { orders: shipped, avgDays: shipped > 0 ? Math.round((n(r?.ship_days) / shipped) * 10) / 10 : null },
  };
}

export async function dealsWon(db: Q, where: { dealerId?: number; accountManagerId?: number }, b: Bounds) {
  let q = db
    .selectFrom("deals")
    .select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(estimated_value_minor), 0)`.as("v")])
    .where("stage", "=", "won")
    .where("closed_at", ">=", b.fromInstant)
    .where("closed_at", "<", b.toInstant);
  if (where.dealerId) q = q.where("dealer_id", "=", where.dealerId);
  if (where.accountManagerId) q = q.where("account_manager_id", "=", where.accountManagerId);
  const r = await q.executeTakeFirst();
  return { count: n(r?.n), valueMinor: n(r?.v) };
}

export async function dealsLost(db: Q, accountManagerId: number, b: Bounds) {
  const r = await db
    .selectFrom("deals")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("stage", "=", "lost")
    .where("account_manager_id", "=", accountManagerId)
    .where("closed_at", ">=", b.fromInstant)
    .where("closed_at", "<", b.toInstant)
    .executeTakeFirst();
  return n(r?.n);
}

/** Rebates and credit notes received (as positive amounts) by business date. */
export async function creditsReceived(db: Q, dealerId: number, b: Bounds) {
  const rows = await db
    .selectFrom("ledger_entries")
    .select(["entry_type", sql<string>`COALESCE(SUM(-amount_minor), 0)`.as("v")])
    .where("dealer_id", "=", dealerId)
    .where("entry_type", "in", ["rebate", "credit_note"])
    .where("business_date", ">=", b.from)
    .where("business_date", "<=", b.to)
    .groupBy("entry_type")
    .execute();
  return { rebatesMinor: n(rows.find((r) => r.entry_type === "rebate")?.v), creditNotesMinor: n(rows.find((r) => r.entry_type === "credit_note")?.v) };
}

/**
 * Ordered and shipped value per month (YYYY-MM) over the months given: the maintained
 * dealer_monthly_figures (kept by submission, the status changes that leave the ordered
 * value, and every shipment; compared with their recomputation by db:check).
 */
export async function monthlyTrend(db: Q, dealerId: number, months: string[]) {
  const rows = await db
    .selectFrom("dealer_monthly_figures")
    .select(["month", "ordered_minor", "shipped_minor"])
    .where("dealer_id", "=", dealerId)
    .where("month", ">=", months[0]!)
    .where("month", "<=", months[months.length - 1]!)
    .execute();
  const of = (m: string) => rows.find((r) => r.month === m);
  return months.map((m) => ({ month: m, orderedMinor: n(of(m)?.ordered_minor), shippedMinor: n(of(m)?.shipped_minor) }));
}

// ---------- account manager ----------

export async function dealAging(db: Q, accountManagerId: number, asOf: Date) {
  const r = await sql<{ bucket: string; n: number }>`
    SELECT CASE WHEN DATEDIFF(${asOf}, created_at) <= 30 THEN '0-30' WHEN DATEDIFF(${asOf}, created_at) <= 60 THEN '31-60'
                WHEN DATEDIFF(${asOf}, created_at) <= 90 THEN '61-90' ELSE '90+' END AS bucket, COUNT(*) AS n
    FROM deals WHERE account_manager_id = ${accountManagerId} AND stage IN ('registered', 'conflict', 'approved', 'negotiating', 'quoted')
    GROUP BY bucket`.execute(db);
  return ["0-30", "31-60", "61-90", "90+"].map((b) => ({ bucket: b, count: n(r.rows.find((x) => x.bucket === b)?.n) }));
}

export async function amAttention(db: Q, accountManagerId: number, today: string, soon: string) {
  const [conflicts, expiring, quotesPending] = await Promise.all([
    db
      .selectFrom("deals")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("account_manager_id", "=", accountManagerId)
      .where("stage", "=", "conflict")
      .executeTakeFirst(),
    db
      .selectFrom("deals")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("account_manager_id", "=", accountManagerId)
      .where("stage", "in", ["approved", "negotiating", "quoted"])
      .where("protection_expires_on", ">=", today)
      .where("protection_expires_on", "<=", soon)
      .executeTakeFirst(),
    countDealsWithLiveQuote(db, { accountManagerId }, "open", today).then((n) => ({ n })),
  ]);
  return { conflicts: n(conflicts?.n), expiringProtections: n(expiring?.n), quotesPending: n(quotesPending?.n) };
}

export async function dealerRankingByWonValue(db: Q, accountManagerId: number, b: Bounds) {
  return (
    await db
      .selectFrom("deals as d")
      .innerJoin("organisations as o", "o.id", "d.dealer_id")
      .select(["o.id", "o.code", "o.name", sql<string>`COALESCE(SUM(d.estimated_value_minor), 0)`.as("v"), sql<number>`COUNT(*)`.as("n")])
      .where("d.account_manager_id", "=", accountManagerId)
      .where("d.stage", "=", "won")
      .where("d.closed_at", ">=", b.fromInstant)
      .where("d.closed_at", "<", b.toInstant)
      .groupBy(["o.id", "o.code", "o.name"])
      .orderBy("v", "desc")
      .limit(10)
      .execute()
  ).map((r) => ({ dealerId: r.id, code: r.code, name: r.name, wonMinor: n(r.v), won: n(r.n) }));
}

// ---------- ops ----------

export async function reviewQueue(db: Q, limit = 10) {
  const [rows, total] = await Promise.all([
    db
      .selectFrom("orders as o")
      .innerJoin("organisations as d", "d.id", "o.dealer_id")
      .select(["o.id", "o.number", "o.submitted_at", "o.total_minor", "o.currency", "d.code as dealer_code", "d.name as dealer_name"])
      .where("o.status", "=", "submitted")
      .orderBy("o.submitted_at", "asc")
      .orderBy("o.id", "asc")
      .limit(limit)
      .execute(),
    db
      .selectFrom("orders")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("status", "=", "submitted")
      .executeTakeFirst(),
  ]);
  return { rows, total: n(total?.n) };
}

export async function backordersByProduct(db: Q, limit = 10) {
  // Summed per product on the covering index of backordered lines; names only for the top rows.
  const top = await db
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .select(["l.product_id", sql<string>`SUM(l.backordered_qty)`.as("q"), sql<string>`MIN(l.backorder_eta)`.as("eta")])
    .where("l.backordered_qty", ">", 0)
    .where("o.status", "in", ["approved", "partially_shipped"])
    .groupBy("l.product_id")
    .orderBy("q", "desc")
    .orderBy("l.product_id")
    .limit(limit)
    .execute();
  if (!top.length) return [];
  const names = await db
    .selectFrom("products")
    .select(["id", "sku", "name_en", "name_zh"])
    .where(
      "id",
      "in",
      top.map((r) => r.product_id),
    )
    .execute();
  return top.map((r) => {
    const p = names.find((x) => x.id === r.product_id)!;
    return { sku: p.sku, nameEn: p.name_en, nameZh: p.name_zh, quantity: n(r.q), eta: r.eta ? String(r.eta).slice(0, 10) : null };
  });
}

/** Made-to-order lines promised in [from, to] and not yet fully shipped: the figure and its list share this. */
function madeToOrderDueQuery(db: Q, from: string, to: string) {
  return db
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .where("l.made_to_order", "=", 1)
    .where("l.promise_date", ">=", from)
    .where("l.promise_date", "<=", to)
    .where(sql<boolean>`l.shipped_qty < l.quantity`)
    .where("o.status", "in", ["approved", "partially_shipped"]);
}

export async function madeToOrderDue(db: Q, from: string, to: string) {
  const r = await madeToOrderDueQuery(db, from, to)
    .select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(l.quantity - l.shipped_qty), 0)`.as("q")])
    .executeTakeFirst();
  return { lines: n(r?.n), quantity: n(r?.q) };
}

/** The lines behind madeToOrderDue, earliest promise first. */
export async function madeToOrderDueRows(db: Q, from: string, to: string, limit: number, offset: number) {
  return madeToOrderDueQuery(db, from, to)
    .innerJoin("organisations as d", "d.id", "o.dealer_id")
    .innerJoin("products as p", "p.id", "l.product_id")
    .select([
      "o.number",
      "d.code as dealer_code",
      "d.name as dealer_name",
      "l.line_no",
      "l.sku",
      "p.name_en",
      "p.name_zh",
      "l.quantity",
      "l.shipped_qty",
      "l.promise_date",
    ])
    .orderBy("l.promise_date")
    .orderBy("l.order_id")
    .orderBy("l.line_no")
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Stock levels at or below the threshold (active stocked products): the figure and its list share this. */
function lowStockQuery(db: Q, threshold: number) {
  return db.selectFrom("stock_levels as s").where("s.alert_eligible", "=", 1).where("s.available", "<=", threshold);
}

/** Planned receipts whose ETA has passed: the figure and its list share this. */
function lateIncomingQuery(db: Q, today: string) {
  return db.selectFrom("incoming_stock as i").where("i.status", "=", "planned").where("i.eta", "<", today);
}

export async function lowStockRows(db: Q, threshold: number, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    db
      .selectFrom((eb) =>
        lowStockQuery(eb as unknown as Q, threshold)
          .select(["s.product_id", "s.warehouse_id", "s.on_hand", "s.reserved", "s.available"])
          .orderBy("s.available", "asc")
          .orderBy("s.product_id")
          .orderBy("s.warehouse_id")
          .limit(limit)
          .offset(offset)
          .as("x"),
      )
      .innerJoin("products as p", "p.id", "x.product_id")
      .innerJoin("warehouses as w", "w.id", "x.warehouse_id")
      .select(["p.sku", "p.name_en", "p.name_zh", "w.code as warehouse", "x.on_hand", "x.reserved", "x.available"])
      .orderBy("x.available", "asc")
      .orderBy("x.product_id")
      .orderBy("x.warehouse_id")
      .execute(),
    lowStockQuery(db, threshold)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
  ]);
  return { rows: rows.map((r) => ({ ...r, on_hand: n(r.on_hand), reserved: n(r.reserved), available: n(r.available) })), total: n(total?.n) };
}

export async function lateIncomingRows(db: Q, today: string, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    lateIncomingQuery(db, today)
      .innerJoin("products as p", "p.id", "i.product_id")
      .innerJoin("warehouses as w", "w.id", "i.warehouse_id")
      .select(["p.sku", "p.name_en", "p.name_zh", "w.code as warehouse", "i.quantity", "i.eta", "i.source", "i.reference"])
      .orderBy("i.eta")
      .orderBy("i.id")
      .limit(limit)
      .offset(offset)
      .execute(),
    lateIncomingQuery(db, today)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
  ]);
  return { rows: rows.map((r) => ({ ...r, eta: String(r.eta).slice(0, 10) })), total: n(total?.n) };
}

export async function stockAlerts(db: Q, threshold: number, today: string, limit = 10) {
  // alert_eligible (active, stocked product; kept by the product writes) makes both one index range.
  const [low, lowCount, late, lateCount] = await Promise.all([
    // The first rows in index order, then their names (joined first, the optimizer scans every product).
    db
      .selectFrom((eb) =>
        eb
          .selectFrom("stock_levels")
          .select(["product_id", "warehouse_id", "available"])
          .where("alert_eligible", "=", 1)
          .where("available", "<=", threshold)
          .orderBy("available", "asc")
          .orderBy("product_id")
          .orderBy("warehouse_id")
          .limit(limit)
          .as("s"),
      )
      .innerJoin("products as p", "p.id", "s.product_id")
      .innerJoin("warehouses as w", "w.id", "s.warehouse_id")
      .select(["p.sku", "p.name_en", "p.name_zh", "w.code as warehouse", "s.available"])
      .orderBy("s.available", "asc")
      .orderBy("s.product_id")
      .orderBy("s.warehouse_id")
      .execute(),
    lowStockQuery(db, threshold)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
    db
      .selectFrom("incoming_stock as i")
      .innerJoin("products as p", "p.id", "i.product_id")
      .innerJoin("warehouses as w", "w.id", "i.warehouse_id")
      .select(["p.sku", "w.code as warehouse", "i.quantity", "i.eta"])
      .where("i.status", "=", "planned")
      .where("i.eta", "<", today)
      .orderBy("i.eta")
      .limit(limit)
      .execute(),
    lateIncomingQuery(db, today)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
  ]);
  return {
    low: low.map((r) => ({ sku: r.sku, nameEn: r.name_en, nameZh: r.name_zh, warehouse: r.warehouse, available: n(r.available) })),
    lowCount: n(lowCount?.n),
    lateIncoming: late.map((r) => ({ sku: r.sku, warehouse: r.warehouse, quantity: r.quantity, eta: String(r.eta).slice(0, 10) })),
    lateCount: n(lateCount?.n),
  };
}

// ---------- finance ----------

export async function openDisputes(db: Q, asOf: Date) {
  const r = await db
    .selectFrom("disputes")
    .select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(amount_minor), 0)`.as("v"), sql<string>`MIN(created_at)`.as("oldest")])
    .where("status", "=", "open")
    .executeTakeFirst();
  const oldest = r?.oldest ? new Date(r.oldest as unknown as string) : null;
  return { count: n(r?.n), amountMinor: n(r?.v), oldestDays: oldest ? Math.floor((asOf.getTime() - oldest.getTime()) / 86_400_000) : null };
}

/** Orders waiting on credit hold and for how long the oldest has (the figure behind /finance/credit-holds). */
export async function creditHolds(db: Q, asOf: Date) {
  const r = await db
    .selectFrom("orders")
    .select([sql<number>`COUNT(*)`.as("n"), sql<string>`MIN(submitted_at)`.as("oldest")])
    .where("status", "=", "credit_hold")
    .where("number", "is not", null)
    .executeTakeFirst();
  const oldest = r?.oldest ? new Date(r.oldest as unknown as string) : null;
  return { count: n(r?.n), oldestDays: oldest ? Math.max(0, Math.floor((asOf.getTime() - oldest.getTime()) / 86_400_000)) : null };
}

export async function statementConfirmation(db: Q, period: string, today: string) {
  const [issued, overdue] = await Promise.all([
    db
      .selectFrom("statements")
      .select(["status", sql<number>`COUNT(*)`.as("n")])
      .where("period", "=", period)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("statements")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("status", "=", "issued")
      .where("confirm_by", "<", today)
      .executeTakeFirst(),
  ]);
  const total = issued.reduce((s, r) => s + n(r.n), 0);
  const confirmed = issued.filter((r) => r.status === "confirmed" || r.status === "resolved").reduce((s, r) => s + n(r.n), 0);
  return { period, issued: total, confirmed, rate: total > 0 ? confirmed / total : null, overdue: n(overdue?.n) };
}
