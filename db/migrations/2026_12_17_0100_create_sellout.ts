import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Sell-out and stock reports (销量/库存上报, issue #24 item 1, docs/decisions/138-sell-out-data-model.md):
// each dealer's reporting frequency, its periods (open until the manufacturer closes them), the lines of a
// period (units sold and revenue per SKU and segment: key account and/or region), units on hand per SKU at
// period end, the dealer's total sales per category (all brands, for the share figure), and corrections made
// after a period was closed (visible rows of differences; the closed lines themselves never change).
// Imports reuse import_jobs (kind 'sellout'), which now records the dealer an import is for.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE sellout_settings (
      dealer_id BIGINT NOT NULL PRIMARY KEY,
      frequency VARCHAR(8) NOT NULL DEFAULT 'month',
      updated_by BIGINT NULL,
      updated_at ${NOW},
      CONSTRAINT fk_sellout_settings_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
    ) ${T}`,
    `CREATE TABLE sellout_periods (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      period_key VARCHAR(10) NOT NULL,
      frequency VARCHAR(8) NOT NULL,
      starts_on DATE NOT NULL,
      ends_on DATE NOT NULL,
      status VARCHAR(8) NOT NULL DEFAULT 'open',
      currency CHAR(3) NOT NULL,
      reported_at DATETIME(3) NULL,
      reported_by BIGINT NULL,
      last_changed_at DATETIME(3) NULL,
      closed_at DATETIME(3) NULL,
      closed_by BIGINT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_sellout_periods_dealer_key (dealer_id, period_key),
      KEY ix_sellout_periods_ends (ends_on, status),
      CONSTRAINT fk_sellout_periods_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
    ) ${T}`,
    `CREATE TABLE sellout_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      period_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      product_id BIGINT NOT NULL,
      segment VARCHAR(80) NOT NULL DEFAULT '',
      key_account_id BIGINT NULL,
      region VARCHAR(32) NOT NULL DEFAULT '',
      units_sold INT NOT NULL,
      revenue_minor BIGINT NOT NULL,
      updated_by BIGINT NULL,
      updated_at ${NOW},
      UNIQUE KEY uq_sellout_lines_segment (period_id, product_id, segment),
      KEY ix_sellout_lines_dealer_product (dealer_id, product_id),
      CONSTRAINT fk_sellout_lines_period FOREIGN KEY (period_id) REFERENCES sellout_periods (id),
      CONSTRAINT fk_sellout_lines_product FOREIGN KEY (product_id) REFERENCES products (id),
      CONSTRAINT fk_sellout_lines_key_account FOREIGN KEY (key_account_id) REFERENCES key_accounts (id)
    ) ${T}`,
    `CREATE TABLE sellout_stock (
      period_id BIGINT NOT NULL,
      product_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      units_on_hand INT NOT NULL,
      updated_by BIGINT NULL,
      updated_at ${NOW},
      PRIMARY KEY (period_id, product_id),
      KEY ix_sellout_stock_dealer_product (dealer_id, product_id),
      CONSTRAINT fk_sellout_stock_period FOREIGN KEY (period_id) REFERENCES sellout_periods (id),
      CONSTRAINT fk_sellout_stock_product FOREIGN KEY (product_id) REFERENCES products (id)
    ) ${T}`,
    `CREATE TABLE sellout_category_totals (
      period_id BIGINT NOT NULL,
      category_code VARCHAR(32) NOT NULL,
      dealer_id BIGINT NOT NULL,
      revenue_minor BIGINT NOT NULL,
      updated_by BIGINT NULL,
      updated_at ${NOW},
      PRIMARY KEY (period_id, category_code),
      CONSTRAINT fk_sellout_category_totals_period FOREIGN KEY (period_id) REFERENCES sellout_periods (id)
    ) ${T}`,
    `CREATE TABLE sellout_corrections (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      period_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      product_id BIGINT NOT NULL,
      segment VARCHAR(80) NOT NULL DEFAULT '',
      key_account_id BIGINT NULL,
      region VARCHAR(32) NOT NULL DEFAULT '',
      delta_units_sold INT NOT NULL DEFAULT 0,
      delta_revenue_minor BIGINT NOT NULL DEFAULT 0,
      delta_on_hand INT NULL,
      reason VARCHAR(500) NOT NULL,
      created_by BIGINT NULL,
      created_at ${NOW},
      KEY ix_sellout_corrections_period (period_id, created_at),
      CONSTRAINT fk_sellout_corrections_period FOREIGN KEY (period_id) REFERENCES sellout_periods (id),
      CONSTRAINT fk_sellout_corrections_product FOREIGN KEY (product_id) REFERENCES products (id)
    ) ${T}`,
    `ALTER TABLE import_jobs ADD COLUMN dealer_id BIGINT NULL, ADD COLUMN target VARCHAR(16) NULL`,
    `CREATE INDEX ix_import_jobs_dealer ON import_jobs (dealer_id, created_at)`,
  ])
    await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX ix_import_jobs_dealer ON import_jobs`).execute(db);
  await sql.raw(`ALTER TABLE import_jobs DROP COLUMN dealer_id, DROP COLUMN target`).execute(db);
  for (const t of ["sellout_corrections", "sellout_category_totals", "sellout_stock", "sellout_lines", "sellout_periods", "sellout_settings"])
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
