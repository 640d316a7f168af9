import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE outbox_emails (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      dedupe_key VARCHAR(191) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      user_id BIGINT NULL,
      to_address VARCHAR(254) NOT NULL,
      locale VARCHAR(8) NOT NULL,
      subject VARCHAR(255) NOT NULL,
      html MEDIUMTEXT NOT NULL,
      text_body MEDIUMTEXT NOT NULL,
      headers TEXT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'pending',
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      claimed_until DATETIME(3) NULL,
      claimed_by VARCHAR(64) NULL,
      last_error TEXT NULL,
      sent_at DATETIME(3) NULL,
      created_at ${NOW},
      UNIQUE KEY uq_outbox_dedupe (dedupe_key),
      KEY ix_outbox_due (status, next_attempt_at),
      KEY ix_outbox_user (user_id, created_at)
    ) ${T}`,
    `CREATE TABLE job_runs (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      job_name VARCHAR(64) NOT NULL,
      slot VARCHAR(32) NOT NULL,
      trigger_kind VARCHAR(16) NOT NULL DEFAULT 'schedule',
      status VARCHAR(16) NOT NULL DEFAULT 'running',
      owner VARCHAR(128) NOT NULL,
      attempts INT NOT NULL DEFAULT 1,
      started_at DATETIME(3) NOT NULL,
      heartbeat_at DATETIME(3) NOT NULL,
      lease_expires_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      progress VARCHAR(255) NULL,
      result TEXT NULL,
      error TEXT NULL,
      UNIQUE KEY uq_job_runs_slot (job_name, slot),
      KEY ix_job_runs_recent (job_name, started_at)
    ) ${T}`,
    `CREATE TABLE announcements (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      kind VARCHAR(16) NOT NULL DEFAULT 'announcement',
      title_en VARCHAR(200) NOT NULL,
      title_zh VARCHAR(200) NOT NULL,
      body_en TEXT NOT NULL,
      body_zh TEXT NOT NULL,
      regions VARCHAR(500) NULL,
      tiers VARCHAR(200) NULL,
      product_skus VARCHAR(1000) NULL,
      starts_at DATETIME(3) NOT NULL,
      ends_at DATETIME(3) NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'published',
      created_by BIGINT NULL,
      created_at ${NOW},
      updated_at ${NOW},
      KEY ix_ann_window (status, starts_at, ends_at)
    ) ${T}`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["announcements", "job_runs", "outbox_emails"]) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
