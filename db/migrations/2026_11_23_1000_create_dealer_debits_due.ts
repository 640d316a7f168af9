import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// A maintained aggregate for receivables aging (docs/decisions/035): per dealer and
// due day (due_date, or business_date when there is none), the sum of its debits
// (amount > 0) that are not reversals and have not been reversed. Updated in the
// same transaction as every posting and reversal; db:check compares it with a
// recomputation from ledger_entries.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE dealer_debits_due (
        dealer_id BIGINT NOT NULL,
        due_on DATE NOT NULL,
        debit_minor BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (dealer_id, due_on),
        KEY ix_ddd_due (due_on, dealer_id, debit_minor),
        CONSTRAINT fk_ddd_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    )
    .execute(db);
  await sql
    .raw(
      `INSERT INTO dealer_debits_due (dealer_id, due_on, debit_minor)
       SELECT e.dealer_id, COALESCE(e.due_date, e.business_date), SUM(e.amount_minor)
       FROM ledger_entries e
       WHERE e.amount_minor > 0 AND e.reverses_entry_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_entry_id = e.id)
       GROUP BY e.dealer_id, COALESCE(e.due_date, e.business_date)`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS dealer_debits_due`).execute(db);
}
