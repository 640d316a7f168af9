/**
 * Catalog and stock factories for order tests: products (with tier prices and
 * custom-option schemas), warehouses, stock through applyMovement (so levels
 * always equal their movements), incoming stock, delivery addresses.
 */
import { sql } from "kysely";
import { getDb } from "../../db/client";
import { systemActor } from "../../app/modules/auth/actor";
import { applyMovement } from "../../app/modules/stock/movements.server";
import { catalogChanged } from "../../app/modules/catalog/catalog.derived.server";
import type { OptionsSchema } from "../../app/modules/catalog/options.server";
import { createManufacturer, uniq } from "./index";

async function ensureTaxonomy() {
  const db = getDb();
  await sql`INSERT IGNORE INTO categories (code, name_en, name_zh) VALUES ('hvac', 'HVAC', '暖通空调')`.execute(db);
  await sql`INSERT IGNORE INTO product_lines (code, name_en, name_zh) VALUES ('pro', 'Professional', '专业系列')`.execute(db);
}

export type ProductOver = Partial<{
  sku: string;
  nameEn: string;
  nameZh: string;
  listPrice: number;
  tierPrices: Partial<Record<"platinum" | "gold" | "silver", number>>;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  optionsSchema: OptionsSchema | null;
  status: string;
  unit: string;
  currency: string;
}>;

export async function createProduct(over: ProductOver = {}) {
  await ensureTaxonomy();
  const db = getDb();
  const sku = over.sku ?? uniq("SKU-").toUpperCase();
  const r = await db
    .insertInto("products")
    .values({
      sku,
      name_en: over.nameEn ?? `Product ${sku}`,
      name_zh: over.nameZh ?? `产品 ${sku}`,
      category_code: "hvac",
      product_line_code: "pro",
      unit: over.unit ?? "pcs",
      list_price_minor: over.listPrice ?? 100_00,
      currency: over.currency ?? "CNY",
      status: over.status ?? "active",
      made_to_order: over.madeToOrder ? 1 : 0,
      lead_time_days: over.leadTimeDays ?? (over.madeToOrder ? 10 : null),
      options_schema: over.optionsSchema ? JSON.stringify(over.optionsSchema) : null,
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  for (const [tier, price] of Object.entries(over.tierPrices ?? {})) {
    await db.insertInto("product_tier_prices").values({ product_id: id, tier, price_minor: price }).execute();
  }
  await catalogChanged(db);
  return { id, sku };
}

/** A typical made-to-order schema: a colour choice, a width in mm, an engraving text. */
export const CUSTOM_SCHEMA: OptionsSchema = {
  options: [
    {
      key: "color",
      type: "choice",
      label: { en: "Colour", zh: "颜色" },
      required: true,
      choices: [
        { value: "white", label: { en: "White", zh: "白色" } },
        { value: "grey", label: { en: "Grey", zh: "灰色" } },
      ],
    },
    { key: "width", type: "number", label: { en: "Width", zh: "宽度" }, required: true, min: 600, max: 2400, step: 100, unit: "mm" },
    { key: "engraving", type: "text", label: { en: "Engraving", zh: "刻字" }, required: false, maxLength: 20 },
  ],
  quantityMultiple: 1,
  minQuantity: 1,
};

export async function createCustomProduct(over: ProductOver = {}) {
  return createProduct({ madeToOrder: true, leadTimeDays: 10, optionsSchema: CUSTOM_SCHEMA, ...over });
}

export async function createWarehouse(over: Partial<{ code: string; region: string; status: string }> = {}) {
  const code = over.code ?? uniq("WH").toUpperCase().slice(0, 30);
  const r = await getDb()
    .insertInto("warehouses")
    .values({ code, name_en: `Warehouse ${code}`, name_zh: `仓库 ${code}`, region: over.region ?? "east", status: over.status ?? "active" })
    .executeTakeFirstOrThrow();
  return { id: Number(r.insertId), code };
}

/** Receives stock through the movement primitive. */
export async function addStock(productId: number, warehouseId: number, quantity: number) {
  const org = await createManufacturer();
  await getDb()
    .transaction()
    .execute((tx) => applyMovement(tx, systemActor(org, "test"), { productId, warehouseId, kind: "receipt", onHandDelta: quantity, reason: "test receipt" }));
}

export async function addIncoming(productId: number, warehouseId: number, quantity: number, eta: string, status = "planned") {
  await getDb().insertInto("incoming_stock").values({ product_id: productId, warehouse_id: warehouseId, quantity, eta, status }).execute();
}

export async function stockLevel(productId: number, warehouseId: number) {
  const r = await getDb()
    .selectFrom("stock_levels")
    .select(["on_hand", "reserved"])
    .where("product_id", "=", productId)
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirst();
  return r ?? { on_hand: 0, reserved: 0 };
}

export async function createAddress(dealerId: number, over: Partial<{ label: string; isDefault: boolean }> = {}) {
  const r = await getDb()
    .insertInto("dealer_addresses")
    .values({
      dealer_id: dealerId,
      label: over.label ?? "Main warehouse",
      recipient: "Zhang Wei",
      phone: "021-5555-0101",
      province: "Shanghai",
      city: "Shanghai",
      line1: "88 Century Avenue",
      postcode: "200120",
      is_default: over.isDefault === false ? 0 : 1,
    })
    .executeTakeFirstOrThrow();
  return { id: Number(r.insertId) };
}
