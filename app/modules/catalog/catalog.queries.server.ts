/**
 * Kysely queries of the catalog: products, tier prices, warehouses, levels,
 * incoming receipts, holidays. No rules here; catalog.server.ts decides who may
 * see what (dealers only ever get their own tier's price).
 */
import { sql, type ExpressionBuilder, type RawBuilder, type SqlBool } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import { REFERENCE_VERSION_COLUMNS, referenceVersionsOf, type ReferenceVersions } from "~/utils/snapshots.server";
import type { ProductListFilter, StockFilter } from "./catalog.schema.server";
import { likeContains } from "~/utils/like";

export const PAGE_SIZE = 25;

type ProductEb = ExpressionBuilder<DB & { p: DB["products"] }, "p">;

/**
 * SKU or either name contains q: one LIKE on the lower-cased, binary-collated
 * search_text column (in a covering index), see docs/decisions/011.
 */
function textSearch(eb: ProductEb, q: string) {
  return eb("p.search_text", "like", likeContains(q.toLowerCase()));
}

/** The filters the product list and the stock page share: text, category, product line, made to order. */
function productsMatching(db: Executor, f: Pick<ProductListFilter, "q" | "category" | "line" | "mto">) {
  let q = db.selectFrom("products as p");
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => textSearch(eb as unknown as ProductEb, text));
  }
  if (f.category) q = q.where("p.category_code", "=", f.category);
  if (f.line) q = q.where("p.product_line_code", "=", f.line);
  if (f.mto === "only") q = q.where("p.made_to_order", "=", 1);
  if (f.mto === "exclude") q = q.where("p.made_to_order", "=", 0);
  return q;
}

/** Products matching the stock page's filters. `warehouseIds` null = every warehouse. */
export function stockProductsQuery(db: Executor, f: StockFilter, warehouseIds: number[] | null) {
  let q = productsMatching(db, f);
  if (f.status !== "all") q = q.where("p.status", "=", f.status);
  if (f.availableOnly) {
    // Correlated scalar subqueries (not EXISTS): MariaDB would turn EXISTS into a
    // semi-join that materialises every level; these read by primary key and stop
    // with the page's LIMIT. In every warehouse: the product's one summary row
    // (kept by triggers, decision 079); in some: its level rows there.
    if (warehouseIds === null) q = q.where(sql<SqlBool>`(SELECT pa.stocked_warehouses FROM product_availability pa WHERE pa.product_id = p.id) > 0`);
    else
      q = q.where(
        sql<SqlBool>`(SELECT MAX(sl.on_hand - sl.reserved) FROM stock_levels sl WHERE sl.product_id = p.id AND sl.warehouse_id IN (${sql.join(warehouseIds.length ? warehouseIds : [0])})) > 0`,
      );
  }
  return q;
}

export function productListQuery(db: Executor, f: ProductListFilter) {
  const q = productsMatching(db, f);
  return f.status ? q.where("p.status", "=", f.status) : q;
}

/**
 * Called first in every transaction that writes products or tier prices: takes the
 * catalog version's row lock before any product row's and before the transaction's
 * first plain read, so two such transactions queue on it instead of deadlocking, and
 * catalogChanged() at the end sees every catalog write committed before (decisions
 * 077, 111). Also moves the version.
 */
export async function lockCatalogVersion(tx: Executor) {
  await sql`INSERT INTO catalog_version (id, version) VALUES (1, 1) ON DUPLICATE KEY UPDATE version = version + 1`.execute(tx);
}

export const productColumns = [
  "p.id",
  "p.sku",
  "p.name_en",
  "p.name_zh",
  "p.category_code",
  "p.product_line_code",
  "p.unit",
  "p.list_price_minor",
  "p.currency",
  "p.status",
  "p.made_to_order",
  "p.lead_time_days",
  "p.image_path",
] as const;
/** The column names of `productColumns`. */
export type ProductColumn = (typeof productColumns)[number] extends `p.${infer C}` ? C : never;

export async function listWarehouses(db: Executor) {
  return db.selectFrom("warehouses").select(["id", "code", "name_en", "name_zh", "region", "status"]).where("status", "=", "active").orderBy("code").execute();
}

export async function listCategories(db: Executor) {
  return db.selectFrom("categories").select(["code", "name_en", "name_zh"]).orderBy("sort_order").orderBy("code").execute();
}

export async function listProductLines(db: Executor) {
  return db.selectFrom("product_lines").select(["code", "name_en", "name_zh"]).orderBy("sort_order").orderBy("code").execute();
}

export async function incomingFor(db: Executor, productIds: number[], warehouseIds: number[] | null) {
  if (!productIds.length) return [];
  let q = db
    .selectFrom("incoming_stock")
    .select(["id", "product_id", "warehouse_id", "quantity", "eta", "source", "reference"])
    .where("product_id", "in", productIds)
    .where("status", "=", "planned");
  if (warehouseIds) q = q.where("warehouse_id", "in", warehouseIds.length ? warehouseIds : [0]);
  return q.orderBy("eta").orderBy("id").execute();
}

export type LevelRow = { product_id: number; warehouse_id: number; on_hand: number; reserved: number };
export type IncomingRow = { product_id: number; warehouse_id: number; quantity: number; eta: string; id: number };

