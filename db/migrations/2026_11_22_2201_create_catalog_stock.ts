import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE categories (
      code VARCHAR(32) NOT NULL PRIMARY KEY,
      name_en VARCHAR(120) NOT NULL,
      name_zh VARCHAR(120) NOT NULL,
      sort_order INT NOT NULL DEFAULT 0
    ) ${T}`,
    `CREATE TABLE product_lines (
      code VARCHAR(32) NOT NULL PRIMARY KEY,
      name_en VARCHAR(120) NOT NULL,
      name_zh VARCHAR(120) NOT NULL,
      sort_order INT NOT NULL DEFAULT 0
    ) ${T}`,
    `CREATE TABLE products (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      sku VARCHAR(64) NOT NULL,
      name_en VARCHAR(200) NOT NULL,
      name_zh VARCHAR(200) NOT NULL,
      description_en TEXT NULL,
      description_zh TEXT NULL,
      category_code VARCHAR(32) NOT NULL,
      product_line_code VARCHAR(32) NOT NULL,
      unit VARCHAR(16) NOT NULL DEFAULT 'pcs',
      whole_units TINYINT(1) NOT NULL DEFAULT 1,
      list_price_minor BIGINT NOT NULL,
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      status VARCHAR(16) NOT NULL DEFAULT 'active',
      made_to_order TINYINT(1) NOT NULL DEFAULT 0,
      lead_time_days INT NULL,
      options_schema TEXT NULL,
      image_path VARCHAR(255) NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_products_sku (sku),
      KEY ix_products_category (category_code, status),
      KEY ix_products_line (product_line_code, status),
      KEY ix_products_name_en (name_en),
      KEY ix_products_name_zh (name_zh),
      CONSTRAINT fk_products_category FOREIGN KEY (category_code) REFERENCES categories (code),
      CONSTRAINT fk_products_line FOREIGN KEY (product_line_code) REFERENCES product_lines (code),
      CONSTRAINT ck_products_price CHECK (list_price_minor >= 0),
      CONSTRAINT ck_products_lead CHECK (lead_time_days IS NULL OR lead_time_days >= 0)
    ) ${T}`,
    `CREATE TABLE product_tier_prices (
      product_id BIGINT NOT NULL,
      tier VARCHAR(16) NOT NULL,
      price_minor BIGINT NOT NULL,
      PRIMARY KEY (product_id, tier),
      CONSTRAINT fk_ptp_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
      CONSTRAINT ck_ptp_price CHECK (price_minor >= 0)
    ) ${T}`,
    `CREATE TABLE warehouses (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      code VARCHAR(32) NOT NULL,
      name_en VARCHAR(120) NOT NULL,
      name_zh VARCHAR(120) NOT NULL,
      region VARCHAR(32) NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'active',
      created_at ${NOW},
      UNIQUE KEY uq_warehouses_code (code),
      KEY ix_warehouses_region (region)
    ) ${T}`,
    `CREATE TABLE stock_levels (
      product_id BIGINT NOT NULL,
      warehouse_id BIGINT NOT NULL,
      on_hand INT NOT NULL DEFAULT 0,
      reserved INT NOT NULL DEFAULT 0,
      updated_at ${NOW},
      PRIMARY KEY (product_id, warehouse_id),
      KEY ix_stock_levels_wh (warehouse_id),
      CONSTRAINT fk_sl_product FOREIGN KEY (product_id) REFERENCES products (id),
      CONSTRAINT fk_sl_wh FOREIGN KEY (warehouse_id) REFERENCES warehouses (id),
      CONSTRAINT ck_sl_reserved CHECK (reserved >= 0),
      CONSTRAINT ck_sl_available CHECK (on_hand >= reserved)
    ) ${T}`,
    `CREATE TABLE stock_movements (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      product_id BIGINT NOT NULL,
      warehouse_id BIGINT NOT NULL,
      kind VARCHAR(16) NOT NULL,
      on_hand_delta INT NOT NULL DEFAULT 0,
      reserved_delta INT NOT NULL DEFAULT 0,
      reason VARCHAR(255) NULL,
      ref_type VARCHAR(32) NULL,
      ref_id VARCHAR(64) NULL,
      actor_user_id BIGINT NULL,
      created_at ${NOW},
      KEY ix_sm_level (product_id, warehouse_id, created_at),
      KEY ix_sm_ref (ref_type, ref_id),
      KEY ix_sm_time (created_at)
    ) ${T}`,
    `CREATE TABLE incoming_stock (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      product_id BIGINT NOT NULL,
      warehouse_id BIGINT NOT NULL,
      quantity INT NOT NULL,
      eta DATE NOT NULL,
      source VARCHAR(16) NOT NULL DEFAULT 'purchase',
      status VARCHAR(16) NOT NULL DEFAULT 'planned',
      reference VARCHAR(64) NULL,
      created_by BIGINT NULL,
      created_at ${NOW},
      updated_at ${NOW},
      KEY ix_incoming_product (product_id, status, eta),
      KEY ix_incoming_wh (warehouse_id, status, eta),
      CONSTRAINT fk_in_product FOREIGN KEY (product_id) REFERENCES products (id),
      CONSTRAINT fk_in_wh FOREIGN KEY (warehouse_id) REFERENCES warehouses (id),
      CONSTRAINT ck_in_qty CHECK (quantity > 0)
    ) ${T}`,
    `CREATE TABLE holidays (
      day DATE NOT NULL PRIMARY KEY,
      name VARCHAR(120) NOT NULL DEFAULT ''
    ) ${T}`,
    `CREATE TABLE import_jobs (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      kind VARCHAR(32) NOT NULL,
      filename VARCHAR(255) NOT NULL DEFAULT '',
      status VARCHAR(16) NOT NULL DEFAULT 'running',
      mode VARCHAR(16) NOT NULL DEFAULT 'all_or_nothing',
      total_rows INT NOT NULL DEFAULT 0,
      processed_rows INT NOT NULL DEFAULT 0,
      written_rows INT NOT NULL DEFAULT 0,
      error_count INT NOT NULL DEFAULT 0,
      errors MEDIUMTEXT NULL,
      created_by BIGINT NULL,
      created_at ${NOW},
      finished_at DATETIME(3) NULL,
      KEY ix_import_jobs_time (created_at)
    ) ${T}`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    "import_jobs",
    "holidays",
    "incoming_stock",
    "stock_movements",
    "stock_levels",
    "warehouses",
    "product_tier_prices",
    "products",
    "product_lines",
    "categories",
  ]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
