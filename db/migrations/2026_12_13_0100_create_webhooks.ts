import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Webhooks (issue 25, item 4): a dealer's HTTPS endpoints, one delivery row per event and endpoint
// written in the transaction of the change (the transactional outbox), and one row per attempt.
// docs/decisions/125-webhooks-outbox-and-signatures.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE webhook_endpoints (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      url VARCHAR(2000) NOT NULL,
      description VARCHAR(120) NOT NULL DEFAULT '',
      events VARCHAR(255) NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'active',
      paused_reason VARCHAR(16) NULL,
      secret_sealed VARCHAR(255) NOT NULL,
      secret_hint VARCHAR(8) NOT NULL,
      consecutive_failures INT NOT NULL DEFAULT 0,
      created_by BIGINT NULL,
      created_at ${NOW},
      updated_at ${NOW},
      KEY ix_webhook_endpoints_dealer (dealer_id, status),
      CONSTRAINT fk_webhook_endpoints_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
    ) ${T}`,
    `CREATE TABLE webhook_deliveries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      event_id VARCHAR(40) NOT NULL,
      endpoint_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      event_type VARCHAR(40) NOT NULL,
      body MEDIUMTEXT NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'pending',
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NOT NULL,
      give_up_at DATETIME(3) NOT NULL,
      claimed_by VARCHAR(64) NULL,
      claimed_until DATETIME(3) NULL,
      last_attempt_at DATETIME(3) NULL,
      last_status_code INT NULL,
      last_response_excerpt VARCHAR(1000) NULL,
      last_error VARCHAR(500) NULL,
      delivered_at DATETIME(3) NULL,
      created_at ${NOW},
      UNIQUE KEY uq_webhook_deliveries_endpoint_event (endpoint_id, event_id),
      KEY ix_webhook_deliveries_due (status, next_attempt_at),
      KEY ix_webhook_deliveries_endpoint (endpoint_id, created_at),
      KEY ix_webhook_deliveries_dealer (dealer_id, created_at),
      CONSTRAINT fk_webhook_deliveries_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE webhook_delivery_attempts (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      delivery_id BIGINT NOT NULL,
      attempt_no INT NOT NULL,
      started_at DATETIME(3) NOT NULL,
      duration_ms INT NOT NULL,
      status_code INT NULL,
      response_excerpt VARCHAR(1000) NULL,
      error VARCHAR(500) NULL,
      UNIQUE KEY uq_webhook_attempts_delivery_no (delivery_id, attempt_no),
      CONSTRAINT fk_webhook_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
    ) ${T}`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["webhook_delivery_attempts", "webhook_deliveries", "webhook_endpoints"]) await sql.raw(`DROP TABLE ${t}`).execute(db);
}
