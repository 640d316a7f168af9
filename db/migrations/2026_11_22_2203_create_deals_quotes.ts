import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE deals (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      key_account_id BIGINT NOT NULL,
      account_manager_id BIGINT NOT NULL,
      title VARCHAR(200) NOT NULL DEFAULT '',
      stage VARCHAR(24) NOT NULL DEFAULT 'registered',
      estimated_value_minor BIGINT NOT NULL DEFAULT 0,
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      expected_close_date DATE NULL,
      protection_expires_on DATE NULL,
      competitors VARCHAR(500) NOT NULL DEFAULT '',
      notes TEXT NULL,
      conflict_reason TEXT NULL,
      conflict_with_deal_id BIGINT NULL,
      lost_reason TEXT NULL,
      source VARCHAR(16) NOT NULL DEFAULT 'dealer',
      won_order_id BIGINT NULL,
      version INT NOT NULL DEFAULT 1,
      created_by BIGINT NULL,
      approved_at DATETIME(3) NULL,
      closed_at DATETIME(3) NULL,
      created_at ${NOW},
      updated_at ${NOW},
      KEY ix_deals_dealer (dealer_id, stage, created_at),
      KEY ix_deals_am (account_manager_id, stage),
      KEY ix_deals_ka (key_account_id, stage),
      KEY ix_deals_protection (stage, protection_expires_on),
      CONSTRAINT fk_deals_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT fk_deals_ka FOREIGN KEY (key_account_id) REFERENCES key_accounts (id),
      CONSTRAINT ck_deals_value CHECK (estimated_value_minor >= 0)
    ) ${T}`,
    `CREATE TABLE deal_product_lines (
      deal_id BIGINT NOT NULL,
      product_line_code VARCHAR(32) NOT NULL,
      estimated_quantity INT NOT NULL DEFAULT 0,
      PRIMARY KEY (deal_id, product_line_code),
      KEY ix_dpl_line (product_line_code),
      CONSTRAINT fk_dpl_deal FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE deal_activities (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      deal_id BIGINT NOT NULL,
      kind VARCHAR(16) NOT NULL,
      body TEXT NOT NULL,
      occurred_at DATETIME(3) NOT NULL,
      actor_user_id BIGINT NULL,
      created_at ${NOW},
      KEY ix_da_deal (deal_id, occurred_at),
      CONSTRAINT fk_da_deal FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE deal_tasks (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      deal_id BIGINT NOT NULL,
      title VARCHAR(200) NOT NULL,
      owner_user_id BIGINT NULL,
      due_date DATE NULL,
      done_at DATETIME(3) NULL,
      created_by BIGINT NULL,
      created_at ${NOW},
      KEY ix_dt_deal (deal_id),
      CONSTRAINT fk_dt_deal FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE deal_flags (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      deal_id BIGINT NOT NULL,
      flagged_dealer_id BIGINT NOT NULL,
      ref_type VARCHAR(16) NOT NULL,
      ref_id VARCHAR(64) NOT NULL,
      created_at ${NOW},
      resolved_at DATETIME(3) NULL,
      UNIQUE KEY uq_deal_flags (deal_id, ref_type, ref_id),
      CONSTRAINT fk_df_deal FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE leads (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      key_account_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      account_manager_id BIGINT NOT NULL,
      product_line_code VARCHAR(32) NOT NULL,
      estimated_value_minor BIGINT NOT NULL DEFAULT 0,
      note TEXT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'offered',
      decline_reason TEXT NULL,
      deal_id BIGINT NULL,
      created_at ${NOW},
      responded_at DATETIME(3) NULL,
      KEY ix_leads_dealer (dealer_id, status),
      KEY ix_leads_ka (key_account_id),
      CONSTRAINT fk_leads_ka FOREIGN KEY (key_account_id) REFERENCES key_accounts (id),
      CONSTRAINT fk_leads_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
    ) ${T}`,
    `CREATE TABLE quotes (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      deal_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      version INT NOT NULL,
      status VARCHAR(24) NOT NULL DEFAULT 'draft',
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      valid_until DATE NOT NULL,
      terms TEXT NULL,
      total_minor BIGINT NOT NULL DEFAULT 0,
      max_discount_bp INT NOT NULL DEFAULT 0,
      revision_comment TEXT NULL,
      superseded_by_id BIGINT NULL,
      created_by BIGINT NULL,
      approved_by BIGINT NULL,
      accepted_by BIGINT NULL,
      proposed_at DATETIME(3) NULL,
      accepted_at DATETIME(3) NULL,
      converted_order_id BIGINT NULL,
      row_version INT NOT NULL DEFAULT 1,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_quotes_version (deal_id, version),
      KEY ix_quotes_dealer (dealer_id, status),
      KEY ix_quotes_status (status, valid_until),
      CONSTRAINT fk_quotes_deal FOREIGN KEY (deal_id) REFERENCES deals (id)
    ) ${T}`,
    `CREATE TABLE quote_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      quote_id BIGINT NOT NULL,
      line_no INT NOT NULL,
      product_id BIGINT NOT NULL,
      quantity INT NOT NULL,
      unit_price_minor BIGINT NOT NULL,
      tier_price_minor BIGINT NOT NULL,
      discount_bp INT NOT NULL DEFAULT 0,
      line_total_minor BIGINT NOT NULL,
      UNIQUE KEY uq_quote_lines_no (quote_id, line_no),
      CONSTRAINT fk_ql_quote FOREIGN KEY (quote_id) REFERENCES quotes (id) ON DELETE CASCADE,
      CONSTRAINT fk_ql_product FOREIGN KEY (product_id) REFERENCES products (id),
      CONSTRAINT ck_ql_qty CHECK (quantity > 0),
      CONSTRAINT ck_ql_price CHECK (unit_price_minor >= 0)
    ) ${T}`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["quote_lines", "quotes", "leads", "deal_flags", "deal_tasks", "deal_activities", "deal_product_lines", "deals"]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
