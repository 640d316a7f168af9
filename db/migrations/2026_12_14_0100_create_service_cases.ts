import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// After-sales service (issue #23): service cases with a response and resolution promise, their thread
// (public replies and internal notes kept apart), attachments stored on disk (only their facts here),
// links to orders, shipments and deals, and the promise figures per priority. docs/decisions/128-service-cases.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE service_promises (
      priority VARCHAR(16) NOT NULL PRIMARY KEY,
      response_hours INT NOT NULL,
      resolution_hours INT NOT NULL,
      updated_by BIGINT NULL,
      updated_at ${NOW}
    ) ${T}`,
    `INSERT INTO service_promises (priority, response_hours, resolution_hours) VALUES
      ('urgent', 4, 24), ('high', 8, 48), ('normal', 24, 72), ('low', 24, 120)`,
    `CREATE TABLE service_settings (
      id TINYINT NOT NULL PRIMARY KEY,
      lead_user_id BIGINT NULL,
      due_soon_hours INT NOT NULL DEFAULT 4,
      updated_at ${NOW}
    ) ${T}`,
    `INSERT INTO service_settings (id, due_soon_hours) VALUES (1, 4)`,
    `CREATE TABLE service_cases (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      number VARCHAR(24) NULL,
      dealer_id BIGINT NOT NULL,
      opened_by BIGINT NOT NULL,
      about VARCHAR(16) NOT NULL,
      order_id BIGINT NULL,
      order_line_id BIGINT NULL,
      shipment_id BIGINT NULL,
      product_id BIGINT NULL,
      serial_no VARCHAR(64) NULL,
      case_type VARCHAR(24) NOT NULL,
      priority VARCHAR(16) NOT NULL,
      status VARCHAR(24) NOT NULL DEFAULT 'new',
      subject VARCHAR(200) NOT NULL,
      description TEXT NOT NULL,
      key_account_id BIGINT NULL,
      end_customer VARCHAR(200) NULL,
      assignee_id BIGINT NULL,
      response_due_at DATETIME(3) NOT NULL,
      resolution_due_at DATETIME(3) NOT NULL,
      first_response_at DATETIME(3) NULL,
      resolved_at DATETIME(3) NULL,
      closed_at DATETIME(3) NULL,
      reopen_count INT NOT NULL DEFAULT 0,
      outcome VARCHAR(16) NULL,
      breached_at DATETIME(3) NULL,
      escalated_at DATETIME(3) NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_service_cases_number (number),
      KEY ix_service_cases_dealer (dealer_id, status, created_at),
      KEY ix_service_cases_status (status, resolution_due_at),
      KEY ix_service_cases_assignee (assignee_id, status),
      CONSTRAINT fk_service_cases_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT fk_service_cases_opened_by FOREIGN KEY (opened_by) REFERENCES users (id),
      CONSTRAINT fk_service_cases_assignee FOREIGN KEY (assignee_id) REFERENCES users (id),
      CONSTRAINT fk_service_cases_order FOREIGN KEY (order_id) REFERENCES orders (id),
      CONSTRAINT fk_service_cases_product FOREIGN KEY (product_id) REFERENCES products (id)
    ) ${T}`,
    `CREATE TABLE service_messages (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id BIGINT NOT NULL,
      author_id BIGINT NULL,
      visibility VARCHAR(16) NOT NULL,
      kind VARCHAR(16) NOT NULL DEFAULT 'reply',
      body TEXT NOT NULL,
      created_at ${NOW},
      KEY ix_service_messages_case (case_id, created_at),
      CONSTRAINT fk_service_messages_case FOREIGN KEY (case_id) REFERENCES service_cases (id)
    ) ${T}`,
    `CREATE TABLE service_attachments (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id BIGINT NOT NULL,
      message_id BIGINT NULL,
      visibility VARCHAR(16) NOT NULL DEFAULT 'public',
      uploaded_by BIGINT NOT NULL,
      display_name VARCHAR(200) NOT NULL,
      content_type VARCHAR(64) NOT NULL,
      size_bytes INT NOT NULL,
      storage_key CHAR(40) NOT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_service_attachments_key (storage_key),
      KEY ix_service_attachments_case (case_id, created_at),
      CONSTRAINT fk_service_attachments_case FOREIGN KEY (case_id) REFERENCES service_cases (id)
    ) ${T}`,
    `CREATE TABLE service_case_links (
      case_id BIGINT NOT NULL,
      kind VARCHAR(16) NOT NULL,
      ref_id BIGINT NOT NULL,
      created_at ${NOW},
      PRIMARY KEY (case_id, kind, ref_id),
      CONSTRAINT fk_service_case_links_case FOREIGN KEY (case_id) REFERENCES service_cases (id)
    ) ${T}`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["service_case_links", "service_attachments", "service_messages", "service_cases", "service_settings", "service_promises"])
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
