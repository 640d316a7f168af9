import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Indexes for the role dashboards: backorders, lines due, low stock, shipments by date.
export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `ALTER TABLE order_lines ADD KEY ix_ol_backordered (backordered_qty, product_id)`,
    `ALTER TABLE order_lines ADD KEY ix_ol_promise (promise_date)`,
    `ALTER TABLE stock_levels ADD COLUMN available INT AS (on_hand - reserved) STORED, ADD KEY ix_sl_available (available)`,
    `ALTER TABLE shipments ADD KEY ix_shipments_date (shipped_on)`,
    `ALTER TABLE deals ADD KEY ix_deals_closed (stage, closed_at)`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const stmts = [
    `ALTER TABLE deals DROP KEY ix_deals_closed`,
    `ALTER TABLE shipments DROP KEY ix_shipments_date`,
    `ALTER TABLE stock_levels DROP KEY ix_sl_available, DROP COLUMN available`,
    `ALTER TABLE order_lines DROP KEY ix_ol_promise`,
    `ALTER TABLE order_lines DROP KEY ix_ol_backordered`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}
