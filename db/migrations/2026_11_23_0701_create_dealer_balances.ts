import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// A maintained aggregate: each dealer's ledger balance, updated in the same
// transaction as every posting (db:check compares it with Σ ledger_entries).
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE dealer_balances (
        dealer_id BIGINT NOT NULL PRIMARY KEY,
        balance_minor BIGINT NOT NULL DEFAULT 0,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        CONSTRAINT fk_db_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    )
    .execute(db);
  await sql
    .raw(`INSERT INTO dealer_balances (dealer_id, balance_minor) SELECT dealer_id, SUM(amount_minor) FROM ledger_entries GROUP BY dealer_id`)
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS dealer_balances`).execute(db);
}
