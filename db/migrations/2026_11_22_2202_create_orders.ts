import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE dealer_addresses (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      label VARCHAR(64) NOT NULL,
      recipient VARCHAR(120) NOT NULL,
      phone VARCHAR(64) NOT NULL,
      province VARCHAR(64) NOT NULL DEFAULT '',
      city VARCHAR(64) NOT NULL DEFAULT '',
      line1 VARCHAR(255) NOT NULL,
      postcode VARCHAR(16) NOT NULL DEFAULT '',
      is_default TINYINT(1) NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL DEFAULT 'active',
      created_at ${NOW},
      updated_at ${NOW},
      KEY ix_addr_dealer (dealer_id, status),
      CONSTRAINT fk_addr_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
    ) ${T}`,
    `CREATE TABLE order_sequences (
      year INT NOT NULL PRIMARY KEY,
      next_value BIGINT NOT NULL DEFAULT 0
    ) ${T}`,
    `CREATE TABLE orders (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      number VARCHAR(24) NULL,
      dealer_id BIGINT NOT NULL,
      status VARCHAR(24) NOT NULL DEFAULT 'draft',
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      total_minor BIGINT NOT NULL DEFAULT 0,
      line_count INT NOT NULL DEFAULT 0,
      po_reference VARCHAR(64) NOT NULL DEFAULT '',
      requested_date DATE NULL,
      promised_date DATE NULL,
      address_id BIGINT NULL,
      address_snapshot TEXT NULL,
      notes TEXT NULL,
      deal_id BIGINT NULL,
      quote_id BIGINT NULL,
      submit_key VARCHAR(64) NULL,
      review_note TEXT NULL,
      version INT NOT NULL DEFAULT 1,
      created_by BIGINT NULL,
      submitted_at DATETIME(3) NULL,
      approved_at DATETIME(3) NULL,
      shipped_at DATETIME(3) NULL,
      delivered_at DATETIME(3) NULL,
      cancelled_at DATETIME(3) NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_orders_number (number),
      UNIQUE KEY uq_orders_submit_key (dealer_id, submit_key),
      KEY ix_orders_dealer (dealer_id, status, created_at),
      KEY ix_orders_dealer_time (dealer_id, created_at),
      KEY ix_orders_status (status, submitted_at),
      KEY ix_orders_deal (deal_id),
      KEY ix_orders_quote (quote_id),
      CONSTRAINT fk_orders_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT ck_orders_total CHECK (total_minor >= 0)
    ) ${T}`,
    `CREATE TABLE order_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id BIGINT NOT NULL,
      line_no INT NOT NULL,
      product_id BIGINT NOT NULL,
      sku VARCHAR(64) NOT NULL,
      quantity INT NOT NULL,
      unit_price_minor BIGINT NOT NULL,
      line_total_minor BIGINT NOT NULL,
      made_to_order TINYINT(1) NOT NULL DEFAULT 0,
      custom_options TEXT NULL,
      spec_notes TEXT NULL,
      quote_line_id BIGINT NULL,
      reserved_qty INT NOT NULL DEFAULT 0,
      backordered_qty INT NOT NULL DEFAULT 0,
      backorder_eta DATE NULL,
      production_qty INT NOT NULL DEFAULT 0,
      promise_date DATE NULL,
      shipped_qty INT NOT NULL DEFAULT 0,
      delivered_qty INT NOT NULL DEFAULT 0,
      created_at ${NOW},
      UNIQUE KEY uq_order_lines_no (order_id, line_no),
      KEY ix_order_lines_product (product_id),
      CONSTRAINT fk_ol_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
      CONSTRAINT fk_ol_product FOREIGN KEY (product_id) REFERENCES products (id),
      CONSTRAINT ck_ol_qty CHECK (quantity > 0),
      CONSTRAINT ck_ol_price CHECK (unit_price_minor >= 0),
      CONSTRAINT ck_ol_shipped CHECK (shipped_qty >= 0 AND shipped_qty <= quantity AND delivered_qty <= shipped_qty)
    ) ${T}`,
    `CREATE TABLE order_line_reservations (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_line_id BIGINT NOT NULL,
      warehouse_id BIGINT NOT NULL,
      quantity INT NOT NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_olr (order_line_id, warehouse_id),
      CONSTRAINT fk_olr_line FOREIGN KEY (order_line_id) REFERENCES order_lines (id),
      CONSTRAINT ck_olr_qty CHECK (quantity >= 0)
    ) ${T}`,
    `CREATE TABLE order_status_history (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id BIGINT NOT NULL,
      from_status VARCHAR(24) NULL,
      to_status VARCHAR(24) NOT NULL,
      note TEXT NULL,
      actor_user_id BIGINT NULL,
      created_at ${NOW},
      KEY ix_osh_order (order_id, created_at),
      CONSTRAINT fk_osh_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE order_date_changes (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id BIGINT NOT NULL,
      order_line_id BIGINT NULL,
      old_date DATE NULL,
      new_date DATE NULL,
      reason VARCHAR(255) NOT NULL,
      actor_user_id BIGINT NULL,
      created_at ${NOW},
      KEY ix_odc_order (order_id, created_at),
      CONSTRAINT fk_odc_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE shipments (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      number VARCHAR(32) NOT NULL,
      order_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      warehouse_id BIGINT NOT NULL,
      carrier VARCHAR(64) NOT NULL DEFAULT '',
      tracking_number VARCHAR(64) NOT NULL DEFAULT '',
      shipped_on DATE NOT NULL,
      value_minor BIGINT NOT NULL DEFAULT 0,
      delivered_at DATETIME(3) NULL,
      delivered_by BIGINT NULL,
      created_by BIGINT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_shipments_number (number),
      KEY ix_shipments_order (order_id),
      KEY ix_shipments_dealer (dealer_id, shipped_on),
      CONSTRAINT fk_ship_order FOREIGN KEY (order_id) REFERENCES orders (id)
    ) ${T}`,
    `CREATE TABLE shipment_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      shipment_id BIGINT NOT NULL,
      order_line_id BIGINT NOT NULL,
      quantity INT NOT NULL,
      UNIQUE KEY uq_sl (shipment_id, order_line_id),
      KEY ix_sl_line (order_line_id),
      CONSTRAINT fk_shl_ship FOREIGN KEY (shipment_id) REFERENCES shipments (id),
      CONSTRAINT fk_shl_line FOREIGN KEY (order_line_id) REFERENCES order_lines (id),
      CONSTRAINT ck_shl_qty CHECK (quantity > 0)
    ) ${T}`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    "shipment_lines",
    "shipments",
    "order_date_changes",
    "order_status_history",
    "order_line_reservations",
    "order_lines",
    "orders",
    "order_sequences",
    "dealer_addresses",
  ]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
