/**
 * KPI queries (definitions in docs/decisions/008-kpi-definitions.md). Every
 * query takes the dealer ids it may see (already scoped by the caller) or a
 * single dealer id; instants are compared in UTC against the business-day bounds.
 */
import { sql, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";

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
    db.selectFrom("quotes").select(sql<number>`COUNT(*)`.as("n")).where("dealer_id", "=", dealerId).where("status", "=", "proposed").where("valid_until", ">=", today).executeTakeFirst(),
    db.selectFrom("statements").select(sql<number>`COUNT(*)`.as("n")).where("dealer_id", "=", dealerId).where("status", "=", "issued").executeTakeFirst(),
    db.selectFrom("orders").select(sql<number>`COUNT(*)`.as("n")).where("dealer_id", "=", dealerId).where("status", "=", "shipped").executeTakeFirst(),
    db
      .selectFrom("orders as o")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("o.dealer_id", "=", dealerId)
      .where("o.status", "=", "draft")
      .where((eb) => eb.exists(eb.selectFrom("order_status_history as h").select("h.id").whereRef("h.order_id", "=", "o.id").where("h.from_status", "=", "submitted").where("h.to_status", "=", "draft")))
      .executeTakeFirst(),
  ]);
  return { quotesToAnswer: n(quotes?.n), statementsToConfirm: n(statements?.n), deliveriesToConfirm: n(deliveries?.n), ordersSentBack: n(sentBack?.n) };
}

export async function pipelineByStage(db: Q, where: { dealerId?: number; accountManagerId?: number }) {
  let q = db.selectFrom("deals").select(["stage", sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(estimated_value_minor), 0)`.as("v")]).groupBy("stage");
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
 * Fill rate: of the quantity ordered on orders submitted in the period, the share
 * shipped on or before the line's FIRST promise date.
 */
export async function fillRate(db: Q, dealerId: number, b: Bounds) {
  const r = await sql<{ ordered: string | null; on_promise: string | null }>`
    SELECT SUM(l.quantity) AS ordered,
           SUM((SELECT COALESCE(SUM(sl.quantity), 0) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
                WHERE sl.order_line_id = l.id
                  AND s.shipped_on <= COALESCE(
                        (SELECT c.old_date FROM order_date_changes c WHERE c.order_line_id = l.id AND c.old_date IS NOT NULL ORDER BY c.created_at, c.id LIMIT 1),
                        l.promise_date, o.promised_date, o.requested_date))) AS on_promise
    FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.dealer_id = ${dealerId} AND o.submitted_at >= ${b.fromInstant} AND o.submitted_at < ${b.toInstant}
      AND o.status NOT IN ('draft', 'cancelled', 'rejected', 'credit_hold')`.execute(db);
  const ordered = n(r.rows[0]?.ordered);
  const onPromise = n(r.rows[0]?.on_promise);
  return { orderedQty: ordered, shippedOnPromiseQty: onPromise, rate: ordered > 0 ? onPromise / ordered : null };
}

/** On-time delivery: orders completely shipped in the period whose last shipment left by the promised (else requested) date. */
export async function onTimeDelivery(db: Q, dealerId: number, b: Bounds) {
  const r = await sql<{ total: number; on_time: string | null }>`
    SELECT COUNT(*) AS total, SUM(CASE WHEN x.last_ship <= COALESCE(x.promised_date, x.requested_date) THEN 1 ELSE 0 END) AS on_time
    FROM (SELECT o.id, o.promised_date, o.requested_date, MAX(s.shipped_on) AS last_ship
          FROM orders o JOIN shipments s ON s.order_id = o.id
          WHERE o.dealer_id = ${dealerId} AND o.status IN ('shipped', 'delivered')
          GROUP BY o.id, o.promised_date, o.requested_date) x
    WHERE x.last_ship >= ${b.from} AND x.last_ship <= ${b.to}`.execute(db);
  const total = n(r.rows[0]?.total);
  const onTime = n(r.rows[0]?.on_time);
  return { orders: total, onTime, rate: total > 0 ? onTime / total : null };
}

/** Average days from submission (business date) to the first shipment, for orders first shipped in the period. */
export async function daysToShip(db: Q, dealerId: number, b: Bounds) {
  const r = await sql<{ orders: number; avg_days: string | null }>`
    SELECT COUNT(*) AS orders, AVG(DATEDIFF(x.first_ship, DATE(CONVERT_TZ(x.submitted_at, '+00:00', ${b.tzOffset})))) AS avg_days
    FROM (SELECT o.id, o.submitted_at, MIN(s.shipped_on) AS first_ship
          FROM orders o JOIN shipments s ON s.order_id = o.id
          WHERE o.dealer_id = ${dealerId} AND o.submitted_at IS NOT NULL
          GROUP BY o.id, o.submitted_at) x
    WHERE x.first_ship >= ${b.from} AND x.first_ship <= ${b.to}`.execute(db);
  const avg = r.rows[0]?.avg_days;
  return { orders: n(r.rows[0]?.orders), avgDays: avg === null || avg === undefined ? null : Math.round(Number(avg) * 10) / 10 };
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

/** Ordered and shipped value per month (YYYY-MM) over the months given. */
export async function monthlyTrend(db: Q, dealerId: number, months: string[], tzOffset: string) {
  const first = `${months[0]}-01`;
  const [ordered, shipped] = await Promise.all([
    sql<{ m: string; v: string }>`
      SELECT DATE_FORMAT(CONVERT_TZ(submitted_at, '+00:00', ${tzOffset}), '%Y-%m') AS m, SUM(total_minor) AS v
      FROM orders WHERE dealer_id = ${dealerId} AND submitted_at >= ${new Date(`${first}T00:00:00Z`)} - INTERVAL 1 DAY
        AND status NOT IN ('draft', 'cancelled', 'rejected')
      GROUP BY m`.execute(db),
    sql<{ m: string; v: string }>`
      SELECT DATE_FORMAT(shipped_on, '%Y-%m') AS m, SUM(value_minor) AS v
      FROM shipments WHERE dealer_id = ${dealerId} AND shipped_on >= ${first}
      GROUP BY m`.execute(db),
  ]);
  const pick = (rows: { m: string; v: string }[], m: string) => n(rows.find((r) => r.m === m)?.v);
  return months.map((m) => ({ month: m, orderedMinor: pick(ordered.rows, m), shippedMinor: pick(shipped.rows, m) }));
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
    db.selectFrom("deals").select(sql<number>`COUNT(*)`.as("n")).where("account_manager_id", "=", accountManagerId).where("stage", "=", "conflict").executeTakeFirst(),
    db
      .selectFrom("deals")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("account_manager_id", "=", accountManagerId)
      .where("stage", "in", ["approved", "negotiating", "quoted"])
      .where("protection_expires_on", ">=", today)
      .where("protection_expires_on", "<=", soon)
      .executeTakeFirst(),
    db
      .selectFrom("quotes as q")
      .innerJoin("deals as d", "d.id", "q.deal_id")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("d.account_manager_id", "=", accountManagerId)
      .where("q.status", "in", ["pending_approval", "proposed", "revision_requested"])
      .executeTakeFirst(),
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
    db.selectFrom("orders").select(sql<number>`COUNT(*)`.as("n")).where("status", "=", "submitted").executeTakeFirst(),
  ]);
  return { rows, total: n(total?.n) };
}

export async function backordersByProduct(db: Q, limit = 10) {
  return (
    await db
      .selectFrom("order_lines as l")
      .innerJoin("orders as o", "o.id", "l.order_id")
      .innerJoin("products as p", "p.id", "l.product_id")
      .select(["p.sku", "p.name_en", "p.name_zh", sql<string>`SUM(l.backordered_qty)`.as("q"), sql<string>`MIN(l.backorder_eta)`.as("eta")])
      .where("l.backordered_qty", ">", 0)
      .where("o.status", "in", ["approved", "partially_shipped"])
      .groupBy(["p.sku", "p.name_en", "p.name_zh"])
      .orderBy("q", "desc")
      .limit(limit)
      .execute()
  ).map((r) => ({ sku: r.sku, nameEn: r.name_en, nameZh: r.name_zh, quantity: n(r.q), eta: r.eta ? String(r.eta).slice(0, 10) : null }));
}

export async function madeToOrderDue(db: Q, from: string, to: string) {
  const r = await db
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(l.quantity - l.shipped_qty), 0)`.as("q")])
    .where("l.made_to_order", "=", 1)
    .where("l.promise_date", ">=", from)
    .where("l.promise_date", "<=", to)
    .where(sql<boolean>`l.shipped_qty < l.quantity`)
    .where("o.status", "in", ["approved", "partially_shipped"])
    .executeTakeFirst();
  return { lines: n(r?.n), quantity: n(r?.q) };
}

