/**
 * The finance figures on a small hand-built data set with known answers, and the
 * staff dashboards' figures against the lists they link to.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast } from "../../../tests/factories";
import { orderIn, orderWorld } from "../../../tests/factories/orders";
import { reviewQueue } from "~/modules/orders/orders.views.server";
import { listStatements } from "~/modules/statements/statements.server";
import { StatementListQuery } from "~/modules/statements/statements.schema.server";
import { financeDashboard, opsDashboard } from "./reports.server";

const db = () => getDb();
afterEach(() => vi.useRealTimers());

async function statement(dealerId: number, period: string, status: string, confirmBy: string) {
  await db()
    .insertInto("statements")
    .values({
      dealer_id: dealerId,
      period,
      period_start: `${period}-01`,
      period_end: `${period}-28`,
      opening_minor: 0,
      closing_minor: 0,
      status,
      issued_at: new Date(`${period}-28T00:00:00Z`),
      confirm_by: confirmBy,
    })
    .execute();
}

describe("finance dashboard", () => {
  it("confirmation rate of last month, overdue confirmations and credit utilisation match their definitions", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T04:00:00Z"));
    const cast = await createCast();
    const [A, B] = [cast.dealerA.id, cast.dealerB.id];
    // October (last month): A confirmed, B issued and overdue; September: B issued, also overdue.
    await statement(A, "2026-10", "confirmed", "2026-11-10");
    await statement(B, "2026-10", "issued", "2026-11-10");
    await statement(B, "2026-09", "issued", "2026-10-10");
    await statement(A, "2026-09", "resolved", "2026-10-10");
    // Utilisation: A owes 300 of a 1,000 limit (30 %), B owes 900 of 1,000 (90 %).
    await db().updateTable("organisations").set({ credit_limit_minor: 1000_00 }).where("id", "in", [A, B]).execute();
    await db()
      .insertInto("dealer_balances")
      .values([
        { dealer_id: A, balance_minor: 300_00 },
        { dealer_id: B, balance_minor: 900_00 },
      ])
      .onDuplicateKeyUpdate({ balance_minor: sql`VALUES(balance_minor)` })
      .execute();

    const d = await financeDashboard(actorFor(cast.staff.finance));
    expect(d.confirmation).toEqual({ period: "2026-10", issued: 2, confirmed: 1, rate: 0.5, overdue: 2 });
    const mine = d.utilisation.filter((u) => u.dealerId === A || u.dealerId === B);
    expect(mine.map((u) => [u.dealerId, u.usedMinor, u.ratio])).toEqual([
      [B, 900_00, 0.9],
      [A, 300_00, 0.3],
    ]);
    // The overdue figure links to /statements?status=overdue: the same count.
    const overdue = await listStatements(actorFor(cast.staff.finance), StatementListQuery.parse({ status: "overdue" }));
    expect(overdue.total).toBe(d.confirmation.overdue);
    await expect(financeDashboard(actorFor(cast.a.dealer_finance))).rejects.toMatchObject({ status: 403 });
  });

  it("open orders count toward utilisation: balance + (order total − shipped) over open orders", async () => {
    const w = await orderWorld();
    await orderIn(w, "approved");
    await orderIn(w, "partially_shipped");
    const d = await financeDashboard(actorFor(w.staff.finance));
    const a = d.utilisation.find((u) => u.dealerId === w.dealerA.id)!;
    const open = await db()
      .selectFrom("orders")
      .select(["id", "total_minor"])
      .where("dealer_id", "=", w.dealerA.id)
      .where("status", "in", ["submitted", "approved", "partially_shipped"])
      .execute();
    const shipped = await db()
      .selectFrom("shipments")
      .select("value_minor")
      .where(
        "order_id",
        "in",
        open.map((o) => o.id),
      )
      .execute();
    const balance = Number(
      (await db().selectFrom("dealer_balances").select("balance_minor").where("dealer_id", "=", w.dealerA.id).executeTakeFirst())?.balance_minor ?? 0,
    );
    expect(a.usedMinor).toBe(balance + open.reduce((s, o) => s + o.total_minor, 0) - shipped.reduce((s, x) => s + x.value_minor, 0));
  });
});

describe("order desk dashboard", () => {
  it("the review queue figure equals the queue's total", async () => {
    const w = await orderWorld();
    for (const s of ["submitted", "submitted", "approved", "credit_hold"] as const) await orderIn(w, s);
    const ops = actorFor(w.staff.ops);
    const d = await opsDashboard(ops);
    expect(d.queue.total).toBe(2);
    expect((await reviewQueue(ops, { status: "submitted", page: 1 })).total).toBe(d.queue.total);
  });
});
