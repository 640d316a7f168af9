import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// One counter that moves in the same transaction as every write to products or
// their tier prices, kept by triggers so that no write path (a domain function,
// the seed, an import, a repair script, a test factory) can forget it. Web
// processes keep the catalog in memory for the stock search and reload it when
// this number changes (docs/decisions/077-catalog-in-memory.md).
//
// The triggers upsert, so a deleted row comes back instead of failing the write.
const TRIGGERS: [string, string, string][] = [
  ["trg_products_ai_catalog_version", "AFTER INSERT", "products"],
  ["trg_products_au_catalog_version", "AFTER UPDATE", "products"],
  ["trg_products_ad_catalog_version", "AFTER DELETE", "products"],
  ["trg_tier_prices_ai_catalog_version", "AFTER INSERT", "product_tier_prices"],
  ["trg_tier_prices_au_catalog_version", "AFTER UPDATE", "product_tier_prices"],
  ["trg_tier_prices_ad_catalog_version", "AFTER DELETE", "product_tier_prices"],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE catalog_version (
        id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
        version BIGINT UNSIGNED NOT NULL
      ) ENGINE=InnoDB`,
    )
    .execute(db);
  await sql.raw(`INSERT INTO catalog_version (id, version) VALUES (1, 1)`).execute(db);
  for (const [name, timing, table] of TRIGGERS) {
    await sql
      .raw(
        `CREATE TRIGGER ${name} ${timing} ON ${table} FOR EACH ROW INSERT INTO catalog_version (id, version) VALUES (1, 1) ON DUPLICATE KEY UPDATE version = version + 1`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of TRIGGERS) await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  await sql.raw(`DROP TABLE catalog_version`).execute(db);
}
