import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The snapshot versions (decision 112) read each journal's latest timestamp and count its rows
// stamped in the last few minutes. audit_log, domain_events and stock_movements have an index on
// their timestamp alone; ledger_entries had none on created_at, so both reads scanned the table.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`CREATE INDEX ix_ledger_created ON ledger_entries (created_at)`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX ix_ledger_created ON ledger_entries`).execute(db);
}
