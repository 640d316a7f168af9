import { describe, expect, it } from "vitest";
import { getDb, type Tx } from "../../../db/client";
import { actorFor, createCast } from "../../../tests/factories";
import { createCatalogBasics, createProduct, createStockWorld } from "../../../tests/factories/catalog";
import { runImport } from "~/modules/catalog/import.server";
import { ForbiddenError } from "~/utils/errors";
import { applyMovement, findStockInvariantViolations, InsufficientStockError, reserveUpTo } from "./movements.server";
import { adjustStock, cancelIncoming, planIncoming, postReceipt, receiveIncoming } from "./stock.server";

async function level(productId: number, warehouseId: number) {
  return getDb()
    .selectFrom("stock_levels")
    .select(["on_hand", "reserved"])
    .where("product_id", "=", productId)
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirst();
}

describe("stock operations", () => {
  it("a receipt or adjustment past the on-hand column's range is a localized validation error and changes nothing (F5)", async () => {
    const { ops, warehouses, product } = await createStockWorld();
    await postReceipt(ops, product.id, { warehouseId: warehouses.east, quantity: 999_999_999, reason: "PO 1" });
    await postReceipt(ops, product.id, { warehouseId: warehouses.east, quantity: 999_999_999, reason: "PO 2" });
    const before = await level(product.id, warehouses.east);
    await expect(postReceipt(ops, product.id, { warehouseId: warehouses.east, quantity: 999_999_999, reason: "PO 3" })).rejects.toMatchObject({
      status: 400,
      messageKey: "stock.onHandTooLarge",
      params: { max: 147_483_649 },
      fieldErrors: { quantity: ["stock.onHandTooLarge"] },
    });
    await expect(adjustStock(ops, product.id, { warehouseId: warehouses.east, delta: 200_000_000, reason: "count" })).rejects.toMatchObject({
      status: 400,
      messageKey: "stock.onHandTooLarge",
      fieldErrors: { delta: ["stock.onHandTooLarge"] },
    });
    // Taking away more than is on hand (1,999,999,998 here): a 409 about the typed change, shown next to it.
    await expect(adjustStock(ops, product.id, { warehouseId: warehouses.east, delta: -2_000_000_000, reason: "count" })).rejects.toMatchObject({
      status: 409,
      messageKey: "stock.insufficient",
      fieldErrors: { delta: ["stock.insufficient"] },
    });
    expect(await level(product.id, warehouses.east)).toEqual(before);
    expect(await findStockInvariantViolations(getDb())).toEqual({ mismatched: [], orphans: [] });
  });

  it("levels equal the sum of their movements after a mix of operations", async () => {
    const { cast, ops, warehouses, product: p1 } = await createStockWorld();
    const p2 = await createProduct();
    await postReceipt(ops, p1.id, { warehouseId: warehouses.east, quantity: 50, reason: "PO 1" });
    await adjustStock(ops, p1.id, { warehouseId: warehouses.east, delta: -7, reason: "damaged" });
    await postReceipt(ops, p2.id, { warehouseId: warehouses.north, quantity: 10, reason: "PO 2" });
    const { id: incomingId } = await planIncoming(ops, p2.id, {
      warehouseId: warehouses.north,
      quantity: 30,
      eta: "2030-01-15",
      source: "production",
      reference: "MO-1",
    });
    await receiveIncoming(ops, p2.id, incomingId);
    const { id: cancelled } = await planIncoming(ops, p2.id, {
      warehouseId: warehouses.south,
      quantity: 5,
      eta: "2030-02-01",
      source: "purchase",
      reference: null,
    });
    await cancelIncoming(ops, p2.id, cancelled);
    // An order reserving, releasing and shipping (as the orders area will).
    await getDb()
      .transaction()
      .execute(async (tx) => {
        expect(await reserveUpTo(tx as Tx, ops, { productId: p1.id, warehouseId: warehouses.east, wanted: 100, refType: "order", refId: "SO-1" })).toBe(43);
        await applyMovement(tx as Tx, ops, {
          productId: p1.id,
          warehouseId: warehouses.east,
          kind: "release",
          reservedDelta: -3,
          refType: "order",
          refId: "SO-1",
        });
        await applyMovement(tx as Tx, ops, {
          productId: p1.id,
          warehouseId: warehouses.east,
          kind: "shipment",
          onHandDelta: -40,
          reservedDelta: -40,
          refType: "order",
          refId: "SO-1",
        });
      });
    // A counted stock import of both.
    const csv = `sku,warehouse,on_hand\r\n${p1.sku},WH-SH,12\r\n${p2.sku},WH-BJ,35\r\n${p2.sku},WH-GZ,4\r\n`;
    await runImport(actorFor(cast.staff.admin), { kind: "stock", mode: "all_or_nothing", filename: "count.csv", bytes: new TextEncoder().encode(csv) });

    expect(await level(p1.id, warehouses.east)).toEqual({ on_hand: 12, reserved: 0 });
    expect(await level(p2.id, warehouses.north)).toEqual({ on_hand: 35, reserved: 0 });
    expect(await level(p2.id, warehouses.south)).toEqual({ on_hand: 4, reserved: 0 });
    const v = await findStockInvariantViolations(getDb());
    expect(v.mismatched).toEqual([]);
    expect(v.orphans).toEqual([]);
    const kinds = await getDb().selectFrom("stock_movements").select("kind").where("product_id", "=", p1.id).orderBy("id").execute();
    expect(kinds.map((k) => k.kind)).toEqual(["receipt", "adjustment", "reservation", "release", "shipment", "import"]);
    const incoming = await getDb().selectFrom("incoming_stock").select(["id", "status"]).orderBy("id").execute();
    expect(incoming.map((i) => i.status)).toEqual(["received", "cancelled"]);
    // Every change was audited.
    const audits = await getDb().selectFrom("audit_log").select("action").where("entity_type", "in", ["product", "incoming_stock", "import_job"]).execute();
    expect(audits.map((a) => a.action).sort()).toEqual(
      [
        "import.stock",
        "incoming.cancelled",
        "incoming.planned",
        "incoming.planned",
        "incoming.received",
        "stock.adjusted",
        "stock.received",
        "stock.received",
      ].sort(),
    );
  });

  it("20 concurrent +1 adjustments on one level never lose an update", async () => {
    const { ops, warehouses, product: p } = await createStockWorld();
    await postReceipt(ops, p.id, { warehouseId: warehouses.east, quantity: 5, reason: "opening" });
    await Promise.all(Array.from({ length: 20 }, (_, i) => adjustStock(ops, p.id, { warehouseId: warehouses.east, delta: 1, reason: `count ${i}` })));
    expect(await level(p.id, warehouses.east)).toEqual({ on_hand: 25, reserved: 0 });
    const n = await getDb()
      .selectFrom("stock_movements")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("product_id", "=", p.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(21);
    expect((await findStockInvariantViolations(getDb())).mismatched).toEqual([]);
  });

  it("concurrent first movements on a missing level create it once", async () => {
    const { ops, warehouses, product: p } = await createStockWorld();
    await Promise.all(Array.from({ length: 10 }, () => postReceipt(ops, p.id, { warehouseId: warehouses.south, quantity: 2, reason: "r" })));
    expect(await level(p.id, warehouses.south)).toEqual({ on_hand: 20, reserved: 0 });
  });

  it("an adjustment below what is reserved is refused (409) and changes nothing", async () => {
    const { ops, warehouses, product: p } = await createStockWorld();
    await postReceipt(ops, p.id, { warehouseId: warehouses.east, quantity: 10, reason: "opening" });
    await getDb()
      .transaction()
      .execute((tx) => reserveUpTo(tx as Tx, ops, { productId: p.id, warehouseId: warehouses.east, wanted: 6, refType: "order", refId: "SO-2" }));
    await expect(adjustStock(ops, p.id, { warehouseId: warehouses.east, delta: -5, reason: "lost" })).rejects.toBeInstanceOf(InsufficientStockError);
    expect(await level(p.id, warehouses.east)).toEqual({ on_hand: 10, reserved: 6 });
    const audits = await getDb().selectFrom("audit_log").select("action").where("action", "=", "stock.adjusted").execute();
    expect(audits).toEqual([]);
    await adjustStock(ops, p.id, { warehouseId: warehouses.east, delta: -4, reason: "lost" });
    expect(await level(p.id, warehouses.east)).toEqual({ on_hand: 6, reserved: 6 });
  });

  it("only ops and admin may change stock", async () => {
    const cast = await createCast();
    const { warehouses } = await createCatalogBasics();
    const p = await createProduct();
    for (const role of ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "finance"] as const) {
      const actor = actorFor(cast.byRole[role]);
      await expect(postReceipt(actor, p.id, { warehouseId: warehouses.east, quantity: 1, reason: "x" })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adjustStock(actor, p.id, { warehouseId: warehouses.east, delta: 1, reason: "x" })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        planIncoming(actor, p.id, { warehouseId: warehouses.east, quantity: 1, eta: "2030-01-01", source: "purchase", reference: null }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await postReceipt(actorFor(cast.staff.admin), p.id, { warehouseId: warehouses.east, quantity: 1, reason: "x" });
    expect(await level(p.id, warehouses.east)).toEqual({ on_hand: 1, reserved: 0 });
  });

  it("a received or cancelled incoming cannot be received again (409)", async () => {
    const { ops, warehouses, product: p } = await createStockWorld();
    const { id } = await planIncoming(ops, p.id, { warehouseId: warehouses.east, quantity: 8, eta: "2030-01-01", source: "purchase", reference: null });
    await receiveIncoming(ops, p.id, id);
    await expect(receiveIncoming(ops, p.id, id)).rejects.toMatchObject({ status: 409 });
    await expect(cancelIncoming(ops, p.id, id)).rejects.toMatchObject({ status: 409 });
    expect(await level(p.id, warehouses.east)).toEqual({ on_hand: 8, reserved: 0 });
  });
});
