/**
 * Invariants of orders, for `npm run db:check` (and tests): totals add up,
 * line fulfilment adds up, every shipment is invoiced exactly once, and order
 * reservations never exceed what the stock levels hold reserved.
 */
import { sql, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import { env } from "~/utils/env.server";
import { now } from "~/utils/time";
import { tzOffset } from "~/modules/reports/reports.server";
import { dailyKpisFromContributionsSql, ON_PROMISE_QTY_BY_ORDER, orderKpiContributionsSql, ORDERED_QTY_BY_ORDER, SHIPPED_BY_ORDER } from "./kpi-sql";

type Db = Executor | Kysely<DB>;

export async function findOrderInvariantViolations(db: Db): Promise<Record<string, unknown>[]> {
  const totals = await sql<Record<string, unknown>>`
    SELECT o.id AS order_id, o.number, o.total_minor, o.line_count, COALESCE(SUM(l.line_total_minor), 0) AS sum_lines, COUNT(l.id) AS line_rows,
           'order total or line count differs from its lines' AS problem
    FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.id, o.number, o.total_minor, o.line_count
    HAVING o.total_minor <> COALESCE(SUM(l.line_total_minor), 0) OR o.line_count <> COUNT(l.id)`.execute(db);
  const lineMath = await sql<Record<string, unknown>>`
    SELECT l.id AS line_id, o.number, o.status, l.quantity, l.reserved_qty, l.backordered_qty, l.production_qty, l.shipped_qty,
           'line fulfilment does not add up to the quantity' AS problem
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.status IN ('approved', 'partially_shipped', 'shipped', 'delivered')
      AND l.reserved_qty + l.backordered_qty + l.production_qty + l.shipped_qty <> l.quantity`.execute(db);
  const reservations = await sql<Record<string, unknown>>`
    SELECT l.id AS line_id, l.reserved_qty, COALESCE(SUM(r.quantity), 0) AS sum_reservations,
           'line reserved quantity differs from its reservations' AS problem
    FROM order_lines l LEFT JOIN order_line_reservations r ON r.order_line_id = l.id
    GROUP BY l.id, l.reserved_qty
    HAVING l.reserved_qty <> COALESCE(SUM(r.quantity), 0)`.execute(db);
  const shipped = await sql<Record<string, unknown>>`
    SELECT l.id AS line_id, l.shipped_qty, COALESCE(SUM(s.quantity), 0) AS sum_shipments,
           'line shipped quantity differs from its shipments' AS problem
    FROM order_lines l LEFT JOIN shipment_lines s ON s.order_line_id = l.id
    GROUP BY l.id, l.shipped_qty
    HAVING l.shipped_qty <> COALESCE(SUM(s.quantity), 0)`.execute(db);
  const invoiced = await sql<Record<string, unknown>>`
    SELECT s.id AS shipment_id, s.number, s.value_minor, COUNT(e.id) AS invoices, COALESCE(SUM(e.amount_minor), 0) AS invoiced,
           'shipment value is not invoiced exactly once' AS problem
    FROM shipments s LEFT JOIN ledger_entries e ON e.entry_type = 'invoice' AND e.source_type = 'shipment' AND e.source_id = CAST(s.id AS CHAR)
    GROUP BY s.id, s.number, s.value_minor
    HAVING (s.value_minor > 0 AND (COUNT(e.id) <> 1 OR COALESCE(SUM(e.amount_minor), 0) <> s.value_minor)) OR (s.value_minor = 0 AND COUNT(e.id) > 0)`.execute(
    db,
  );
  const overReserved = await sql<Record<string, unknown>>`
    SELECT l.product_id, r.warehouse_id, SUM(r.quantity) AS order_reservations, MAX(sl.reserved) AS level_reserved,
           'order reservations exceed the reserved stock of the level' AS problem
    FROM order_line_reservations r JOIN order_lines l ON l.id = r.order_line_id
    LEFT JOIN stock_levels sl ON sl.product_id = l.product_id AND sl.warehouse_id = r.warehouse_id
    GROUP BY l.product_id, r.warehouse_id
    HAVING SUM(r.quantity) > COALESCE(MAX(sl.reserved), 0)`.execute(db);
  // A quote line is the ceiling of its price: live orders (drafts included) never hold more of it than was quoted.
  const overQuoted = await sql<Record<string, unknown>>`
    SELECT q.id AS quote_line_id, q.quote_id, q.quantity AS quoted, SUM(l.quantity) AS ordered,
           'orders hold more of a quote line than was quoted' AS problem
    FROM quote_lines q JOIN order_lines l ON l.quote_line_id = q.id JOIN orders o ON o.id = l.order_id
    WHERE o.status NOT IN ('cancelled', 'rejected')
    GROUP BY q.id, q.quote_id, q.quantity
    HAVING SUM(l.quantity) > q.quantity`.execute(db);
  return [...totals.rows, ...lineMath.rows, ...reservations.rows, ...shipped.rows, ...invoiced.rows, ...overReserved.rows, ...overQuoted.rows];
}

/**
 * The maintained fulfilment figures of orders (ordered_qty, on_promise_qty, first and last ship
 * date, shipped value: kept by writeLines and every shipment) recomputed from the lines, shipments and date
 * changes; every order whose stored figures differ is returned. Optionally for some orders only.
 */
export async function findOrderKpiMismatches(db: Db, orderIds?: number[]): Promise<Record<string, unknown>[]> {
  if (orderIds && orderIds.length === 0) return [];
  const only = orderIds ? sql`WHERE o.id IN (${sql.join(orderIds)})` : sql``;
  const r = await sql<Record<string, unknown>>`
    SELECT o.id AS order_id, o.number, o.ordered_qty, o.on_promise_qty, o.first_shipped_on, o.last_shipped_on, o.shipped_value_minor,
           COALESCE(q.q, 0) AS want_ordered_qty, COALESCE(p.q, 0) AS want_on_promise_qty, s.f AS want_first_shipped_on, s.l AS want_last_shipped_on,
           COALESCE(s.v, 0) AS want_shipped_value_minor,
           'maintained fulfilment figures differ from the lines and shipments' AS problem
    FROM orders o
    LEFT JOIN (${sql.raw(ORDERED_QTY_BY_ORDER)}) q ON q.order_id = o.id
    LEFT JOIN (${sql.raw(SHIPPED_BY_ORDER)}) s ON s.order_id = o.id
    LEFT JOIN (${sql.raw(ON_PROMISE_QTY_BY_ORDER)}) p ON p.order_id = o.id
    ${only}
    HAVING o.ordered_qty <> want_ordered_qty OR o.on_promise_qty <> want_on_promise_qty OR o.shipped_value_minor <> want_shipped_value_minor
        OR NOT (o.first_shipped_on <=> want_first_shipped_on) OR NOT (o.last_shipped_on <=> want_last_shipped_on)`.execute(db);
  return r.rows;
}

/**
 * Recomputes the maintained fulfilment figures from scratch (all orders, or some): for
 * data written outside the domain functions (hand-built test data, repairs after a
 * db:check finding). The domain keeps them itself; this is the same definition.
 */
export async function recomputeOrderKpis(db: Db, orderIds?: number[]): Promise<void> {
  if (orderIds && orderIds.length === 0) return;
  const only = (col: string) => (orderIds ? sql`AND ${sql.ref(col)} IN (${sql.join(orderIds)})` : sql``);
  await sql`UPDATE orders o SET o.ordered_qty = 0, o.on_promise_qty = 0, o.first_shipped_on = NULL, o.last_shipped_on = NULL, o.shipped_value_minor = 0 WHERE 1 = 1 ${only("o.id")}`.execute(
    db,
  );
  await sql`UPDATE orders o JOIN (SELECT order_id, SUM(quantity) AS q FROM order_lines WHERE 1 = 1 ${only("order_id")} GROUP BY order_id) x ON x.order_id = o.id SET o.ordered_qty = x.q`.execute(
    db,
  );
  await sql`UPDATE orders o JOIN (SELECT order_id, MIN(shipped_on) AS f, MAX(shipped_on) AS l, SUM(value_minor) AS v FROM shipments WHERE 1 = 1 ${only("order_id")} GROUP BY order_id) x ON x.order_id = o.id
            SET o.first_shipped_on = x.f, o.last_shipped_on = x.l, o.shipped_value_minor = x.v`.execute(db);
  await sql`UPDATE orders o JOIN (
              SELECT l.order_id, SUM(sl.quantity) AS q
              FROM order_lines l JOIN orders oo ON oo.id = l.order_id
                JOIN shipment_lines sl ON sl.order_line_id = l.id JOIN shipments s ON s.id = sl.shipment_id
              WHERE s.shipped_on <= COALESCE(
                (SELECT c.old_date FROM order_date_changes c WHERE c.order_line_id = l.id AND c.old_date IS NOT NULL ORDER BY c.created_at, c.id LIMIT 1),
                l.promise_date, oo.promised_date, oo.requested_date) ${only("l.order_id")}
              GROUP BY l.order_id) x ON x.order_id = o.id
            SET o.on_promise_qty = x.q`.execute(db);
}

/** dealer_monthly_figures as they should be: ordered value by business month of submission, shipped value by ship month. */
function monthlyFiguresQuery() {
  const off = tzOffset(env().BUSINESS_TZ, now());
  return sql`
    SELECT dealer_id, month, SUM(o) AS ordered_minor, SUM(s) AS shipped_minor FROM (
      SELECT dealer_id, DATE_FORMAT(CONVERT_TZ(submitted_at, '+00:00', ${off}), '%Y-%m') AS month, total_minor AS o, 0 AS s
      FROM orders WHERE submitted_at IS NOT NULL AND status NOT IN ('draft', 'cancelled', 'rejected')
      UNION ALL
      SELECT dealer_id, DATE_FORMAT(shipped_on, '%Y-%m'), 0, value_minor FROM shipments
    ) x GROUP BY dealer_id, month`;
}

/** Months whose maintained ordered or shipped value differs from the recomputation (rows of zero count as absent). */
export async function findMonthlyFigureMismatches(db: Db): Promise<Record<string, unknown>[]> {
  const r = await sql<Record<string, unknown>>`
    SELECT k.dealer_id, k.month, COALESCE(m.ordered_minor, 0) AS ordered_minor, COALESCE(m.shipped_minor, 0) AS shipped_minor,
           COALESCE(w.ordered_minor, 0) AS want_ordered_minor, COALESCE(w.shipped_minor, 0) AS want_shipped_minor,
           'maintained monthly figures differ from the orders and shipments' AS problem
    FROM (SELECT dealer_id, month FROM dealer_monthly_figures UNION SELECT dealer_id, month FROM (${monthlyFiguresQuery()}) w0) k
    LEFT JOIN dealer_monthly_figures m ON m.dealer_id = k.dealer_id AND m.month = k.month
    LEFT JOIN (${monthlyFiguresQuery()}) w ON w.dealer_id = k.dealer_id AND w.month = k.month
    WHERE COALESCE(m.ordered_minor, 0) <> COALESCE(w.ordered_minor, 0) OR COALESCE(m.shipped_minor, 0) <> COALESCE(w.shipped_minor, 0)
    LIMIT 100`.execute(db);
  return r.rows;
}

/** Rebuilds dealer_monthly_figures from the orders and shipments (hand-built data, repairs). */
export async function recomputeMonthlyFigures(db: Db): Promise<void> {
  await sql`DELETE FROM dealer_monthly_figures`.execute(db);
  await sql`INSERT INTO dealer_monthly_figures (dealer_id, month, ordered_minor, shipped_minor) SELECT dealer_id, month, ordered_minor, shipped_minor FROM (${monthlyFiguresQuery()}) w`.execute(
    db,
  );
}

/** Orders per dealer, status and numbered-or-not, counted from the orders (what dealer_order_counts keeps). */
const ORDER_COUNTS = sql`SELECT dealer_id, status, (number IS NOT NULL) AS numbered, COUNT(*) AS n FROM orders GROUP BY dealer_id, status, (number IS NOT NULL)`;

/** Maintained order counts that differ from counting the orders (rows of zero count as absent). */
export async function findOrderCountMismatches(db: Db): Promise<Record<string, unknown>[]> {
  const r = await sql<Record<string, unknown>>`
    SELECT k.dealer_id, k.status, k.numbered, COALESCE(m.n, 0) AS n, COALESCE(w.n, 0) AS want_n,
           'maintained order count differs from the orders' AS problem
    FROM (SELECT dealer_id, status, numbered FROM dealer_order_counts UNION SELECT dealer_id, status, numbered FROM (${ORDER_COUNTS}) w0) k
    LEFT JOIN dealer_order_counts m ON m.dealer_id = k.dealer_id AND m.status = k.status AND m.numbered = k.numbered
    LEFT JOIN (${ORDER_COUNTS}) w ON w.dealer_id = k.dealer_id AND w.status = k.status AND w.numbered = k.numbered
    WHERE COALESCE(m.n, 0) <> COALESCE(w.n, 0)
    LIMIT 100`.execute(db);
  return r.rows;
}

/** Rebuilds dealer_order_counts from the orders (hand-built data, repairs). */
export async function recomputeOrderCounts(db: Db): Promise<void> {
  await sql`DELETE FROM dealer_order_counts`.execute(db);
  await sql`INSERT INTO dealer_order_counts (dealer_id, status, numbered, n) SELECT dealer_id, status, numbered, n FROM (${ORDER_COUNTS}) w`.execute(db);
}

const DAILY_COLUMNS = ["ordered_qty", "on_promise_qty", "completed", "on_time", "first_shipped", "ship_days"] as const;

/** Dealer-days whose maintained KPI sums differ from recomputing them from the orders (zero rows count as absent). */
export async function findDailyKpiMismatches(db: Db): Promise<Record<string, unknown>[]> {
  const want = dailyKpisFromContributionsSql(orderKpiContributionsSql(tzOffset(env().BUSINESS_TZ, now()), "o.submitted_at IS NOT NULL"));
  const differs = DAILY_COLUMNS.map((c) => `COALESCE(m.${c}, 0) <> COALESCE(w.${c}, 0)`).join(" OR ");
  const cols = DAILY_COLUMNS.map((c) => `COALESCE(m.${c}, 0) AS ${c}, COALESCE(w.${c}, 0) AS want_${c}`).join(", ");
  const r = await sql<Record<string, unknown>>`
    SELECT k.dealer_id, DATE_FORMAT(k.day, '%Y-%m-%d') AS day, ${sql.raw(cols)}, 'maintained daily KPI sums differ from the orders' AS problem
    FROM (SELECT dealer_id, day FROM dealer_daily_kpis UNION SELECT dealer_id, day FROM (${sql.raw(want)}) w0) k
    LEFT JOIN dealer_daily_kpis m ON m.dealer_id = k.dealer_id AND m.day = k.day
    LEFT JOIN (${sql.raw(want)}) w ON w.dealer_id = k.dealer_id AND w.day = k.day
    WHERE ${sql.raw(differs)}
    LIMIT 100`.execute(db);
  return r.rows;
}

/** Rebuilds order_kpi_contributions and dealer_daily_kpis from the orders (hand-built data, repairs). */
export async function recomputeDailyKpis(db: Db): Promise<void> {
  const contributions = orderKpiContributionsSql(tzOffset(env().BUSINESS_TZ, now()), "o.submitted_at IS NOT NULL");
  await sql`DELETE FROM dealer_daily_kpis`.execute(db);
  await sql`DELETE FROM order_kpi_contributions`.execute(db);
  await sql`INSERT INTO order_kpi_contributions (order_id, dealer_id, fill_day, ordered_qty, on_promise_qty, done_day, on_time, ship_day, ship_days)
            SELECT order_id, dealer_id, fill_day, ordered_qty, on_promise_qty, done_day, on_time, ship_day, ship_days FROM (${sql.raw(contributions)}) c`.execute(
    db,
  );
  await sql`INSERT INTO dealer_daily_kpis (dealer_id, day, ordered_qty, on_promise_qty, completed, on_time, first_shipped, ship_days)
            SELECT dealer_id, day, ordered_qty, on_promise_qty, completed, on_time, first_shipped, ship_days
            FROM (${sql.raw(dailyKpisFromContributionsSql("SELECT * FROM order_kpi_contributions"))}) d`.execute(db);
}
