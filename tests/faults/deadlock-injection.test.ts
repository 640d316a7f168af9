/**
 * Deadlocks and lock-wait timeouts injected at random (seeded) into every unit of
 * work just before it commits: whole-transaction retries must keep every
 * invariant, and what a user retries after a "try again" happens exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { runChecks } from "../../db/check";
import { rng } from "../../db/seed/random";
import { actorFor } from "../factories";
import { orderRow, orderWorld, submitNew, today } from "../factories/orders";
import { approveOrder, recordShipment } from "../../app/modules/orders/orders.server";
import { setFaultHook } from "../../app/utils/tx.server";
import { UnavailableError } from "../../app/utils/errors";

afterEach(() => setFaultHook(undefined));

/** Retries like a user pressing the button again after "try again" (503). */
async function asUser<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UnavailableError && i < 20) continue;
      throw err;
    }
  }
}

describe("seeded deadlock and lock-wait injection", () => {
  it("keeps every invariant across concurrent submits, approvals and shipments; nothing lost, nothing doubled", async () => {
    const w = await orderWorld();
    const random = rng(20261123);
    let injected = 0;
    setFaultHook(() => {
      if (random.next() < 0.35) {
        injected++;
        const errno = random.chance(0.5) ? 1213 : 1205;
        throw Object.assign(new Error(errno === 1213 ? "Deadlock found (injected)" : "Lock wait timeout exceeded (injected)"), {
          errno,
          code: errno === 1213 ? "ER_LOCK_DEADLOCK" : "ER_LOCK_WAIT_TIMEOUT",
        });
      }
    });
    // 12 orders submitted concurrently by two users of dealer A, each with its own submit key (and each sent twice).
    const keys = Array.from({ length: 12 }, (_, i) => `fault-key-${i}`);
    const users = [w.a.dealer_sales, w.a.dealer_admin];
    const submitted = await Promise.all(
      keys.flatMap((k, i) => [0, 1].map(() => asUser(() => submitNew(users[i % 2]!, w.addrA.id, [{ productId: w.widget.id, quantity: 3 }], k)))),
    );
    const ids = [...new Set(submitted.map((s) => s.id))];
    expect(ids).toHaveLength(12); // one order per key, however often it was sent
    // Ops approves all of them concurrently, then ships each whole.
    const ops = actorFor(w.staff.ops);
    await Promise.all(ids.map((id) => asUser(async () => approveOrder(ops, id, { version: (await orderRow(id)).version }))));
    for (const id of ids) {
      const lines = await getDb().selectFrom("order_lines").select(["id", "quantity"]).where("order_id", "=", id).execute();
      await asUser(async () =>
        recordShipment(ops, id, {
          version: (await orderRow(id)).version,
          warehouseId: w.east.id,
          carrier: "SF",
          trackingNumber: `SF${id}`,
          shippedOn: today(),
          lines: lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
        }),
      );
    }
    setFaultHook(undefined);
    expect(injected).toBeGreaterThan(10);
    const orders = await getDb().selectFrom("orders").select(["status"]).where("id", "in", ids).execute();
    expect(orders.every((o) => o.status === "shipped")).toBe(true);
    // Exactly one invoice per shipment, exactly one shipment per order.
    const shipments = await getDb().selectFrom("shipments").select("id").where("order_id", "in", ids).execute();
    expect(shipments).toHaveLength(12);
    const invoices = await getDb().selectFrom("ledger_entries").select("id").where("entry_type", "=", "invoice").where("order_id", "in", ids).execute();
    expect(invoices).toHaveLength(12);
    // Stock: 12 × 3 units left the warehouses, and every invariant of DESIGN.md holds.
    const moved = await getDb()
      .selectFrom("stock_movements")
      .select((eb) => eb.fn.sum<string>("on_hand_delta").as("d"))
      .where("kind", "=", "shipment")
      .executeTakeFirst();
    expect(Number(moved?.d)).toBe(-36);
    const checks = await runChecks(getDb());
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  }, 180_000);
});
