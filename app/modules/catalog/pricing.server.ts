/**
 * Product lookup for ordering: active products by SKU, id or search, with the
 * dealer's tier price (list price when the tier has none), the made-to-order
 * flag, the custom-option schema and the lead time. Prices shown to a dealer
 * and written on order lines always come from here (or from an accepted
 * quote, set by trusted server code), never from a form.
 */
import { sql, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import { parseOptionsSchema, type OptionsSchema } from "./options.server";
import { likeContains, likePrefix } from "~/utils/like";

type Db = Executor | Kysely<DB>;

export type OrderableProduct = {
  id: number;
  sku: string;
  nameEn: string;
  nameZh: string;
  unit: string;
  wholeUnits: boolean;
  status: string;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  optionsSchema: OptionsSchema | null;
  /** The dealer's price per unit in minor units. */
  priceMinor: number;
  listPriceMinor: number;
  currency: string;
  /** Σ (on hand − reserved) over active warehouses. */
  available: number;
};

function baseQuery(db: Db, dealerId: number) {
  return db
    .selectFrom("products as p")
    .innerJoin("organisations as d", (j) => j.on("d.id", "=", dealerId))
    .leftJoin("product_tier_prices as tp", (j) => j.onRef("tp.product_id", "=", "p.id").onRef("tp.tier", "=", "d.tier"))
    .select([
      "p.id",
      "p.sku",
      "p.name_en",
      "p.name_zh",
      "p.unit",
      "p.whole_units",
      "p.status",
      "p.made_to_order",
      "p.lead_time_days",
      "p.options_schema",
      "p.list_price_minor",
      "p.currency",
      sql<number>`COALESCE(tp.price_minor, p.list_price_minor)`.as("price_minor"),
      sql<string>`COALESCE((SELECT SUM(sl.on_hand - sl.reserved) FROM stock_levels sl INNER JOIN warehouses w ON w.id = sl.warehouse_id AND w.status = 'active' WHERE sl.product_id = p.id), 0)`.as(
        "available",
      ),
    ])
    .where(sql.ref("p.currency"), "=", sql.ref("d.currency"));
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>["executeTakeFirstOrThrow"]>>;

function toProduct(r: Row): OrderableProduct {
  return {
    id: r.id,
    sku: r.sku,
    nameEn: r.name_en,
    nameZh: r.name_zh,
    unit: r.unit,
    wholeUnits: Boolean(r.whole_units),
    status: r.status,
    madeToOrder: Boolean(r.made_to_order),
    leadTimeDays: r.lead_time_days,
    optionsSchema: r.made_to_order ? parseOptionsSchema(r.options_schema) : null,
    priceMinor: Number(r.price_minor),
    listPriceMinor: r.list_price_minor,
    currency: r.currency,
    available: Number(r.available),
  };
}

/** Active products matching a SKU prefix or a name (either language), SKU order. */
export async function searchOrderableProducts(db: Db, dealerId: number, q: string, opts: { limit?: number } = {}): Promise<OrderableProduct[]> {
  const term = q.trim();
  if (!term) return [];
  const like = likeContains(term);
  const rows = await baseQuery(db, dealerId)
    .where("p.status", "=", "active")
    .where((eb) => eb.or([eb("p.sku", "like", likePrefix(term)), eb("p.name_en", "like", like), eb("p.name_zh", "like", like), eb("p.sku", "like", like)]))
    .orderBy("p.sku")
    .limit(opts.limit ?? 20)
    .execute();
  return rows.map(toProduct);
}

/** Products by id, any status (the caller decides what a discontinued product means). */
export async function orderableProductsByIds(db: Db, dealerId: number, ids: readonly number[]): Promise<Map<number, OrderableProduct>> {
  const out = new Map<number, OrderableProduct>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await baseQuery(db, dealerId)
      .where("p.id", "in", unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, toProduct(r));
  }
  return out;
}

export function isOrderable(p: OrderableProduct | undefined): p is OrderableProduct {
  return !!p && p.status === "active";
}
