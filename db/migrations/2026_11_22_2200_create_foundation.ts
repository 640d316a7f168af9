import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE organisations (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      kind VARCHAR(16) NOT NULL,
      code VARCHAR(32) NOT NULL,
      name VARCHAR(200) NOT NULL,
      region VARCHAR(32) NOT NULL DEFAULT '',
      tier VARCHAR(16) NOT NULL DEFAULT 'silver',
      currency CHAR(3) NOT NULL DEFAULT 'CNY',
      credit_limit_minor BIGINT NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL DEFAULT 'active',
      account_manager_id BIGINT NULL,
      contact_email VARCHAR(254) NULL,
      contact_phone VARCHAR(64) NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_organisations_code (code),
      KEY ix_organisations_kind (kind, status),
      KEY ix_organisations_am (account_manager_id),
      CONSTRAINT ck_org_kind CHECK (kind IN ('manufacturer','dealer')),
      CONSTRAINT ck_org_credit CHECK (credit_limit_minor >= 0)
    ) ${T}`,
    `CREATE TABLE users (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      organisation_id BIGINT NOT NULL,
      email VARCHAR(254) NOT NULL,
      name VARCHAR(120) NOT NULL,
      password_hash VARCHAR(255) NOT NULL,
      role VARCHAR(32) NOT NULL,
      locale VARCHAR(8) NOT NULL DEFAULT 'zh-CN',
      digest_frequency VARCHAR(8) NOT NULL DEFAULT 'daily',
      status VARCHAR(16) NOT NULL DEFAULT 'active',
      password_changed_at DATETIME(3) NULL,
      last_login_at DATETIME(3) NULL,
      last_digest_at DATETIME(3) NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_users_email (email),
      KEY ix_users_org (organisation_id, role),
      CONSTRAINT fk_users_org FOREIGN KEY (organisation_id) REFERENCES organisations (id)
    ) ${T}`,
    `ALTER TABLE organisations ADD CONSTRAINT fk_org_am FOREIGN KEY (account_manager_id) REFERENCES users (id)`,
    `CREATE TABLE sessions (
      id CHAR(64) NOT NULL PRIMARY KEY,
      user_id BIGINT NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      absolute_expires_at DATETIME(3) NOT NULL,
      created_at ${NOW},
      ip VARCHAR(64) NULL,
      user_agent VARCHAR(255) NULL,
      KEY ix_sessions_user (user_id),
      KEY ix_sessions_expires (expires_at),
      CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE login_throttles (
      throttle_key VARCHAR(128) NOT NULL PRIMARY KEY,
      failures INT NOT NULL DEFAULT 0,
      window_started_at DATETIME(3) NOT NULL,
      blocked_until DATETIME(3) NULL
    ) ${T}`,
    `CREATE TABLE app_settings (
      name VARCHAR(64) NOT NULL PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at ${NOW}
    ) ${T}`,
    `CREATE TABLE audit_log (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      occurred_at ${NOW},
      actor_user_id BIGINT NULL,
      actor_role VARCHAR(32) NULL,
      organisation_id BIGINT NULL,
      ip VARCHAR(64) NULL,
      action VARCHAR(64) NOT NULL,
      entity_type VARCHAR(32) NOT NULL,
      entity_id VARCHAR(64) NOT NULL,
      summary TEXT NULL,
      KEY ix_audit_time (occurred_at),
      KEY ix_audit_entity (entity_type, entity_id),
      KEY ix_audit_actor (actor_user_id, occurred_at),
      KEY ix_audit_org (organisation_id, occurred_at),
      KEY ix_audit_action (action, occurred_at)
    ) ${T}`,
    `CREATE TABLE domain_events (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      occurred_at ${NOW},
      type VARCHAR(64) NOT NULL,
      dealer_id BIGINT NULL,
      account_manager_id BIGINT NULL,
      actor_user_id BIGINT NULL,
      entity_type VARCHAR(32) NOT NULL,
      entity_id VARCHAR(64) NOT NULL,
      payload TEXT NULL,
      KEY ix_events_time (occurred_at),
      KEY ix_events_dealer (dealer_id, occurred_at),
      KEY ix_events_am (account_manager_id, occurred_at),
      KEY ix_events_type (type, occurred_at)
    ) ${T}`,
    `CREATE TABLE key_accounts (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(200) NOT NULL,
      name_normalized VARCHAR(200) NOT NULL,
      credit_code CHAR(18) NULL,
      industry VARCHAR(64) NOT NULL DEFAULT '',
      region VARCHAR(32) NOT NULL DEFAULT '',
      size VARCHAR(16) NOT NULL DEFAULT 'medium',
      owner_id BIGINT NOT NULL,
      notes TEXT NULL,
      created_at ${NOW},
      updated_at ${NOW},
      UNIQUE KEY uq_key_accounts_credit_code (credit_code),
      KEY ix_key_accounts_name (name_normalized),
      KEY ix_key_accounts_owner (owner_id),
      CONSTRAINT fk_key_accounts_owner FOREIGN KEY (owner_id) REFERENCES users (id)
    ) ${T}`,
    `CREATE TABLE key_account_contacts (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      key_account_id BIGINT NOT NULL,
      name VARCHAR(120) NOT NULL,
      title VARCHAR(120) NOT NULL DEFAULT '',
      phone VARCHAR(64) NOT NULL DEFAULT '',
      email VARCHAR(254) NOT NULL DEFAULT '',
      created_at ${NOW},
      KEY ix_kac_account (key_account_id),
      CONSTRAINT fk_kac_account FOREIGN KEY (key_account_id) REFERENCES key_accounts (id) ON DELETE CASCADE
    ) ${T}`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["key_account_contacts", "key_accounts", "domain_events", "audit_log", "app_settings", "login_throttles", "sessions"]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
  await sql.raw("ALTER TABLE organisations DROP FOREIGN KEY fk_org_am").execute(db);
  await sql.raw("DROP TABLE IF EXISTS users").execute(db);
  await sql.raw("DROP TABLE IF EXISTS organisations").execute(db);
}
