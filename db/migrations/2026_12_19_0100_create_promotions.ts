import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Promotions (促销, issue #24 item 3, docs/decisions/141-promotions-model.md): a promotion's products, its
// targets (regions, tiers, named dealers), its validity (business dates) and its mechanism: a price off
// (percent in basis points or a fixed amount per unit) applied on the order line, or a rebate rate paid on
// qualifying purchases or sell-out. Order lines record the promotion they used and the discount per unit.
// Month-end rebates: one row per dealer, promotion and period (UNIQUE), with the qualifying lines it was
// computed from, the ledger entry that paid it and the reversing entry when it was reversed.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE promotions (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      code VARCHAR(32) NOT NULL,
      name_en VARCHAR(200) NOT NULL,
      name_zh VARCHAR(200) NOT NULL,
      description_en VARCHAR(2000) NOT NULL DEFAULT '',
      description_zh VARCHAR(2000) NOT NULL DEFAULT '',
      mechanism VARCHAR(16) NOT NULL,
      discount_kind VARCHAR(16) NULL,
      discount_bp INT NULL,
      discount_minor BIGINT NULL,
      rebate_bp INT NULL,
      rebate_basis VARCHAR(16) NULL,
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      starts_on DATE NOT NULL,
      ends_on DATE NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'draft',
      version INT NOT NULL DEFAULT 1,
      created_by BIGINT NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_promotions_code (code),
      KEY ix_promotions_window (status, starts_on, ends_on),
      CONSTRAINT ck_promotions_window CHECK (ends_on >= starts_on)
    ) ${T}`,
    `CREATE TABLE promotion_products (
      promotion_id BIGINT NOT NULL,
      product_id BIGINT NOT NULL,
      PRIMARY KEY (promotion_id, product_id),
      KEY ix_promotion_products_product (product_id),
      CONSTRAINT fk_promotion_products_promotion FOREIGN KEY (promotion_id) REFERENCES promotions (id),
      CONSTRAINT fk_promotion_products_product FOREIGN KEY (product_id) REFERENCES products (id)
    ) ${T}`,
    `CREATE TABLE promotion_targets (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      promotion_id BIGINT NOT NULL,
      kind VARCHAR(8) NOT NULL,
      value VARCHAR(32) NOT NULL,
      UNIQUE KEY uq_promotion_targets (promotion_id, kind, value),
      CONSTRAINT fk_promotion_targets_promotion FOREIGN KEY (promotion_id) REFERENCES promotions (id)
    ) ${T}`,
    `ALTER TABLE order_lines ADD COLUMN promotion_id BIGINT NULL, ADD COLUMN promotion_discount_minor BIGINT NOT NULL DEFAULT 0,
       ADD CONSTRAINT fk_order_lines_promotion FOREIGN KEY (promotion_id) REFERENCES promotions (id)`,
    `CREATE TABLE promotion_rebates (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      promotion_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      period CHAR(7) NOT NULL,
      basis VARCHAR(16) NOT NULL,
      rate_bp INT NOT NULL,
      qualifying_minor BIGINT NOT NULL,
      amount_minor BIGINT NOT NULL,
      currency CHAR(3) NOT NULL,
      ledger_entry_id BIGINT NOT NULL,
      reversal_entry_id BIGINT NULL,
      reversed_at DATETIME(3) NULL,
      reversed_by BIGINT NULL,
      reversal_reason VARCHAR(500) NULL,
      created_at ${NOW},
      UNIQUE KEY uq_promotion_rebates (dealer_id, promotion_id, period),
      KEY ix_promotion_rebates_promotion (promotion_id, period),
      CONSTRAINT fk_promotion_rebates_promotion FOREIGN KEY (promotion_id) REFERENCES promotions (id),
      CONSTRAINT fk_promotion_rebates_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT fk_promotion_rebates_entry FOREIGN KEY (ledger_entry_id) REFERENCES ledger_entries (id),
      CONSTRAINT fk_promotion_rebates_reversal FOREIGN KEY (reversal_entry_id) REFERENCES ledger_entries (id)
    ) ${T}`,
    `CREATE TABLE promotion_rebate_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      rebate_id BIGINT NOT NULL,
      source_type VARCHAR(24) NOT NULL,
      source_id BIGINT NOT NULL,
      product_id BIGINT NOT NULL,
      quantity INT NOT NULL,
      amount_minor BIGINT NOT NULL,
      UNIQUE KEY uq_promotion_rebate_lines (rebate_id, source_type, source_id),
      CONSTRAINT fk_promotion_rebate_lines_rebate FOREIGN KEY (rebate_id) REFERENCES promotion_rebates (id)
    ) ${T}`,
  ])
    await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE order_lines DROP FOREIGN KEY fk_order_lines_promotion`).execute(db);
  await sql.raw(`ALTER TABLE order_lines DROP COLUMN promotion_id, DROP COLUMN promotion_discount_minor`).execute(db);
  for (const t of ["promotion_rebate_lines", "promotion_rebates", "promotion_targets", "promotion_products", "promotions"])
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
