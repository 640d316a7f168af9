/**
 * The orders CSV is read in keyset batches (each batch starts after the last
 * row's sort key, never at an OFFSET): with a batch of 2, every sort still
 * yields exactly the list's rows in the list's order, ties and NULLs included.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { orderIn, orderWorld } from "../../../tests/factories/orders";
import { exportOrders, listOrders } from "./orders.views.server";
import { SORTS } from "./orders.schema";
import { OrderListQuery } from "./orders.schema.server";

async function exported(gen: AsyncGenerator<unknown[][]>) {
  const rows: unknown[][] = [];
  let batches = 0;
  for await (const b of gen) {
    batches++;
    rows.push(...b);
  }
  return { rows, batches };
}

describe("orders CSV export", () => {
  it("batches by sort key: the same rows in the same order as the list, for every sort", async () => {
    const w = await orderWorld();
    const ids: number[] = [];
    for (const s of ["submitted", "approved", "draft", "submitted", "cancelled", "approved", "submitted"] as const) ids.push((await orderIn(w, s)).id);
    const db = getDb();
    // Ties on every sort column, and a missing requested date, so the id tiebreak and NULLs are exercised.
    await db
      .updateTable("orders")
      .set({ created_at: new Date("2026-10-01T00:00:00Z"), total_minor: 500_00 })
      .where("id", "in", ids.slice(0, 4))
      .execute();
    await db.updateTable("orders").set({ requested_date: null }).where("id", "in", [ids[1]!, ids[5]!]).execute();
    const staff = actorFor(w.staff.ops);
    for (const sort of SORTS) {
      const filter = OrderListQuery.parse({ sort });
      const list = await listOrders(staff, filter);
      expect(list.total).toBe(ids.length);
      const { rows, batches } = await exported(exportOrders(staff, filter, 2));
      expect(batches, sort).toBe(4);
      expect(
        rows.map((r) => r[0]),
        sort,
      ).toEqual(list.rows.map((r) => r.number ?? ""));
      expect(
        rows.map((r) => r[1]),
        sort,
      ).toEqual(list.rows.map((r) => r.status));
    }
  });

  it("exports only the caller's own dealer's orders", async () => {
    const w = await orderWorld();
    await orderIn(w, "submitted");
    const { rows } = await exported(exportOrders(actorFor(w.b.dealer_admin), OrderListQuery.parse({}), 2));
    expect(rows).toEqual([]);
  });
});
