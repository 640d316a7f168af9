/**
 * Catalog factories: categories, product lines, warehouses, products with tier
 * prices, stock posted through applyMovement (levels = Σ movements).
 */
import { getDb } from "../../db/client";
import type { Tx } from "../../db/client";
import { systemActor } from "../../app/modules/auth/actor";
import { applyMovement } from "../../app/modules/stock/movements.server";
import { catalogChanged } from "../../app/modules/catalog/catalog.derived.server";
import { actorFor, createCast, uniq } from "./index";

export async function createCatalogBasics() {
  const db = getDb();
  await db
    .insertInto("product_lines")
    .values([
      { code: "AC", name_en: "Air conditioning", name_zh: "空调" },
      { code: "REF", name_en: "Refrigeration", name_zh: "冰箱冷柜" },
    ])
    .execute();
  await db
    .insertInto("categories")
    .values([
      { code: "split_ac", name_en: "Wall-mounted AC", name_zh: "壁挂式空调" },
      { code: "fridge", name_en: "Refrigerators", name_zh: "冰箱" },
    ])
    .execute();
  const wh = async (code: string, region: string, en: string, zh: string) =>
    Number((await db.insertInto("warehouses").values({ code, region, name_en: en, name_zh: zh }).executeTakeFirstOrThrow()).insertId);
  const warehouses = {
    east: await wh("WH-SH", "east", "Shanghai DC", "上海中心仓"),
    north: await wh("WH-BJ", "north", "Beijing DC", "北京中心仓"),
    south: await wh("WH-GZ", "south", "Guangzhou DC", "广州中心仓"),
  };
  return { warehouses };
}

export type ProductOver = Partial<{
  sku: string;
  nameEn: string;
  nameZh: string;
  category: string;
  line: string;
  listPrice: number;
  tiers: Record<string, number>;
  status: string;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  optionsSchema: string | null;
}>;

export async function createProduct(over: ProductOver = {}) {
  const db = getDb();
  const sku = over.sku ?? uniq("SKU-").toUpperCase();
  const res = await db
    .insertInto("products")
    .values({
      sku,
      name_en: over.nameEn ?? `Product ${sku}`,
      name_zh: over.nameZh ?? `产品 ${sku}`,
      category_code: over.category ?? "split_ac",
      product_line_code: over.line ?? "AC",
      unit: "pcs",
      list_price_minor: over.listPrice ?? 100_000,
      status: over.status ?? "active",
      made_to_order: over.madeToOrder ? 1 : 0,
      lead_time_days: over.leadTimeDays ?? null,
      options_schema: over.optionsSchema ?? null,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  const tiers = over.tiers ?? { platinum: 80_000, gold: 85_000, silver: 90_000 };
  const rows = Object.entries(tiers).map(([tier, price_minor]) => ({ product_id: id, tier, price_minor }));
  if (rows.length) await db.insertInto("product_tier_prices").values(rows).execute();
  await catalogChanged(db);
  return { id, sku };
}

/** Posts stock as a receipt movement (the way stock changes everywhere). */
export async function receive(productId: number, warehouseId: number, quantity: number) {
  await getDb()
    .transaction()
    .execute((tx) => applyMovement(tx as Tx, systemActor(0, "test"), { productId, warehouseId, kind: "receipt", onHandDelta: quantity, reason: "test stock" }));
}

export async function planIncoming(productId: number, warehouseId: number, quantity: number, eta: string) {
  await getDb().insertInto("incoming_stock").values({ product_id: productId, warehouse_id: warehouseId, quantity, eta, status: "planned" }).execute();
}

/** The setup of most stock tests: the cast, an order-desk (ops) actor, the catalog basics and one product. */
export async function createStockWorld(over: ProductOver = {}) {
  const cast = await createCast();
  const ops = actorFor(cast.staff.ops);
  const { warehouses } = await createCatalogBasics();
  const product = await createProduct(over);
  return { cast, ops, warehouses, product };
}