/**
 * Stock levels and planned incoming receipts of these products (in these warehouses,
 * or all when null) in one round trip: the two reads every stock view makes together
 * (a UNION ALL, told apart by `k`). Incoming comes back in ETA order (then id).
 * With `withVersions`, the same statement also reads the reference versions
 * (snapshots.server.ts), so a caller that built the page from snapshots it assumed
 * current learns, from this one consistent read, whether they still were.
 */
export async function stockOf(db: Executor, productIds: number[], warehouseIds: number[] | null): Promise<{ levels: LevelRow[]; incoming: IncomingRow[] }>;
export async function stockOf(
  db: Executor,
  productIds: number[],
  warehouseIds: number[] | null,
  withVersions: true,
): Promise<{ levels: LevelRow[]; incoming: IncomingRow[]; versions: ReferenceVersions }>;
export async function stockOf(
  db: Executor,
  productIds: number[],
  warehouseIds: number[] | null,
  withVersions = false,
): Promise<{ levels: LevelRow[]; incoming: IncomingRow[]; versions?: ReferenceVersions }> {
  if (!productIds.length && !withVersions) return { levels: [], incoming: [] };
  const parts: RawBuilder<unknown>[] = [];
  if (withVersions) {
    const v = REFERENCE_VERSION_COLUMNS;
    parts.push(sql`SELECT 2 AS k, 0 AS product_id, 0 AS warehouse_id, ${v.m} AS a, ${v.n} AS b, ${v.catalog} AS eta, 0 AS id`);
  }
  if (productIds.length) {
    const products = sql.join(productIds);
    const inWarehouses = warehouseIds === null ? sql`` : sql` AND warehouse_id IN (${sql.join(warehouseIds.length ? warehouseIds : [0])})`;
    parts.push(
      sql`SELECT 0 AS k, product_id, warehouse_id, on_hand AS a, reserved AS b, NULL AS eta, 0 AS id FROM stock_levels WHERE product_id IN (${products})${inWarehouses}`,
    );
    parts.push(
      sql`SELECT 1, product_id, warehouse_id, quantity, 0, eta, id FROM incoming_stock WHERE product_id IN (${products}) AND status = 'planned'${inWarehouses}`,
    );
  }
  const { rows } = await sql<{
    k: number;
    product_id: number;
    warehouse_id: number;
    a: number;
    b: number;
    eta: string | null;
    id: number;
  }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  const levels: LevelRow[] = [];
  const incoming: IncomingRow[] = [];
  let versions: ReferenceVersions | undefined;
  for (const r of rows) {
    const k = Number(r.k);
    if (k === 0) levels.push({ product_id: r.product_id, warehouse_id: r.warehouse_id, on_hand: Number(r.a), reserved: Number(r.b) });
    else if (k === 1) incoming.push({ product_id: r.product_id, warehouse_id: r.warehouse_id, quantity: Number(r.a), eta: r.eta!, id: r.id });
    else versions = referenceVersionsOf(r.a, r.b, r.eta);
  }
  // Sorted here, not by the database: a page's few receipts, where an ORDER BY sorted all ~500 rows.
  incoming.sort((x, y) => (x.eta < y.eta ? -1 : x.eta > y.eta ? 1 : x.id - y.id));
  return withVersions ? { levels, incoming, versions: versions! } : { levels, incoming };
}

export async function tierPricesFor(db: Executor, productIds: number[], tier?: string) {
  if (!productIds.length) return [];
  let q = db.selectFrom("product_tier_prices").select(["product_id", "tier", "price_minor"]).where("product_id", "in", productIds);
  if (tier !== undefined) q = q.where("tier", "=", tier);
  return q.execute();
}

export async function findProductBySku(db: Executor, sku: string) {
  return db
    .selectFrom("products as p")
    .innerJoin("categories as c", "c.code", "p.category_code")
    .innerJoin("product_lines as l", "l.code", "p.product_line_code")
    .selectAll("p")
    .select(["c.name_en as category_en", "c.name_zh as category_zh", "l.name_en as line_en", "l.name_zh as line_zh"])
    .where("p.sku", "=", sku)
    .executeTakeFirst();
}

export async function findProductById(db: Executor, id: number) {
  return db.selectFrom("products").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function recentMovements(db: Executor, productId: number, limit = 20) {
  return db
    .selectFrom("stock_movements as m")
    .innerJoin("warehouses as w", "w.id", "m.warehouse_id")
    .leftJoin("users as u", "u.id", "m.actor_user_id")
    .select([
      "m.id",
      "m.kind",
      "m.on_hand_delta",
      "m.reserved_delta",
      "m.reason",
      "m.ref_type",
      "m.ref_id",
      "m.created_at",
      "w.code as warehouse_code",
      "u.name as actor_name",
    ])
    .where("m.product_id", "=", productId)
    .orderBy("m.created_at", "desc")
    .orderBy("m.id", "desc")
    .limit(limit)
    .execute();
}

export async function dealerTier(db: Executor, dealerId: number): Promise<{ tier: string; region: string } | undefined> {
  return db.selectFrom("organisations").select(["tier", "region"]).where("id", "=", dealerId).executeTakeFirst();
}

export async function listHolidays(db: Executor, from: string, to: string) {
  return db.selectFrom("holidays").select(["day", "name"]).where("day", ">=", from).where("day", "<=", to).orderBy("day").execute();
}
