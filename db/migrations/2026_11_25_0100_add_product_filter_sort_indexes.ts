import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// A stock search filtered by category or product line and sorted by SKU (the
// default) walks these in page order and stops at the LIMIT, reading only the
// filter's products; without them it walked every product in SKU order and read
// each row to check its category ("available now" in one category: 10 → 2 ms).
// See docs/decisions/011-stock-page-queries.md.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE products
        ADD KEY ix_products_status_category_sku (status, category_code, sku),
        ADD KEY ix_products_status_line_sku (status, product_line_code, sku)`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE products DROP KEY ix_products_status_category_sku, DROP KEY ix_products_status_line_sku`).execute(db);
}
