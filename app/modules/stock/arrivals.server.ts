/**
 * Stock that arrives (a receipt, a found count, a planned receipt received, a stock import) goes
 * first to approved orders waiting for it, in the arrival's transaction. Orders sit above stock
 * (they reserve it), so stock does not import them: the orders domain registers what it does on an
 * arrival here (orders.server.ts, allocateBackordersForProduct), and an arrival with nobody
 * registered fails loudly instead of leaving backorders unserved (docs/decisions/114).
 */
import type { Tx } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";

/** Reserves what arrived of a product for waiting orders; answers the units reserved. */
export type ArrivalHandler = (tx: Tx, actor: Actor, productId: number) => Promise<number>;

let handler: ArrivalHandler | null = null;

export function onStockArrival(h: ArrivalHandler): void {
  handler = h;
}

/** Stock of a product arrived: hands it to waiting orders in the same transaction; answers the units reserved. */
export async function stockArrived(tx: Tx, actor: Actor, productId: number): Promise<number> {
  if (!handler) throw new Error("No stock arrival handler: import ~/modules/orders/orders.server before receiving stock");
  return handler(tx, actor, productId);
}
