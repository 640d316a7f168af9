import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Return authorisations of service cases (issue #23, item 4): the lines and quantities authorised
// (never more than was shipped on the order line, less what earlier returns took back), and, once the
// goods are received into a warehouse, the stock movement and the credit note posted in that same
// transaction. docs/decisions/131-service-returns.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE service_rmas (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      number VARCHAR(24) NULL,
      case_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      order_id BIGINT NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'authorised',
      total_minor BIGINT NOT NULL,
      currency CHAR(3) NOT NULL,
      warehouse_id BIGINT NULL,
      credit_entry_id BIGINT NULL,
      created_by BIGINT NOT NULL,
      created_at ${NOW},
      received_by BIGINT NULL,
      received_at DATETIME(3) NULL,
      UNIQUE KEY uq_service_rmas_number (number),
      KEY ix_service_rmas_case (case_id, created_at),
      KEY ix_service_rmas_order (order_id),
      CONSTRAINT fk_service_rmas_case FOREIGN KEY (case_id) REFERENCES service_cases (id),
      CONSTRAINT fk_service_rmas_order FOREIGN KEY (order_id) REFERENCES orders (id),
      CONSTRAINT fk_service_rmas_credit FOREIGN KEY (credit_entry_id) REFERENCES ledger_entries (id)
    ) ${T}`,
    `CREATE TABLE service_rma_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      rma_id BIGINT NOT NULL,
      order_line_id BIGINT NOT NULL,
      product_id BIGINT NOT NULL,
      quantity INT NOT NULL,
      unit_price_minor BIGINT NOT NULL,
      amount_minor BIGINT NOT NULL,
      UNIQUE KEY uq_service_rma_lines (rma_id, order_line_id),
      KEY ix_service_rma_lines_line (order_line_id),
      CONSTRAINT fk_service_rma_lines_rma FOREIGN KEY (rma_id) REFERENCES service_rmas (id),
      CONSTRAINT fk_service_rma_lines_line FOREIGN KEY (order_line_id) REFERENCES order_lines (id),
      CONSTRAINT ck_service_rma_lines_qty CHECK (quantity > 0)
    ) ${T}`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["service_rma_lines", "service_rmas"]) await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
