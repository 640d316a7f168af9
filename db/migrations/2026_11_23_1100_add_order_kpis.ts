import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Maintained figures and covering indexes for the role dashboards (docs/decisions/008-kpi-definitions.md):
// - orders: ordered quantity (Σ line quantities, kept with the lines), quantity shipped on or before
//   each line's first promise, first and last ship date, value shipped (kept by every shipment, in its
//   transaction). The dealer's fill rate, on-time rate, days to ship, trend and open order value then
//   read one covering index range instead of every line and shipment. orders.created_at alone:
//   the list's default sort, so an export of every order reads keyset batches from an index;
//   likewise ledger entries by (business_date, created_at), the ledger list's order.
// - stock_levels.alert_eligible: the product is active and stocked (not made to order), kept by the
//   product writes, so "available ≤ threshold" counts one index range without joining products.
// - dealer_monthly_figures: value ordered (by submission month, orders not draft, cancelled or
//   rejected) and shipped (by ship month) per dealer and business month, kept by submission, the
//   status changes that leave the count and every shipment: the dealer's trend reads six rows.
// - covering indexes for the deal pipeline (dealer and account manager), made-to-order lines due,
//   shipments by dealer and month, and the first promise of a line.
export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `ALTER TABLE orders
       ADD COLUMN ordered_qty INT NOT NULL DEFAULT 0,
       ADD COLUMN on_promise_qty INT NOT NULL DEFAULT 0,
       ADD COLUMN first_shipped_on DATE NULL,
       ADD COLUMN last_shipped_on DATE NULL,
       ADD COLUMN shipped_value_minor BIGINT NOT NULL DEFAULT 0,
       ADD KEY ix_orders_kpi_submitted (dealer_id, submitted_at, status, ordered_qty, on_promise_qty, total_minor),
       ADD KEY ix_orders_kpi_first_ship (dealer_id, first_shipped_on, submitted_at),
       ADD KEY ix_orders_kpi_last_ship (dealer_id, last_shipped_on, status, promised_date, requested_date),
       ADD KEY ix_orders_open_value (status, dealer_id, total_minor, shipped_value_minor),
       ADD KEY ix_orders_created (created_at)`,
    `ALTER TABLE order_date_changes ADD KEY ix_odc_line (order_line_id, created_at, id)`,
    `ALTER TABLE order_lines ADD KEY ix_ol_mto_due (made_to_order, promise_date, order_id, quantity, shipped_qty)`,
    `ALTER TABLE shipments ADD KEY ix_shipments_dealer_value (dealer_id, shipped_on, value_minor), DROP KEY ix_shipments_dealer`,
    `ALTER TABLE deals
       ADD KEY ix_deals_dealer_kpi (dealer_id, stage, closed_at, estimated_value_minor),
       ADD KEY ix_deals_am_kpi (account_manager_id, stage, closed_at, estimated_value_minor, created_at, dealer_id)`,
    `ALTER TABLE stock_levels ADD COLUMN alert_eligible TINYINT(1) NOT NULL DEFAULT 1, ADD KEY ix_sl_alert (alert_eligible, available)`,
    `CREATE TABLE dealer_monthly_figures (
       dealer_id BIGINT NOT NULL,
       month CHAR(7) NOT NULL,
       ordered_minor BIGINT NOT NULL DEFAULT 0,
       shipped_minor BIGINT NOT NULL DEFAULT 0,
       PRIMARY KEY (dealer_id, month),
       CONSTRAINT fk_dmf_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `INSERT INTO dealer_monthly_figures (dealer_id, month, ordered_minor)
       SELECT dealer_id, DATE_FORMAT(CONVERT_TZ(submitted_at, '+00:00', '${businessOffset()}'), '%Y-%m') AS m, SUM(total_minor) FROM orders
       WHERE submitted_at IS NOT NULL AND status NOT IN ('draft', 'cancelled', 'rejected') GROUP BY dealer_id, m`,
    `INSERT INTO dealer_monthly_figures (dealer_id, month, shipped_minor)
       SELECT dealer_id, DATE_FORMAT(shipped_on, '%Y-%m') AS m, SUM(value_minor) FROM shipments GROUP BY dealer_id, m
       ON DUPLICATE KEY UPDATE shipped_minor = VALUES(shipped_minor)`,
    `ALTER TABLE ledger_entries ADD KEY ix_ledger_dealer_type_amount (dealer_id, entry_type, business_date, amount_minor), DROP KEY ix_ledger_dealer_type,
       ADD KEY ix_ledger_date_created (business_date, created_at), DROP KEY ix_ledger_date`,
    `ALTER TABLE order_lines ADD KEY ix_ol_backorders (backordered_qty, product_id, order_id, backorder_eta), DROP KEY ix_ol_backordered`,
    `UPDATE stock_levels s JOIN products p ON p.id = s.product_id SET s.alert_eligible = (p.status = 'active' AND p.made_to_order = 0)`,
    `UPDATE orders o JOIN (SELECT order_id, SUM(quantity) AS q FROM order_lines GROUP BY order_id) x ON x.order_id = o.id SET o.ordered_qty = x.q`,
    `UPDATE orders o JOIN (SELECT order_id, MIN(shipped_on) AS f, MAX(shipped_on) AS l, SUM(value_minor) AS v FROM shipments GROUP BY order_id) x ON x.order_id = o.id
       SET o.first_shipped_on = x.f, o.last_shipped_on = x.l, o.shipped_value_minor = x.v`,
    `UPDATE orders o JOIN (
       SELECT l.order_id, SUM(sl.quantity) AS q
       FROM order_lines l JOIN orders oo ON oo.id = l.order_id
         JOIN shipment_lines sl ON sl.order_line_id = l.id JOIN shipments s ON s.id = sl.shipment_id
       WHERE s.shipped_on <= COALESCE(
         (SELECT c.old_date FROM order_date_changes c WHERE c.order_line_id = l.id AND c.old_date IS NOT NULL ORDER BY c.created_at, c.id LIMIT 1),
         l.promise_date, oo.promised_date, oo.requested_date)
       GROUP BY l.order_id) x ON x.order_id = o.id
     SET o.on_promise_qty = x.q`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

/** The business time zone's current UTC offset ("+08:00"), from BUSINESS_TZ (default Asia/Shanghai). */
function businessOffset(): string {
  const tz = process.env.BUSINESS_TZ || "Asia/Shanghai";
  const part =
    new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value ??
    "GMT";
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(part);
  return m ? `${m[1]}:${m[2] ?? "00"}` : "+00:00";
}

export async function down(db: Kysely<any>): Promise<void> {
  const stmts = [
    `ALTER TABLE order_lines ADD KEY ix_ol_backordered (backordered_qty, product_id), DROP KEY ix_ol_backorders`,
    `ALTER TABLE ledger_entries ADD KEY ix_ledger_dealer_type (dealer_id, entry_type, business_date), DROP KEY ix_ledger_dealer_type_amount,
       ADD KEY ix_ledger_date (business_date), DROP KEY ix_ledger_date_created`,
    `DROP TABLE IF EXISTS dealer_monthly_figures`,
    `ALTER TABLE stock_levels DROP KEY ix_sl_alert, DROP COLUMN alert_eligible`,
    `ALTER TABLE deals DROP KEY ix_deals_am_kpi, DROP KEY ix_deals_dealer_kpi`,
    `ALTER TABLE shipments ADD KEY ix_shipments_dealer (dealer_id, shipped_on), DROP KEY ix_shipments_dealer_value`,
    `ALTER TABLE order_lines DROP KEY ix_ol_mto_due`,
    `ALTER TABLE order_date_changes DROP KEY ix_odc_line`,
    `ALTER TABLE orders DROP KEY ix_orders_created, DROP KEY ix_orders_open_value, DROP KEY ix_orders_kpi_last_ship, DROP KEY ix_orders_kpi_first_ship, DROP KEY ix_orders_kpi_submitted,
       DROP COLUMN shipped_value_minor, DROP COLUMN last_shipped_on, DROP COLUMN first_shipped_on, DROP COLUMN on_promise_qty, DROP COLUMN ordered_qty`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}
