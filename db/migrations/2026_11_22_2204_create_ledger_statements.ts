import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE fee_types (
      code VARCHAR(32) NOT NULL PRIMARY KEY,
      name_en VARCHAR(120) NOT NULL,
      name_zh VARCHAR(120) NOT NULL,
      kind VARCHAR(16) NOT NULL DEFAULT 'fee',
      status VARCHAR(16) NOT NULL DEFAULT 'active'
    ) ${T}`,
    // Positive amount: the dealer owes more (invoice, fee); negative: less (payment, credit note, rebate).
    `CREATE TABLE ledger_entries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      entry_type VARCHAR(16) NOT NULL,
      amount_minor BIGINT NOT NULL,
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      business_date DATE NOT NULL,
      due_date DATE NULL,
      description VARCHAR(500) NOT NULL DEFAULT '',
      fee_type_code VARCHAR(32) NULL,
      reference VARCHAR(128) NULL,
      source_type VARCHAR(24) NULL,
      source_id VARCHAR(64) NULL,
      order_id BIGINT NULL,
      shipment_id BIGINT NULL,
      dispute_id BIGINT NULL,
      reverses_entry_id BIGINT NULL,
      created_by BIGINT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_ledger_reverses (reverses_entry_id),
      UNIQUE KEY uq_ledger_source (entry_type, source_type, source_id),
      KEY ix_ledger_dealer_date (dealer_id, business_date),
      KEY ix_ledger_dealer_type (dealer_id, entry_type, business_date),
      KEY ix_ledger_order (order_id),
      KEY ix_ledger_date (business_date),
      CONSTRAINT fk_ledger_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT fk_ledger_reverses FOREIGN KEY (reverses_entry_id) REFERENCES ledger_entries (id),
      CONSTRAINT ck_ledger_nonzero CHECK (amount_minor <> 0)
    ) ${T}`,
    `CREATE TABLE statements (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      period CHAR(7) NOT NULL,
      period_start DATE NOT NULL,
      period_end DATE NOT NULL,
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      opening_minor BIGINT NOT NULL,
      debit_minor BIGINT NOT NULL DEFAULT 0,
      credit_minor BIGINT NOT NULL DEFAULT 0,
      closing_minor BIGINT NOT NULL,
      line_count INT NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL DEFAULT 'issued',
      issued_at DATETIME(3) NOT NULL,
      confirm_by DATE NOT NULL,
      confirmed_at DATETIME(3) NULL,
      confirmed_by BIGINT NULL,
      confirmed_closing_minor BIGINT NULL,
      resolved_at DATETIME(3) NULL,
      version INT NOT NULL DEFAULT 1,
      UNIQUE KEY uq_statements_period (dealer_id, period),
      KEY ix_statements_status (status, confirm_by),
      KEY ix_statements_period (period),
      CONSTRAINT fk_statements_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT ck_statements_sum CHECK (opening_minor + debit_minor + credit_minor = closing_minor)
    ) ${T}`,
    `CREATE TABLE statement_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      statement_id BIGINT NOT NULL,
      line_no INT NOT NULL,
      ledger_entry_id BIGINT NOT NULL,
      amount_minor BIGINT NOT NULL,
      UNIQUE KEY uq_sl_entry (ledger_entry_id),
      UNIQUE KEY uq_sl_no (statement_id, line_no),
      CONSTRAINT fk_stl_statement FOREIGN KEY (statement_id) REFERENCES statements (id),
      CONSTRAINT fk_stl_entry FOREIGN KEY (ledger_entry_id) REFERENCES ledger_entries (id)
    ) ${T}`,
    `CREATE TABLE disputes (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      statement_id BIGINT NOT NULL,
      statement_line_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      reason_code VARCHAR(32) NOT NULL,
      amount_minor BIGINT NOT NULL,
      comment TEXT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'open',
      resolution_note TEXT NULL,
      adjustment_entry_id BIGINT NULL,
      created_by BIGINT NULL,
      resolved_by BIGINT NULL,
      created_at ${NOW},
      resolved_at DATETIME(3) NULL,
      version INT NOT NULL DEFAULT 1,
      UNIQUE KEY uq_disputes_line (statement_line_id),
      KEY ix_disputes_status (status, created_at),
      KEY ix_disputes_dealer (dealer_id, status),
      KEY ix_disputes_statement (statement_id),
      CONSTRAINT fk_disputes_statement FOREIGN KEY (statement_id) REFERENCES statements (id),
      CONSTRAINT fk_disputes_line FOREIGN KEY (statement_line_id) REFERENCES statement_lines (id),
      CONSTRAINT ck_disputes_amount CHECK (amount_minor > 0)
    ) ${T}`,
    `CREATE TABLE payment_imports (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      filename VARCHAR(255) NOT NULL DEFAULT '',
      total_rows INT NOT NULL DEFAULT 0,
      matched_rows INT NOT NULL DEFAULT 0,
      unmatched TEXT NULL,
      created_by BIGINT NULL,
      created_at ${NOW}
    ) ${T}`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["payment_imports", "disputes", "statement_lines", "statements", "ledger_entries", "fee_types"]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
