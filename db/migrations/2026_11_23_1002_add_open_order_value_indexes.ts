import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Covering indexes for the open order value of credit positions (aging list, credit
// checks): a dealer's orders by status with their totals, and each order's shipped value.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE orders ADD KEY ix_orders_dealer_open (dealer_id, status, total_minor)`).execute(db);
  await sql.raw(`ALTER TABLE shipments ADD KEY ix_shipments_order_value (order_id, value_minor), DROP KEY ix_shipments_order`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE shipments ADD KEY ix_shipments_order (order_id), DROP KEY ix_shipments_order_value`).execute(db);
  await sql.raw(`ALTER TABLE orders DROP KEY ix_orders_dealer_open`).execute(db);
}
