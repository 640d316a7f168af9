import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { getDb } from "../client";
import type { Tx } from "../client";
import { runChecks } from "../check";
import { seedFoundation } from "./foundation";
import { seedOrders } from "./orders";
import { systemActor } from "../../app/modules/auth/actor";
import { applyMovement } from "../../app/modules/stock/movements.server";
import { catalogChanged } from "../../app/modules/catalog/catalog.derived.server";
import { CUSTOM_SCHEMA } from "../../tests/factories/ordering";

/** A small catalog like the catalog step's: stock and made-to-order products in three warehouses. */
async function miniCatalog(tx: Tx, mfr: number) {
  await sql`INSERT INTO categories (code, name_en, name_zh) VALUES ('ac', 'Air conditioning', '空调')`.execute(tx);
  await sql`INSERT INTO product_lines (code, name_en, name_zh) VALUES ('pro', 'Pro', '专业')`.execute(tx);
  const whs: number[] = [];
  for (const [code, region] of [
    ["SH", "east"],
    ["BJ", "north"],
    ["GZ", "south"],
  ] as const) {
    const r = await tx.insertInto("warehouses").values({ code, name_en: code, name_zh: code, region }).executeTakeFirstOrThrow();
    whs.push(Number(r.insertId));
  }
  const actor = systemActor(mfr, "seed");
  for (let i = 0; i < 20; i++) {
    const custom = i % 5 === 4;
    const r = await tx
      .insertInto("products")
      .values({
        sku: `HC-${String(i).padStart(3, "0")}`,
        name_en: `Unit ${i}`,
        name_zh: `机组 ${i}`,
        category_code: "ac",
        product_line_code: "pro",
        list_price_minor: 1_000_00 + i * 137_00,
        made_to_order: custom ? 1 : 0,
        lead_time_days: custom ? 15 : null,
        options_schema: custom ? JSON.stringify(CUSTOM_SCHEMA) : null,
      })
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    for (const tier of ["platinum", "gold", "silver"])
      await tx
        .insertInto("product_tier_prices")
        .values({ product_id: id, tier, price_minor: 900_00 + i * 120_00 })
        .execute();
    if (!custom)
      for (const [k, wh] of whs.entries())
        if ((i + k) % 3 !== 0) await applyMovement(tx, actor, { productId: id, warehouseId: wh, kind: "receipt", onHandDelta: 10 + ((i * 7 + k) % 30) });
  }
  await catalogChanged(tx);
}

describe("orders seed step", () => {
  it("seeds orders in every status through the domain, keeping stock and ledger invariants", async () => {
    const databaseNow = async () => (await sql<{ t: Date }>`SELECT NOW(3) AS t`.execute(getDb())).rows[0]!.t;
    const started = await databaseNow();
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const ids = await seedFoundation(tx, "x");
        await miniCatalog(tx, ids.manufacturerId);
        await seedOrders(tx, ids);
      });
    const finished = await databaseNow();
    const db = getDb();
    // Every order event took the moment of its step, none the time of seeding.
    const events = await db.selectFrom("domain_events").select("occurred_at").where("entity_type", "=", "order").execute();
    expect(events.length).toBeGreaterThan(20);
    expect(events.filter((e) => e.occurred_at >= started && e.occurred_at <= finished)).toEqual([]);
    const statuses = (await db.selectFrom("orders").select("status").distinct().execute()).map((r) => r.status).sort();
    expect(statuses).toEqual(["approved", "cancelled", "credit_hold", "delivered", "draft", "partially_shipped", "rejected", "shipped", "submitted"]);
    const d001 = (await db.selectFrom("organisations").select("id").where("code", "=", "D001").executeTakeFirstOrThrow()).id;
    const d001Statuses = (await db.selectFrom("orders").select("status").distinct().where("dealer_id", "=", d001).execute()).length;
    expect(d001Statuses).toBe(9);
    const dealersWithOrders = await db.selectFrom("orders").select("dealer_id").distinct().execute();
    expect(dealersWithOrders.length).toBeGreaterThanOrEqual(6);
    const invoices = await db.selectFrom("ledger_entries").select(["business_date", "source_type"]).where("entry_type", "=", "invoice").execute();
    expect(invoices.length).toBeGreaterThan(10);
    expect(invoices.every((e) => e.source_type === "shipment")).toBe(true);
    const dates = invoices.map((e) => e.business_date).sort();
    const spanDays = (Date.parse(dates.at(-1)!) - Date.parse(dates[0]!)) / 86_400_000;
    expect(spanDays).toBeGreaterThan(45);
    expect(await db.selectFrom("order_lines").select("id").where("backordered_qty", ">", 0).execute()).not.toHaveLength(0);
    expect(await db.selectFrom("order_lines").select("id").where("made_to_order", "=", 1).execute()).not.toHaveLength(0);
    expect((await runChecks(db)).filter((c) => !c.ok)).toEqual([]);
  }, 300_000);

  it("does nothing without products or warehouses", async () => {
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const ids = await seedFoundation(tx, "x");
        await seedOrders(tx, ids);
      });
    expect(await getDb().selectFrom("orders").select("id").execute()).toHaveLength(0);
  });
});
