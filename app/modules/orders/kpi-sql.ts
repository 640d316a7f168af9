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
