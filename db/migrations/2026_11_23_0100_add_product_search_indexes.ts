import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The stock page searches SKU and both names with one LIKE on a lower-cased,
// binary-collated generated column held in a covering index (fast memcmp
// instead of three collation-aware LIKEs per row), and sorts by indexed
// columns so LIMIT can stop early. See docs/decisions/011-stock-page-queries.md.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE products
        ADD COLUMN search_text VARCHAR(600) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin AS (LOWER(CONCAT_WS(' ', sku, name_en, name_zh))) STORED,
        ADD KEY ix_products_search (status, sku, search_text),
        ADD KEY ix_products_status_price (status, list_price_minor),
        ADD KEY ix_products_status_name_en (status, name_en),
        ADD KEY ix_products_status_name_zh (status, name_zh),
        ADD KEY ix_products_status_lead (status, lead_time_days)`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE products
        DROP KEY ix_products_search,
        DROP KEY ix_products_status_price,
        DROP KEY ix_products_status_name_en,
        DROP KEY ix_products_status_name_zh,
        DROP KEY ix_products_status_lead,
        DROP COLUMN search_text`,
    )
    .execute(db);
}
