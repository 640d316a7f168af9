import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Staff two-factor sign-in (TOTP, RFC 6238) and recovery codes; the state between the
// password and the second factor (a sign-in challenge, never a session); sessions that
// the user asked to keep ("keep me signed in"). docs/decisions/090-two-factor-sign-in.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE user_second_factors (
      user_id BIGINT NOT NULL PRIMARY KEY,
      totp_secret VARCHAR(64) NOT NULL,
      confirmed_at DATETIME(3) NULL,
      last_used_step BIGINT NULL,
      created_at ${NOW},
      CONSTRAINT fk_second_factors_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE recovery_codes (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      user_id BIGINT NOT NULL,
      code_hash CHAR(64) NOT NULL,
      used_at DATETIME(3) NULL,
      created_at ${NOW},
      UNIQUE KEY uq_recovery_codes_user_hash (user_id, code_hash),
      CONSTRAINT fk_recovery_codes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${T}`,
    `CREATE TABLE sign_in_challenges (
      id CHAR(64) NOT NULL PRIMARY KEY,
      user_id BIGINT NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      persistent TINYINT(1) NOT NULL DEFAULT 0,
      redirect_to VARCHAR(2000) NOT NULL DEFAULT '/',
      ip VARCHAR(64) NULL,
      user_agent VARCHAR(255) NULL,
      created_at ${NOW},
      KEY ix_sign_in_challenges_user (user_id),
      KEY ix_sign_in_challenges_expires (expires_at),
      CONSTRAINT fk_sign_in_challenges_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${T}`,
    `ALTER TABLE sessions ADD COLUMN persistent TINYINT(1) NOT NULL DEFAULT 0`,
    // From now on every manufacturer session has passed a second factor: sessions opened before it end.
    `DELETE s FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id WHERE o.kind = 'manufacturer'`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE sessions DROP COLUMN persistent`).execute(db);
  for (const t of ["sign_in_challenges", "recovery_codes", "user_second_factors"]) await sql.raw(`DROP TABLE ${t}`).execute(db);
}
