import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// How many orders each dealer has per status, split by whether the order has a number
// (staff never see drafts that were never submitted). The order list's total reads it
// instead of counting a large dealer's orders on every page (docs/decisions/073); every
// insert, status change, submission and draft deletion keeps it in its own transaction.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE dealer_order_counts (
         dealer_id BIGINT NOT NULL,
         status VARCHAR(32) NOT NULL,
         numbered TINYINT NOT NULL,
         n INT NOT NULL DEFAULT 0,
         PRIMARY KEY (dealer_id, status, numbered),
         CONSTRAINT fk_doc_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    )
    .execute(db);
  await sql
    .raw(
      `INSERT INTO dealer_order_counts (dealer_id, status, numbered, n)
       SELECT dealer_id, status, number IS NOT NULL, COUNT(*) FROM orders GROUP BY dealer_id, status, number IS NOT NULL`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE dealer_order_counts`).execute(db);
}
