/**
 * product_availability (decisions 079, 111): in how many warehouses each product has
 * stock available now, kept by keepAvailability() in every writer's transaction.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb, type Tx } from "../../../db/client";
import { runChecks } from "../../../db/check";
import { actorFor, createCast } from "../../../tests/factories";
import { createCatalogBasics, createProduct, createStockWorld } from "../../../tests/factories/catalog";
import { runImport } from "~/modules/catalog/import.server";
import { applyMovement, reserveUpTo } from "./movements.server";
import { findAvailabilitySummaryMismatches, recomputeAvailability } from "./stock.derived.server";
import { adjustStock, postReceipt } from "./stock.server";

async function summary(productId: number): Promise<number | null> {
  const r = await getDb().selectFrom("product_availability").select("stocked_warehouses").where("product_id", "=", productId).executeTakeFirst();
  return r ? r.stocked_warehouses : null;
}

describe("the availability summary", () => {
  it("follows every write path: receipts, reservations, releases, shipments, adjustments, the import, hand SQL", async () => {
    const { cast, ops, warehouses, product: p } = await createStockWorld();
    const db = getDb();
    expect(await summary(p.id)).toBeNull();
    await postReceipt(ops, p.id, { warehouseId: warehouses.east, quantity: 5, reason: "PO 1" });
    expect(await summary(p.id)).toBe(1);
    await postReceipt(ops, p.id, { warehouseId: warehouses.north, quantity: 2, reason: "PO 2" });
    await postReceipt(ops, p.id, { warehouseId: warehouses.north, quantity: 3, reason: "PO 3" }); // no crossing: still 2
    expect(await summary(p.id)).toBe(2);
    await db.transaction().execute(async (tx) => {
      // Everything in the east reserved: nothing available there any more.
      expect(await reserveUpTo(tx as Tx, ops, { productId: p.id, warehouseId: warehouses.east, wanted: 9, refType: "order", refId: "SO-1" })).toBe(5);
    });
    expect(await summary(p.id)).toBe(1);
    await db.transaction().execute(async (tx) => {
      await applyMovement(tx as Tx, ops, {
        productId: p.id,
        warehouseId: warehouses.east,
        kind: "release",
        reservedDelta: -1,
        refType: "order",
        refId: "SO-1",
      });
    });
    expect(await summary(p.id)).toBe(2);
    await db.transaction().execute(async (tx) => {
      await applyMovement(tx as Tx, ops, {
        productId: p.id,
        warehouseId: warehouses.east,
        kind: "shipment",
        onHandDelta: -4,
        reservedDelta: -4,
        refType: "shipment",
        refId: "SH-1",
      });
    });
    expect(await summary(p.id)).toBe(2); // 1 on hand, 0 reserved in the east
    await adjustStock(ops, p.id, { warehouseId: warehouses.north, delta: -5, reason: "count" });
    expect(await summary(p.id)).toBe(1);
    // A rolled-back crossing leaves nothing behind.
    await expect(
      db.transaction().execute(async (tx) => {
        await applyMovement(tx as Tx, ops, { productId: p.id, warehouseId: warehouses.south, kind: "receipt", onHandDelta: 3 });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await summary(p.id)).toBe(1);
    // The stock import sets counted levels.
    const csv = `sku,warehouse,on_hand\r\n${p.sku},WH-SH,0\r\n${p.sku},WH-GZ,4\r\n${p.sku},WH-BJ,7\r\n`;
    await runImport(actorFor(cast.staff.admin), { kind: "stock", mode: "all_or_nothing", filename: "count.csv", bytes: new TextEncoder().encode(csv) });
    expect(await summary(p.id)).toBe(2);
    expect(await findAvailabilitySummaryMismatches(db)).toEqual([]);
    // Hand-written SQL keeps nothing (no triggers): db:check sees the drift, and the recomputation repairs it.
    await sql`UPDATE stock_levels SET on_hand = 0 WHERE product_id = ${p.id}`.execute(db);
    expect(await summary(p.id)).toBe(2);
    expect(await findAvailabilitySummaryMismatches(db)).toEqual([{ product_id: p.id, summary: 2, counted: 0 }]);
    await recomputeAvailability(db, [p.id]);
    expect(await summary(p.id)).toBe(0);
    expect(await findAvailabilitySummaryMismatches(db)).toEqual([]);
  });

  it("stays exact under concurrent reservations and releases of one product in several warehouses", async () => {
    const { ops, warehouses, product: p } = await createStockWorld();
    const ws = [warehouses.east, warehouses.north, warehouses.south];
    for (const w of ws) await postReceipt(ops, p.id, { warehouseId: w, quantity: 1, reason: "PO" });
    const db = getDb();
    const { transaction } = await import("~/utils/tx.server");
    // Each worker takes a warehouse's only unit and gives it back, over and over: every step crosses zero.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (async () => {
          for (let k = 0; k < 8; k++) {
            await transaction("test.cross", async (tx) => {
              const got = await reserveUpTo(tx, ops, {
                productId: p.id,
                warehouseId: ws[(i + k) % ws.length]!,
                wanted: 1,
                refType: "order",
                refId: `SO-${i}-${k}`,
              });
              if (got)
                await applyMovement(tx, ops, {
                  productId: p.id,
                  warehouseId: ws[(i + k) % ws.length]!,
                  kind: "release",
                  reservedDelta: -1,
                  refType: "order",
                  refId: `SO-${i}-${k}`,
                });
            });
          }
        })(),
      ),
    );
    expect(await summary(p.id)).toBe(3);
    expect(await findAvailabilitySummaryMismatches(db)).toEqual([]);
  });

  it("is checked by db:check, which names a product whose summary drifted", async () => {
    const cast = await createCast();
    const { warehouses } = await createCatalogBasics();
    const p = await createProduct();
    await postReceipt(actorFor(cast.staff.ops), p.id, { warehouseId: warehouses.east, quantity: 5, reason: "PO" });
    const db = getDb();
    const name = "product availability: each product's count of warehouses with stock available equals counting its levels";
    expect((await runChecks(db)).find((c) => c.name === name)).toMatchObject({ ok: true });
    await sql`UPDATE product_availability SET stocked_warehouses = 4 WHERE product_id = ${p.id}`.execute(db);
    expect((await runChecks(db)).find((c) => c.name === name)).toMatchObject({ ok: false, offending: [{ product_id: p.id, summary: 4, counted: 1 }] });
    await sql`DELETE FROM product_availability WHERE product_id = ${p.id}`.execute(db);
    expect((await runChecks(db)).find((c) => c.name === name)).toMatchObject({ ok: false, offending: [{ product_id: p.id, summary: null, counted: 1 }] });
  });
});
