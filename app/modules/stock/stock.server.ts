/**
 * Stock operations of the order desk (ops, admin): receipts, adjustments,
 * planned incoming receipts. Every level change goes through applyMovement in
 * the same transaction as its audit entry.
 */
import { db } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { ConflictError, DomainError, NotFoundError, ValidationError } from "~/utils/errors";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { stockArrived } from "./arrivals.server";
import { applyMovement, InsufficientStockError } from "./movements.server";
import type { AdjustInput, IncomingInput, ReceiptInput } from "./stock.schema.server";

async function assertTargets(productId: number, warehouseId: number) {
  const [p, w] = await Promise.all([
    db.selectFrom("products").select("id").where("id", "=", productId).executeTakeFirst(),
    db.selectFrom("warehouses").select("id").where("id", "=", warehouseId).where("status", "=", "active").executeTakeFirst(),
  ]);
  if (!p) throw new NotFoundError();
  if (!w) throw new ValidationError("validation.formErrors", { warehouseId: ["validation.choice"] });
}

/** Goods received into a warehouse (on hand +quantity). */
export async function postReceipt(actor: Actor, productId: number, input: ReceiptInput) {
  requirePermission(actor, "stock:adjust");
  await assertTargets(productId, input.warehouseId);
  await transaction("stock.receipt", async (tx) => {
    await applyMovement(tx, actor, { productId, warehouseId: input.warehouseId, kind: "receipt", onHandDelta: input.quantity, reason: input.reason });
    await audit(tx, actor, {
      action: "stock.received",
      entityType: "product",
      entityId: productId,
      summary: { warehouseId: input.warehouseId, quantity: input.quantity, reason: input.reason },
    });
    // What arrives goes first to approved orders waiting for it (oldest approval first), in the same transaction.
    await stockArrived(tx, actor, productId);
  }).catch(onQuantityField("quantity"));
}

/** A movement refused for its size (more than is free, more than a level holds) is about the typed quantity: shown next to it. */
function onQuantityField(field: string) {
  return (err: unknown): never => {
    if (err instanceof InsufficientStockError || (err instanceof DomainError && err.messageKey === "stock.onHandTooLarge")) throw err.onField(field);
    throw err;
  };
}

/** A counted correction (+ or −) with a reason; never takes available below zero (409). */
export async function adjustStock(actor: Actor, productId: number, input: AdjustInput) {
  requirePermission(actor, "stock:adjust");
  await assertTargets(productId, input.warehouseId);
  await transaction("stock.adjust", async (tx) => {
    await applyMovement(tx, actor, { productId, warehouseId: input.warehouseId, kind: "adjustment", onHandDelta: input.delta, reason: input.reason });
    await audit(tx, actor, {
      action: "stock.adjusted",
      entityType: "product",
      entityId: productId,
      summary: { warehouseId: input.warehouseId, delta: input.delta, reason: input.reason },
    });
    // Found stock (a count above the books) goes to orders waiting for it, as a receipt does.
    if (input.delta > 0) await stockArrived(tx, actor, productId);
  }).catch(onQuantityField("delta"));
}

/** Plans an incoming quantity (purchase, production or transfer) with its ETA. */
export async function planIncoming(actor: Actor, productId: number, input: IncomingInput) {
  requirePermission(actor, "stock:adjust");
  await assertTargets(productId, input.warehouseId);
  return transaction("stock.incoming.plan", async (tx) => {
    const res = await tx
      .insertInto("incoming_stock")
      .values({
        product_id: productId,
        warehouse_id: input.warehouseId,
        quantity: input.quantity,
        eta: input.eta,
        source: input.source,
        reference: input.reference,
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await audit(tx, actor, { action: "incoming.planned", entityType: "incoming_stock", entityId: id, summary: { productId, ...input } });
    return { id };
  });
}

/** A planned receipt arrives: it is closed and its quantity received, in one transaction. */
export async function receiveIncoming(actor: Actor, productId: number, incomingId: number) {
  requirePermission(actor, "stock:adjust");
  await transaction("stock.incoming.receive", async (tx) => {
    const row = await tx
      .selectFrom("incoming_stock")
      .selectAll()
      .where("id", "=", incomingId)
      .where("product_id", "=", productId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError();
    if (row.status !== "planned") throw new ConflictError("stock.incomingClosed");
    await tx.updateTable("incoming_stock").set({ status: "received", updated_at: now() }).where("id", "=", incomingId).execute();
    await applyMovement(tx, actor, {
      productId,
      warehouseId: row.warehouse_id,
      kind: "receipt",
      onHandDelta: row.quantity,
      reason: row.reference ?? `incoming #${incomingId}`,
      refType: "incoming_stock",
      refId: incomingId,
    });
    await audit(tx, actor, { action: "incoming.received", entityType: "incoming_stock", entityId: incomingId, summary: { productId, quantity: row.quantity } });
    await stockArrived(tx, actor, productId);
  });
}

export async function cancelIncoming(actor: Actor, productId: number, incomingId: number) {
  requirePermission(actor, "stock:adjust");
  await transaction("stock.incoming.cancel", async (tx) => {
    const row = await tx
      .selectFrom("incoming_stock")
      .select(["status"])
      .where("id", "=", incomingId)
      .where("product_id", "=", productId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError();
    if (row.status !== "planned") throw new ConflictError("stock.incomingClosed");
    await tx.updateTable("incoming_stock").set({ status: "cancelled", updated_at: now() }).where("id", "=", incomingId).execute();
    await audit(tx, actor, { action: "incoming.cancelled", entityType: "incoming_stock", entityId: incomingId, summary: { productId } });
  });
}

/** The stock-level file format (import and export round trip): sku, warehouse, on_hand; reserved and available are informational. */

/** Every level in the import format, in keyset batches (product, warehouse). */
export async function* stockLevelCsvBatches() {
  let after: { sku: string; code: string } | null = null;
  const size = 1000;
  for (;;) {
    let q = db
      .selectFrom("stock_levels as l")
      .innerJoin("products as p", "p.id", "l.product_id")
      .innerJoin("warehouses as w", "w.id", "l.warehouse_id")
      .select(["p.sku", "w.code", "l.on_hand", "l.reserved"])
      .orderBy("p.sku")
      .orderBy("w.code")
      .limit(size);
    if (after) {
      const a = after;
      q = q.where((eb) => eb.or([eb("p.sku", ">", a.sku), eb.and([eb("p.sku", "=", a.sku), eb("w.code", ">", a.code)])]));
    }
    const rows = await q.execute();
    if (!rows.length) return;
    yield rows.map((r) => [r.sku, r.code, r.on_hand, r.reserved, Math.max(0, r.on_hand - r.reserved)]);
    const last = rows[rows.length - 1]!;
    after = { sku: last.sku, code: last.code };
    if (rows.length < size) return;
  }
}

export function exportStockLevels(actor: Actor) {
  requirePermission(actor, "stock:import");
  return stockLevelCsvBatches();
}
