/**
 * Derived figures of the catalog (app/utils/derived.ts).
 *
 * catalog_version (id = 1): a counter every web process compares on each stock request, reloading
 * its in-memory catalog when it moved (docs/decisions/077), and a fingerprint of the rows it
 * stands for (products and their tier prices). Every write of products or tier prices calls
 * catalogChanged() in its transaction, after the rows are written; domain functions take the
 * version's lock first (lockCatalogVersion) so that catalog writers queue instead of deadlocking.
 * A writer that forgot leaves the fingerprint behind the catalog, which db:check reports.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { DerivedFigure } from "~/utils/derived";

/**
 * The fingerprint of the catalog: row counts plus Σ CRC32 of each row's columns. Any insert,
 * update (updated_at included) or delete of a product or tier price changes it (short of a
 * CRC32 collision). A frozen copy lives in migration 2026_12_10_0100.
 */
const FINGERPRINT = sql<{ fp: string | number }>`SELECT
  (SELECT COUNT(*) + COALESCE(SUM(CRC32(CONCAT_WS('|', id, sku, name_en, name_zh, category_code, product_line_code, unit, list_price_minor, currency, status,
     made_to_order, whole_units, IFNULL(lead_time_days, '-'), IFNULL(options_schema, '-'), IFNULL(image_path, '-'),
     IFNULL(description_en, '-'), IFNULL(description_zh, '-'), updated_at))), 0) FROM products)
  + (SELECT COUNT(*) + COALESCE(SUM(CRC32(CONCAT_WS('|', product_id, tier, price_minor))), 0) FROM product_tier_prices) AS fp`;

async function catalogFingerprint(db: Executor): Promise<string> {
  const { rows } = await FINGERPRINT.execute(db);
  return String(rows[0]!.fp);
}

/**
 * The one way catalog_version moves: called by every write of products or tier prices (domain
 * functions, the import, the seed, test factories, repairs), in its transaction, after the rows
 * are written. Moves the version (web processes reload their catalog) and stores the fingerprint
 * of the catalog as this transaction sees it. Inside a transaction the version's lock must be
 * taken before the transaction's first plain read (lockCatalogVersion first), so that it sees
 * every catalog write committed before it.
 */
export async function catalogChanged(tx: Executor): Promise<void> {
  await sql`INSERT INTO catalog_version (id, version) VALUES (1, 1) ON DUPLICATE KEY UPDATE version = version + 1`.execute(tx);
  const fp = await catalogFingerprint(tx);
  await sql`UPDATE catalog_version SET fingerprint = ${fp} WHERE id = 1`.execute(tx);
}

async function compareCatalogVersion(db: Executor) {
  const row = await db
    .selectFrom("catalog_version")
    .select(["version", sql<string>`CAST(fingerprint AS CHAR)`.as("fingerprint")])
    .where("id", "=", 1)
    .executeTakeFirst();
  const want = await catalogFingerprint(db);
  if (!row) return [{ version: null, fingerprint: null, want_fingerprint: want, problem: "the catalog version row is missing" }];
  if (row.fingerprint === want) return [];
  return [
    {
      version: Number(row.version),
      fingerprint: row.fingerprint,
      want_fingerprint: want,
      problem: "products or tier prices were written without moving the catalog version",
    },
  ];
}

export const DERIVED: DerivedFigure[] = [
  {
    name: "catalog version: its fingerprint equals the catalog's (every write of products or tier prices moved it)",
    table: "catalog_version",
    inputs: ["products", "product_tier_prices"],
    recompute: catalogChanged,
    compare: compareCatalogVersion,
  },
];
