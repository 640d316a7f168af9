import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// A stock import hands what arrived to approved orders waiting for it; the job keeps
// how many units it reserved that way (NULL: not a stock import, or nothing waited).
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE import_jobs ADD COLUMN allocated_units INT NULL AFTER written_rows`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE import_jobs DROP COLUMN allocated_units`).execute(db);
}
