import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The two derived tables kept by triggers (catalog_version, 2026_11_26_0100; product_availability,
// 2026_11_27_0100) are kept by the domain functions that change their inputs from now on
// (docs/decisions/111-derived-figures-in-the-domain.md): the project's SQL stays within what
// MySQL 8, MariaDB and TiDB all run, and no write has effects the application code does not show.
//
// catalog_version gains a fingerprint of the catalog (products and tier prices) so that
// `npm run db:check` can tell a catalog write that did not move the version: the domain's
// catalogChanged() stores it with each bump. This is a frozen copy of its definition at the time.
const TRIGGERS = [
  "trg_products_ai_catalog_version",
  "trg_products_au_catalog_version",
  "trg_products_ad_catalog_version",
  "trg_tier_prices_ai_catalog_version",
  "trg_tier_prices_au_catalog_version",
  "trg_tier_prices_ad_catalog_version",
  "trg_stock_levels_ai_availability",
  "trg_stock_levels_au_availability",
  "trg_stock_levels_ad_availability",
];

const FINGERPRINT = `SELECT
  (SELECT COUNT(*) + COALESCE(SUM(CRC32(CONCAT_WS('|', id, sku, name_en, name_zh, category_code, product_line_code, unit, list_price_minor, currency, status,
     made_to_order, whole_units, IFNULL(lead_time_days, '-'), IFNULL(options_schema, '-'), IFNULL(image_path, '-'),
     IFNULL(description_en, '-'), IFNULL(description_zh, '-'), updated_at))), 0) FROM products)
  + (SELECT COUNT(*) + COALESCE(SUM(CRC32(CONCAT_WS('|', product_id, tier, price_minor))), 0) FROM product_tier_prices) AS fp`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const name of TRIGGERS) await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  await sql.raw(`ALTER TABLE catalog_version ADD COLUMN fingerprint BIGINT UNSIGNED NOT NULL DEFAULT 0`).execute(db);
  const { rows } = await sql.raw<{ fp: string | number }>(FINGERPRINT).execute(db);
  await sql`INSERT INTO catalog_version (id, version, fingerprint) VALUES (1, 1, ${String(rows[0]!.fp)})
            ON DUPLICATE KEY UPDATE version = version + 1, fingerprint = VALUES(fingerprint)`.execute(db);
  // Whatever drifted while the triggers were being dropped: availability recounted from the levels.
  await sql.raw(`DELETE FROM product_availability`).execute(db);
  await sql
    .raw(`INSERT INTO product_availability (product_id, stocked_warehouses) SELECT product_id, SUM(on_hand > reserved) FROM stock_levels GROUP BY product_id`)
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE catalog_version DROP COLUMN fingerprint`).execute(db);
  // The triggers are not restored: migrate down to 2026_11_27_0100 and up again to get them back.
}
