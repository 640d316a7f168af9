/**
 * The invariants of DESIGN.md as SQL, for the benchmark data set: each query
 * returns offending rows (none when the data is sound). db/check.ts's registered
 * checks run as well (runChecks); these cover the areas whose checks are not
 * registered there yet, so the generator is held to all of them today.
 */
import { createConnection } from "mysql2";
import { connectionOptions } from "./data";

export const DATA_INVARIANTS: { name: string; sql: string }[] = [
  {
    name: "stock level = Σ movements, 0 ≤ reserved ≤ on hand",
    sql: `SELECT l.product_id, l.warehouse_id FROM stock_levels l
          LEFT JOIN (SELECT product_id, warehouse_id, SUM(on_hand_delta) s_on, SUM(reserved_delta) s_res FROM stock_movements GROUP BY product_id, warehouse_id) m
            ON m.product_id = l.product_id AND m.warehouse_id = l.warehouse_id
          WHERE l.on_hand <> COALESCE(m.s_on, 0) OR l.reserved <> COALESCE(m.s_res, 0) OR l.reserved < 0 OR l.on_hand < l.reserved LIMIT 20`,
  },
  {
    name: "level reserved = Σ order-line reservations",
    sql: `SELECT l.product_id, l.warehouse_id, l.reserved, COALESCE(r.q, 0) AS reservations FROM stock_levels l
          LEFT JOIN (SELECT ol.product_id, r.warehouse_id, SUM(r.quantity) q FROM order_line_reservations r JOIN order_lines ol ON ol.id = r.order_line_id GROUP BY ol.product_id, r.warehouse_id) r
            ON r.product_id = l.product_id AND r.warehouse_id = l.warehouse_id
          WHERE l.reserved <> COALESCE(r.q, 0) LIMIT 20`,
  },
  {
    name: "order total = Σ line totals, line_count = lines, line total = qty × price",
    sql: `SELECT o.id FROM orders o LEFT JOIN (SELECT order_id, SUM(line_total_minor) t, COUNT(*) n, SUM(line_total_minor <> quantity * unit_price_minor) bad FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
          WHERE o.total_minor <> COALESCE(l.t, 0) OR o.line_count <> COALESCE(l.n, 0) OR COALESCE(l.bad, 0) > 0 LIMIT 20`,
  },
  {
    name: "shipped quantity = Σ shipment lines; fulfilment matches the order status",
    sql: `SELECT ol.id, o.status FROM order_lines ol JOIN orders o ON o.id = ol.order_id
          LEFT JOIN (SELECT order_line_id, SUM(quantity) q FROM shipment_lines GROUP BY order_line_id) s ON s.order_line_id = ol.id
          WHERE ol.shipped_qty <> COALESCE(s.q, 0)
             OR (o.status IN ('shipped', 'delivered') AND ol.shipped_qty <> ol.quantity)
             OR (o.status = 'delivered' AND ol.delivered_qty <> ol.quantity)
             OR (o.status IN ('draft', 'submitted', 'credit_hold', 'rejected', 'cancelled') AND (ol.shipped_qty > 0 OR ol.reserved_qty > 0))
             OR (o.status IN ('approved', 'partially_shipped') AND ol.reserved_qty + ol.backordered_qty + ol.production_qty + ol.shipped_qty <> ol.quantity) LIMIT 20`,
  },
  {
    name: "every shipment has exactly one invoice entry for its value",
    sql: `SELECT s.id FROM shipments s LEFT JOIN ledger_entries e ON e.shipment_id = s.id AND e.entry_type = 'invoice'
          GROUP BY s.id, s.value_minor HAVING COUNT(e.id) <> 1 OR SUM(e.amount_minor) <> s.value_minor LIMIT 20`,
  },
  {
    name: "ledger amount signs follow the entry type",
    sql: `SELECT id, entry_type, amount_minor FROM ledger_entries
          WHERE amount_minor = 0 OR (entry_type IN ('invoice', 'fee') AND amount_minor < 0) OR (entry_type IN ('payment', 'credit_note', 'rebate') AND amount_minor > 0) LIMIT 20`,
  },
  {
    name: "statement: opening + Σ lines = closing; sums and line count agree",
    sql: `SELECT s.id FROM statements s LEFT JOIN (SELECT statement_id, SUM(amount_minor) t, SUM(GREATEST(amount_minor, 0)) dr, SUM(LEAST(amount_minor, 0)) cr, COUNT(*) n FROM statement_lines GROUP BY statement_id) l ON l.statement_id = s.id
          WHERE s.opening_minor + COALESCE(l.t, 0) <> s.closing_minor OR COALESCE(l.dr, 0) <> s.debit_minor OR COALESCE(l.cr, 0) <> s.credit_minor OR COALESCE(l.n, 0) <> s.line_count LIMIT 20`,
  },
  {
    name: "statement chain: closing = next opening, no gaps; first opening = Σ earlier entries",
    sql: `SELECT n.id FROM statements n LEFT JOIN statements p ON p.dealer_id = n.dealer_id AND p.period_end = DATE_SUB(n.period_start, INTERVAL 1 DAY)
          WHERE (p.id IS NULL AND (EXISTS (SELECT 1 FROM statements q WHERE q.dealer_id = n.dealer_id AND q.period < n.period)
                  OR n.opening_minor <> COALESCE((SELECT SUM(e.amount_minor) FROM ledger_entries e WHERE e.dealer_id = n.dealer_id AND e.business_date < n.period_start), 0)))
             OR (p.id IS NOT NULL AND p.closing_minor <> n.opening_minor) LIMIT 20`,
  },
  {
    name: "every entry dated in a statement's period is on it, once; lines match their entries",
    sql: `SELECT s.id, e.id AS entry_id FROM statements s JOIN ledger_entries e ON e.dealer_id = s.dealer_id AND e.business_date BETWEEN s.period_start AND s.period_end
          LEFT JOIN statement_lines l ON l.ledger_entry_id = e.id AND l.statement_id = s.id WHERE l.id IS NULL
          UNION ALL
          SELECT s.id, e.id FROM statement_lines l JOIN statements s ON s.id = l.statement_id JOIN ledger_entries e ON e.id = l.ledger_entry_id
          WHERE e.dealer_id <> s.dealer_id OR e.business_date NOT BETWEEN s.period_start AND s.period_end OR e.amount_minor <> l.amount_minor LIMIT 20`,
  },
  {
    name: "disputed statements have an open dispute, resolved ones none",
    sql: `SELECT s.id FROM statements s WHERE (s.status = 'disputed' AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.statement_id = s.id AND d.status = 'open'))
             OR (s.status = 'resolved' AND EXISTS (SELECT 1 FROM disputes d WHERE d.statement_id = s.id AND d.status = 'open')) LIMIT 20`,
  },
  {
    name: "won deals point at an approved order of the same dealer that points back",
    sql: `SELECT d.id FROM deals d LEFT JOIN orders o ON o.id = d.won_order_id
          WHERE d.stage = 'won' AND (o.id IS NULL OR o.dealer_id <> d.dealer_id OR o.deal_id <> d.id OR o.status NOT IN ('approved', 'partially_shipped', 'shipped', 'delivered')) LIMIT 20`,
  },
];

export async function findDataViolations(url: string): Promise<{ name: string; rows: unknown[] }[]> {
  const conn = createConnection(connectionOptions(url)).promise();
  try {
    const out: { name: string; rows: unknown[] }[] = [];
    for (const c of DATA_INVARIANTS) {
      const [rows] = await conn.query(c.sql);
      out.push({ name: c.name, rows: rows as unknown[] });
    }
    return out;
  } finally {
    await conn.end();
  }
}
