/**
 * Invariants of orders, for `npm run db:check` (and tests): totals add up,
 * line fulfilment adds up, every shipment is invoiced exactly once, and order
 * reservations never exceed what the stock levels hold reserved.
 */
import { sql, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";

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
    HAVING (s.value_minor > 0 AND (COUNT(e.id) <> 1 OR COALESCE(SUM(e.amount_minor), 0) <> s.value_minor)) OR (s.value_minor = 0 AND COUNT(e.id) > 0)`.execute(db);
  const overReserved = await sql<Record<string, unknown>>`
    SELECT l.product_id, r.warehouse_id, SUM(r.quantity) AS order_reservations, MAX(sl.reserved) AS level_reserved,
           'order reservations exceed the reserved stock of the level' AS problem
    FROM order_line_reservations r JOIN order_lines l ON l.id = r.order_line_id
    LEFT JOIN stock_levels sl ON sl.product_id = l.product_id AND sl.warehouse_id = r.warehouse_id
    GROUP BY l.product_id, r.warehouse_id
    HAVING SUM(r.quantity) > COALESCE(MAX(sl.reserved), 0)`.execute(db);
  return [...totals.rows, ...lineMath.rows, ...reservations.rows, ...shipped.rows, ...invoiced.rows, ...overReserved.rows];
}
