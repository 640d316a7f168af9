import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

/**
 * "Said once" markers for jobs (deal expiry reminders per threshold, stale-order
 * reminders per order), plus the indexes the runner and the admin pages query by.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `CREATE TABLE notification_marks (
      mark_key VARCHAR(191) NOT NULL PRIMARY KEY,
      created_at ${NOW}
    ) ${T}`,
    `ALTER TABLE job_runs ADD KEY ix_job_runs_status (status, lease_expires_at)`,
    `ALTER TABLE job_runs ADD KEY ix_job_runs_started (started_at)`,
    `ALTER TABLE outbox_emails ADD KEY ix_outbox_created (created_at)`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw("ALTER TABLE outbox_emails DROP KEY ix_outbox_created").execute(db);
  await sql.raw("ALTER TABLE job_runs DROP KEY ix_job_runs_started").execute(db);
  await sql.raw("ALTER TABLE job_runs DROP KEY ix_job_runs_status").execute(db);
  await sql.raw("DROP TABLE IF EXISTS notification_marks").execute(db);
}