export async function stockAlerts(db: Q, threshold: number, today: string, limit = 10) {
  const [low, lowCount, late, lateCount] = await Promise.all([
    db
      .selectFrom("stock_levels as s")
      .innerJoin("products as p", "p.id", "s.product_id")
      .innerJoin("warehouses as w", "w.id", "s.warehouse_id")
      .select(["p.sku", "p.name_en", "p.name_zh", "w.code as warehouse", "s.available"])
      .where("s.available", "<=", threshold)
      .where("p.status", "=", "active")
      .where("p.made_to_order", "=", 0)
      .orderBy("s.available", "asc")
      .orderBy("p.sku")
      .limit(limit)
      .execute(),
    db
      .selectFrom("stock_levels as s")
      .innerJoin("products as p", "p.id", "s.product_id")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("s.available", "<=", threshold)
      .where("p.status", "=", "active")
      .where("p.made_to_order", "=", 0)
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
    db.selectFrom("incoming_stock").select(sql<number>`COUNT(*)`.as("n")).where("status", "=", "planned").where("eta", "<", today).executeTakeFirst(),
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

export async function statementConfirmation(db: Q, period: string, today: string) {
  const [issued, overdue] = await Promise.all([
    db.selectFrom("statements").select(["status", sql<number>`COUNT(*)`.as("n")]).where("period", "=", period).groupBy("status").execute(),
    db.selectFrom("statements").select(sql<number>`COUNT(*)`.as("n")).where("status", "=", "issued").where("confirm_by", "<", today).executeTakeFirst(),
  ]);
  const total = issued.reduce((s, r) => s + n(r.n), 0);
  const confirmed = issued.filter((r) => r.status === "confirmed" || r.status === "resolved").reduce((s, r) => s + n(r.n), 0);
  return { period, issued: total, confirmed, rate: total > 0 ? confirmed / total : null, overdue: n(overdue?.n) };
}
