import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// When a quote above the discount limit was sent to an administrator (the approval queue's "requested" and
// "waiting" figures, oldest first). Quotes already waiting take the time of their latest
// quote.pending_approval domain event, or their last change when there is none.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE quotes ADD COLUMN approval_requested_at DATETIME(3) NULL`).execute(db);
  await sql
    .raw(
      `UPDATE quotes q SET q.approval_requested_at = COALESCE(
         (SELECT MAX(e.occurred_at) FROM domain_events e
           WHERE e.entity_type = 'quote' AND e.entity_id = CAST(q.id AS CHAR) AND e.type = 'quote.pending_approval'),
         q.updated_at)
       WHERE q.status = 'pending_approval'`,
    )
    .execute(db);
  await sql.raw(`CREATE INDEX ix_quotes_approval ON quotes (status, approval_requested_at)`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX ix_quotes_approval ON quotes`).execute(db);
  await sql.raw(`ALTER TABLE quotes DROP COLUMN approval_requested_at`).execute(db);
}
