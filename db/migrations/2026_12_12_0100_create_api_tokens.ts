import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The dealer API (issue #25): tokens a dealer's own systems act with (the secret stored only as a
// SHA-256 hash), a per-token fixed-window request counter shared by every web process, and the hash
// of the body an order was submitted with under an Idempotency-Key. docs/decisions/121-dealer-api-tokens.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE api_tokens (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      name VARCHAR(80) NOT NULL,
      token_prefix VARCHAR(16) NOT NULL,
      secret_hash CHAR(64) NOT NULL,
      scopes VARCHAR(255) NOT NULL,
      ip_allow VARCHAR(1000) NULL,
      expires_at DATETIME(3) NULL,
      revoked_at DATETIME(3) NULL,
      revoked_by BIGINT NULL,
      last_used_at DATETIME(3) NULL,
      last_used_ip VARCHAR(64) NULL,
      created_by BIGINT NOT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_api_tokens_secret (secret_hash),
      KEY ix_api_tokens_dealer (dealer_id, created_at),
      CONSTRAINT fk_api_tokens_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id),
      CONSTRAINT fk_api_tokens_creator FOREIGN KEY (created_by) REFERENCES users (id)
    ) ${T}`,
    `CREATE TABLE api_rate_windows (
      token_id BIGINT NOT NULL,
      window_start DATETIME NOT NULL,
      hits INT NOT NULL DEFAULT 0,
      PRIMARY KEY (token_id, window_start),
      CONSTRAINT fk_api_rate_windows_token FOREIGN KEY (token_id) REFERENCES api_tokens (id) ON DELETE CASCADE
    ) ${T}`,
    `ALTER TABLE orders ADD COLUMN submit_body_hash CHAR(64) NULL, ADD KEY ix_orders_dealer_updated (dealer_id, updated_at, id)`,
    `ALTER TABLE ledger_entries ADD KEY ix_ledger_dealer_created_id (dealer_id, created_at, id)`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE ledger_entries DROP KEY ix_ledger_dealer_created_id`).execute(db);
  await sql.raw(`ALTER TABLE orders DROP KEY ix_orders_dealer_updated, DROP COLUMN submit_body_hash`).execute(db);
  for (const t of ["api_rate_windows", "api_tokens"]) await sql.raw(`DROP TABLE ${t}`).execute(db);
}
