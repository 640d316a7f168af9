/**
 * Stock for orders: reserving an approved order's stock lines across
 * warehouses (the dealer's region first, then the others), backordering the
 * remainder with the ETA of the next incoming stock, releasing reservations,
 * and turning reservations into shipment movements. Everything runs in the
 * caller's transaction and goes through the movement primitives, so levels
 * always equal the sum of their movements and availability never goes negative.
 */
import { sql, type Kysely } from "kysely";
import type { Executor, Tx } from "../../../db/client";
import type { DB } from "../../../db/types";
import type { Actor } from "~/modules/auth/actor";
import type { IsoDate } from "~/utils/time";
import { applyMovement, reserveUpTo } from "./movements.server";

type Db = Executor | Kysely<DB>;

/** Incoming stock that has not arrived yet. */
const CLOSED_INCOMING = ["received", "cancelled"];

/** The earliest ETA (on or after `from`) of stock still to arrive for a product, or null. */
async function nextIncomingEta(db: Db, productId: number, from: IsoDate): Promise<IsoDate | null> {
  const row = await db
    .selectFrom("incoming_stock")
    .select(sql<string | null>`MIN(eta)`.as("eta"))
    .where("product_id", "=", productId)
    .where("status", "not in", CLOSED_INCOMING)
    .where("eta", ">=", from)
    .executeTakeFirst();
  return row?.eta ? String(row.eta).slice(0, 10) : null;
}

/** Warehouses holding free stock of a product, the dealer's region first, then by code. */
async function warehousesWithStock(tx: Tx, productId: number, region: string) {
  return tx
    .selectFrom("stock_levels as sl")
    .innerJoin("warehouses as w", "w.id", "sl.warehouse_id")
    .select(["w.id", "w.region", "w.code"])
    .where("sl.product_id", "=", productId)
    .where("w.status", "=", "active")
    .where(sql<boolean>`sl.on_hand - sl.reserved > 0`)
    .orderBy(sql`CASE WHEN w.region = ${region} THEN 0 ELSE 1 END`)
    .orderBy("w.code")
    .execute();
}

async function addReservation(tx: Tx, orderLineId: number, warehouseId: number, qty: number) {
  await sql`INSERT INTO order_line_reservations (order_line_id, warehouse_id, quantity) VALUES (${orderLineId}, ${warehouseId}, ${qty})
            ON DUPLICATE KEY UPDATE quantity = quantity + VALUES(quantity), updated_at = CURRENT_TIMESTAMP(3)`.execute(tx);
}

export type LineToReserve = { orderLineId: number; productId: number; wanted: number };
export type LineReservation = { orderLineId: number; reserved: number; backordered: number; eta: IsoDate | null };

/**
 * Reserves up to `wanted` of each line, warehouse by warehouse (one
 * conditional update per SKU/warehouse via reserveUpTo), and reports what
 * is left to backorder with its ETA. Lines are taken in product order so
 * concurrent approvals lock stock rows in the same order.
 */
export async function reserveOrderLines(
  tx: Tx,
  actor: Actor,
  p: { orderRef: string; dealerRegion: string; today: IsoDate; lines: readonly LineToReserve[] },
): Promise<LineReservation[]> {
  const out: LineReservation[] = [];
  const sorted = [...p.lines].sort((a, b) => a.productId - b.productId || a.orderLineId - b.orderLineId);
  for (const line of sorted) {
    let left = line.wanted;
    if (left > 0) {
      for (const w of await warehousesWithStock(tx, line.productId, p.dealerRegion)) {
        const got = await reserveUpTo(tx, actor, { productId: line.productId, warehouseId: w.id, wanted: left, refType: "order", refId: p.orderRef });
        if (got > 0) {
          await addReservation(tx, line.orderLineId, w.id, got);
          left -= got;
        }
        if (left === 0) break;
      }
    }
    const reserved = line.wanted - left;
    out.push({ orderLineId: line.orderLineId, reserved, backordered: left, eta: left > 0 ? await nextIncomingEta(tx, line.productId, p.today) : null });
  }
  return out;
}

/**
 * Releases up to `quantity` (all when omitted) of a line's reservations and
 * returns how many units were released.
 */
export async function releaseLineReservations(
  tx: Tx,
  actor: Actor,
  p: { orderLineId: number; productId: number; orderRef: string; quantity?: number; reason?: string },
): Promise<number> {
  const rows = await tx
    .selectFrom("order_line_reservations")
    .select(["id", "warehouse_id", "quantity"])
    .where("order_line_id", "=", p.orderLineId)
    .where("quantity", ">", 0)
    .orderBy("warehouse_id")
    .forUpdate()
    .execute();
  let left = p.quantity ?? rows.reduce((s, r) => s + r.quantity, 0);
  let released = 0;
  for (const r of rows) {
    if (left <= 0) break;
    const q = Math.min(left, r.quantity);
    await applyMovement(tx, actor, {
      productId: p.productId,
      warehouseId: r.warehouse_id,
      kind: "release",
      reservedDelta: -q,
      reason: p.reason ?? null,
      refType: "order",
      refId: p.orderRef,
    });
    await tx
      .updateTable("order_line_reservations")
      .set((eb) => ({ quantity: eb("quantity", "-", q), updated_at: new Date() }))
      .where("id", "=", r.id)
      .execute();
    left -= q;
    released += q;
  }
  return released;
}

/**
 * Ships `quantity` of a line from one warehouse: first from the line's
 * reservation there (on hand −q, reserved −q), the rest directly from free
 * on-hand stock (on hand −q). Throws InsufficientStockError (409) when the
 * warehouse does not have it. Returns how much came from the reservation.
 */
export async function shipOrderLine(
  tx: Tx,
  actor: Actor,
  p: { orderLineId: number; productId: number; warehouseId: number; quantity: number; shipmentRef: string },
): Promise<{ fromReservation: number; direct: number }> {
  const res = await tx
    .selectFrom("order_line_reservations")
    .select(["id", "quantity"])
    .where("order_line_id", "=", p.orderLineId)
    .where("warehouse_id", "=", p.warehouseId)
    .forUpdate()
    .executeTakeFirst();
  const fromReservation = Math.min(p.quantity, res?.quantity ?? 0);
  const direct = p.quantity - fromReservation;
  if (fromReservation > 0) {
    await applyMovement(tx, actor, {
      productId: p.productId,
      warehouseId: p.warehouseId,
      kind: "shipment",
      onHandDelta: -fromReservation,
      reservedDelta: -fromReservation,
      refType: "shipment",
      refId: p.shipmentRef,
    });
    await tx
      .updateTable("order_line_reservations")
      .set((eb) => ({ quantity: eb("quantity", "-", fromReservation), updated_at: new Date() }))
      .where("id", "=", res!.id)
      .execute();
  }
  if (direct > 0) {
    await applyMovement(tx, actor, {
      productId: p.productId,
      warehouseId: p.warehouseId,
      kind: "shipment",
      onHandDelta: -direct,
      refType: "shipment",
      refId: p.shipmentRef,
    });
  }
  return { fromReservation, direct };
}

/** Active warehouses, for shipment forms. */
export async function activeWarehouses(db: Db) {
  return db.selectFrom("warehouses").select(["id", "code", "name_en", "name_zh", "region"]).where("status", "=", "active").orderBy("code").execute();
}
