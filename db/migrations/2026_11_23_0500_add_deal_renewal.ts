import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Renewal of a deal's protection on the dealer's request (the account manager decides),
// and the administrator's note when approving or sending back a quote above the discount limit.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE deals
      ADD COLUMN renewal_requested_at DATETIME(3) NULL,
      ADD COLUMN renewal_requested_by BIGINT NULL,
      ADD COLUMN renewal_note VARCHAR(500) NULL,
      ADD COLUMN lead_id BIGINT NULL`,
    )
    .execute(db);
  await sql.raw(`ALTER TABLE quotes ADD COLUMN approval_note TEXT NULL`).execute(db);
  await sql.raw(`CREATE INDEX ix_deal_flags_open ON deal_flags (resolved_at, deal_id)`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX ix_deal_flags_open ON deal_flags`).execute(db);
  await sql.raw(`ALTER TABLE quotes DROP COLUMN approval_note`).execute(db);
  await sql
    .raw(`ALTER TABLE deals DROP COLUMN renewal_requested_at, DROP COLUMN renewal_requested_by, DROP COLUMN renewal_note, DROP COLUMN lead_id`)
    .execute(db);
}
