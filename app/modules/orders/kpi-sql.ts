/**
 * The definitions of the orders' maintained fulfilment figures (docs/decisions/009) as SQL
 * subqueries, one row per order: what `npm run db:check` recomputes and what the benchmark's
 * data generator backfills. Writes keep the stored figures in step in orders.server.ts.
 * (The migration that added the columns keeps its own frozen copy: a migration must not change
 * when the app does.)
 */

/** order_id, q = Σ ordered quantity of its lines. */
export const ORDERED_QTY_BY_ORDER = "SELECT order_id, SUM(quantity) AS q FROM order_lines GROUP BY order_id";

/** order_id, f / l = first and last ship date, v = Σ shipped value. */
export const SHIPPED_BY_ORDER = "SELECT order_id, MIN(shipped_on) AS f, MAX(shipped_on) AS l, SUM(value_minor) AS v FROM shipments GROUP BY order_id";

/** order_id, q = quantity shipped on or before the first date promised for its line. */
export const ON_PROMISE_QTY_BY_ORDER = `SELECT l.order_id, SUM(sl.quantity) AS q
      FROM order_lines l JOIN orders oo ON oo.id = l.order_id
        JOIN shipment_lines sl ON sl.order_line_id = l.id JOIN shipments sh ON sh.id = sl.shipment_id
      WHERE sh.shipped_on <= COALESCE(
        (SELECT c.old_date FROM order_date_changes c WHERE c.order_line_id = l.id AND c.old_date IS NOT NULL ORDER BY c.created_at, c.id LIMIT 1),
        l.promise_date, oo.promised_date, oo.requested_date)
      GROUP BY l.order_id`;

/**
 * What one order adds to its dealer's daily KPI rows (dealer_daily_kpis, docs/decisions/074),
 * one row per order, for the business time zone's UTC offset (e.g. "+08:00"):
 * - fill rate, by business day of submission: ordered and on-first-promise quantity, for orders
 *   in the ordered figures (not draft, cancelled, rejected or on credit hold);
 * - on-time delivery, by the last ship date of orders completely shipped (shipped, delivered):
 *   1, and 1 more when that date is on or before the promised (else requested) date;
 * - days to ship, by the first ship date of submitted orders: 1 and the days from submission.
 * Columns: order_id, dealer_id, fill_day, ordered_qty, on_promise_qty, done_day, on_time, ship_day, ship_days.
 */
export function orderKpiContributionsSql(offset: string, where = "TRUE"): string {
  if (!/^[+-]\d{2}:\d{2}$/.test(offset)) throw new Error(`bad UTC offset ${offset}`);
  const subDay = `DATE(CONVERT_TZ(o.submitted_at, '+00:00', '${offset}'))`;
  const counted = `o.submitted_at IS NOT NULL AND o.status NOT IN ('draft', 'cancelled', 'rejected', 'credit_hold')`;
  const done = `o.status IN ('shipped', 'delivered') AND o.last_shipped_on IS NOT NULL`;
  const shipped = `o.first_shipped_on IS NOT NULL AND o.submitted_at IS NOT NULL`;
  return `SELECT o.id AS order_id, o.dealer_id,
      CASE WHEN ${counted} THEN ${subDay} END AS fill_day,
      CASE WHEN ${counted} THEN o.ordered_qty ELSE 0 END AS ordered_qty,
      CASE WHEN ${counted} THEN o.on_promise_qty ELSE 0 END AS on_promise_qty,
      CASE WHEN ${done} THEN o.last_shipped_on END AS done_day,
      CASE WHEN ${done} AND o.last_shipped_on <= COALESCE(o.promised_date, o.requested_date) THEN 1 ELSE 0 END AS on_time,
      CASE WHEN ${shipped} THEN o.first_shipped_on END AS ship_day,
      CASE WHEN ${shipped} THEN DATEDIFF(o.first_shipped_on, ${subDay}) ELSE 0 END AS ship_days
    FROM orders o WHERE ${where}`;
}

/** dealer_id, day and the daily sums, from per-order contributions (a subquery with the columns above). */
export function dailyKpisFromContributionsSql(contributions: string): string {
  return `SELECT dealer_id, day, SUM(ordered_qty) AS ordered_qty, SUM(on_promise_qty) AS on_promise_qty, SUM(completed) AS completed,
      SUM(on_time) AS on_time, SUM(first_shipped) AS first_shipped, SUM(ship_days) AS ship_days
    FROM (
      SELECT dealer_id, fill_day AS day, ordered_qty, on_promise_qty, 0 AS completed, 0 AS on_time, 0 AS first_shipped, 0 AS ship_days FROM (${contributions}) c1 WHERE fill_day IS NOT NULL
      UNION ALL SELECT dealer_id, done_day, 0, 0, 1, on_time, 0, 0 FROM (${contributions}) c2 WHERE done_day IS NOT NULL
      UNION ALL SELECT dealer_id, ship_day, 0, 0, 0, 0, 1, ship_days FROM (${contributions}) c3 WHERE ship_day IS NOT NULL
    ) x GROUP BY dealer_id, day`;
}
