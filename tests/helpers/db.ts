import { sql } from "kysely";
import { getDb } from "../../db/client";
import { forgetSnapshots } from "../../app/utils/snapshots.server";
import { catalogChanged } from "../../app/modules/catalog/catalog.derived.server";

let tables: string[] | undefined;

/**
 * Empties every table on one connection with FK checks off, and drops this process's
 * snapshots and catalog index. Kept: the migrations, and the catalog version counter,
 * which must only grow (web processes of other tests key their in-memory catalog by it):
 * it moves, as for any catalog write.
 */
export async function resetDatabase() {
  const db = getDb();
  forgetSnapshots();
  tables ??= (
    await sql<{
      t: string;
    }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_migration%' AND table_name <> 'catalog_version'`.execute(
      db,
    )
  ).rows.map((r) => r.t);
  await db.connection().execute(async (conn) => {
    await sql`SET FOREIGN_KEY_CHECKS = 0`.execute(conn);
    try {
      for (const t of tables!) await sql`DELETE FROM ${sql.table(t)}`.execute(conn);
    } finally {
      await sql`SET FOREIGN_KEY_CHECKS = 1`.execute(conn);
    }
  });
  // The products are gone: the catalog version moves (as for any catalog write) and its fingerprint is the empty catalog's.
  await catalogChanged(db);
}

export { getDb };

let allTables: string[] | undefined;
/**
 * CHECKSUM TABLE of every base table that `keep` selects, by name: two calls that give
 * the same map saw the same rows. One statement, a few milliseconds on test-sized tables.
 */
export async function tableChecksums(keep: (table: string) => boolean = () => true): Promise<Map<string, string>> {
  const db = getDb();
  allTables ??= (
    await sql<{
      t: string;
    }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db)
  ).rows.map((r) => r.t);
  const chosen = allTables.filter(keep);
  const { rows } = await sql<{ Table: string; Checksum: string | number | null }>`CHECKSUM TABLE ${sql.join(chosen.map((t) => sql.table(t)))}`.execute(db);
  return new Map(rows.map((r) => [r.Table.split(".").pop()!, String(r.Checksum)]));
}
