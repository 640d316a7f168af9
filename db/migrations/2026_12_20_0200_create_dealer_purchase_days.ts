import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// What each dealer bought, per ship day and product (issue #24 item 4, docs/decisions/144-sellout-period-figures.md):
// quantity shipped and its value at the order lines' prices, replacement orders of service cases left out. The cost
// of a sell-out period reads the dealer's purchases of its 12-month window here (one range of the primary key)
// instead of joining shipment lines to order lines and orders. Kept by the shipment command, filled here from the
// shipments already recorded.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE dealer_purchase_days (
      dealer_id BIGINT NOT NULL,
      shipped_on DATE NOT NULL,
      product_id BIGINT NOT NULL,
      quantity BIGINT NOT NULL,
      value_minor BIGINT NOT NULL,
      PRIMARY KEY (dealer_id, shipped_on, product_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    )
    .execute(db);
  await sql
    .raw(
      `INSERT INTO dealer_purchase_days (dealer_id, shipped_on, product_id, quantity, value_minor)
      SELECT sh.dealer_id, sh.shipped_on, ol.product_id, SUM(sl.quantity), SUM(ol.unit_price_minor * sl.quantity)
      FROM shipments sh
      JOIN shipment_lines sl ON sl.shipment_id = sh.id
      JOIN order_lines ol ON ol.id = sl.order_line_id
      JOIN orders o ON o.id = sh.order_id
      WHERE o.service_case_id IS NULL
      GROUP BY sh.dealer_id, sh.shipped_on, ol.product_id`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS dealer_purchase_days`).execute(db);
}
