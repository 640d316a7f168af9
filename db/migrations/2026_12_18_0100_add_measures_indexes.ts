import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The dealer-profit measures (issue #24 item 2, decision 139) count a dealer's service cases by the period their
// resolution fell due in: one index on (dealer, due) keeps that a range read per dealer.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`CREATE INDEX ix_service_cases_dealer_due ON service_cases (dealer_id, resolution_due_at)`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX ix_service_cases_dealer_due ON service_cases`).execute(db);
}
