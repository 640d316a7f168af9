/**
 * The dashboards read maintained figures (orders.ordered_qty, on_promise_qty,
 * first/last_shipped_on, shipped_value_minor; stock_levels.alert_eligible). They
 * are kept by the domain's own writes, in their transactions; here real flows run
 * through the domain functions and the stored figures are compared with their
 * recomputation from lines, shipments, date changes and products.
 */
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { getDb } from "../../../db/client";
import { actorFor, uniq } from "../../../tests/factories";
import { addStock, createProduct } from "../../../tests/factories/ordering";
import { inDays, orderIn, orderRow, orderWorld, submitNew, today } from "../../../tests/factories/orders";
import { creditPosition } from "~/modules/ledger/credit.server";
import { findDailyKpiMismatches, findMonthlyFigureMismatches, findOrderCountMismatches, findOrderKpiMismatches } from "~/modules/orders/invariants.server";
import { approveOrder, changePromiseDate, recordShipment, saveDraftFromForm } from "~/modules/orders/orders.server";
import { findAlertFlagMismatches } from "~/modules/stock/stock.derived.server";
import { draftForm } from "../../../tests/factories/orders";
import { dealerDashboard, opsDashboard } from "./reports.server";
import { tzOffset } from "~/utils/time";
import { forgetSnapshots } from "~/utils/snapshots.server";

const db = () => getDb();

describe("maintained order figures", () => {
  it("equal their recomputation through drafts, submission, promise changes and split shipments", async () => {
    const w = await orderWorld();
    const sales = actorFor(w.a.dealer_sales);
    const ops = actorFor(w.staff.ops);
    // A draft edited twice keeps Σ line quantities.
    const d = await saveDraftFromForm(sales, { orderId: null, form: draftForm({ addressId: w.addrA.id, lines: [{ productId: w.widget.id, quantity: 4 }] }) });
    await saveDraftFromForm(sales, {
      orderId: d.id,
      form: draftForm({ addressId: w.addrA.id, lines: [{ productId: w.widget.id, quantity: 7 }], version: d.version }),
    });
    expect((await orderRow(d.id)).ordered_qty).toBe(7);

    const o = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 10 }]);
    await approveOrder(ops, o.id, { version: (await orderRow(o.id)).version });
    const line = await db().selectFrom("order_lines").select(["id", "promise_date"]).where("order_id", "=", o.id).executeTakeFirstOrThrow();
    const first = line.promise_date ?? (await orderRow(o.id)).promised_date ?? inDays(14);
    // Shipped today (on or before the first promise): counts.
    await recordShipment(ops, o.id, {
      version: (await orderRow(o.id)).version,
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: uniq("SF"),
      shippedOn: today(),
      lines: [{ lineId: line.id, quantity: 6 }],
    });
    // The promise moves earlier than today; the first promise still decides.
    await changePromiseDate(ops, o.id, { version: (await orderRow(o.id)).version, lineId: line.id, newDate: inDays(1), reason: "earlier" });
    await recordShipment(ops, o.id, {
      version: (await orderRow(o.id)).version,
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: uniq("SF"),
      shippedOn: today(),
      lines: [{ lineId: line.id, quantity: 4 }],
    });
    const row = await db()
      .selectFrom("orders")
      .select(["ordered_qty", "on_promise_qty", "first_shipped_on", "last_shipped_on", "shipped_value_minor", "total_minor", "status"])
      .where("id", "=", o.id)
      .executeTakeFirstOrThrow();
    expect(first >= today()).toBe(true);
    expect(row).toMatchObject({
      ordered_qty: 10,
      on_promise_qty: 10,
      first_shipped_on: today(),
      last_shipped_on: today(),
      shipped_value_minor: row.total_minor,
      status: "shipped",
    });

    for (const s of ["partially_shipped", "delivered", "cancelled", "draft", "rejected", "credit_hold"] as const) await orderIn(w, s);
    expect(await findOrderKpiMismatches(db())).toEqual([]);
    // The monthly ordered and shipped value (the trend) too: sent back, rejected and cancelled orders left it.
    expect(await findMonthlyFigureMismatches(db())).toEqual([]);
    const month = today().slice(0, 7);
    const trend = (await dealerDashboard(sales, {})).trend.find((m) => m.month === month)!;
    const counted = await db()
      .selectFrom("orders")
      .select(["total_minor"])
      .where("dealer_id", "=", w.dealerA.id)
      .where("status", "not in", ["draft", "cancelled", "rejected"])
      .execute();
    expect(trend.orderedMinor).toBe(counted.reduce((a, o) => a + o.total_minor, 0));
    const shipments = await db().selectFrom("shipments").select("value_minor").where("dealer_id", "=", w.dealerA.id).execute();
    expect(trend.shippedMinor).toBe(shipments.reduce((a, x) => a + x.value_minor, 0));
    await db().updateTable("dealer_monthly_figures").set({ shipped_minor: 1 }).where("dealer_id", "=", w.dealerA.id).execute();
    expect((await findMonthlyFigureMismatches(db())).map((r) => Number(r.dealer_id))).toEqual([w.dealerA.id]);

    // The daily KPI sums behind fill rate, on-time delivery and days to ship: the dashboard's figures equal
    // the definitions computed straight from the orders (the queries the dashboard ran before).
    expect(await findDailyKpiMismatches(db())).toEqual([]);
    expect(await findOrderCountMismatches(db())).toEqual([]);
    const dash = await dealerDashboard(sales, {});
    const { from, to } = dash.period;
    const off = tzOffset("Asia/Shanghai", new Date());
    const direct = (
      await sql<{ ordered: string | null; on_promise: string | null; done: number; on_time: string | null; shipped: number; avg_days: string | null }>`
        SELECT
          (SELECT SUM(o.ordered_qty) FROM orders o WHERE o.dealer_id = ${w.dealerA.id} AND DATE(CONVERT_TZ(o.submitted_at, '+00:00', ${off})) BETWEEN ${from} AND ${to} AND o.status NOT IN ('draft', 'cancelled', 'rejected', 'credit_hold')) AS ordered,
          (SELECT SUM(o.on_promise_qty) FROM orders o WHERE o.dealer_id = ${w.dealerA.id} AND DATE(CONVERT_TZ(o.submitted_at, '+00:00', ${off})) BETWEEN ${from} AND ${to} AND o.status NOT IN ('draft', 'cancelled', 'rejected', 'credit_hold')) AS on_promise,
          (SELECT COUNT(*) FROM orders o WHERE o.dealer_id = ${w.dealerA.id} AND o.last_shipped_on BETWEEN ${from} AND ${to} AND o.status IN ('shipped', 'delivered')) AS done,
          (SELECT SUM(o.last_shipped_on <= COALESCE(o.promised_date, o.requested_date)) FROM orders o WHERE o.dealer_id = ${w.dealerA.id} AND o.last_shipped_on BETWEEN ${from} AND ${to} AND o.status IN ('shipped', 'delivered')) AS on_time,
          (SELECT COUNT(*) FROM orders o WHERE o.dealer_id = ${w.dealerA.id} AND o.first_shipped_on BETWEEN ${from} AND ${to} AND o.submitted_at IS NOT NULL) AS shipped,
          (SELECT AVG(DATEDIFF(o.first_shipped_on, DATE(CONVERT_TZ(o.submitted_at, '+00:00', ${off})))) FROM orders o WHERE o.dealer_id = ${w.dealerA.id} AND o.first_shipped_on BETWEEN ${from} AND ${to} AND o.submitted_at IS NOT NULL) AS avg_days`.execute(
        db(),
      )
    ).rows[0]!;
    expect(dash.fill).toMatchObject({ orderedQty: Number(direct.ordered ?? 0), shippedOnPromiseQty: Number(direct.on_promise ?? 0) });
    expect(dash.onTime).toMatchObject({ orders: Number(direct.done), onTime: Number(direct.on_time ?? 0) });
    expect(dash.toShip).toEqual({ orders: Number(direct.shipped), avgDays: direct.avg_days === null ? null : Math.round(Number(direct.avg_days) * 10) / 10 });
    expect(dash.fill.orderedQty).toBeGreaterThan(0);
    expect(dash.onTime.orders).toBeGreaterThan(0);
    // A drifted day is named by the check.
    await db().updateTable("dealer_daily_kpis").set({ completed: 99 }).where("dealer_id", "=", w.dealerA.id).execute();
    expect((await findDailyKpiMismatches(db())).map((r) => Number(r.dealer_id))).toContain(w.dealerA.id);
    await db().updateTable("dealer_order_counts").set({ n: 99 }).where("dealer_id", "=", w.dealerA.id).execute();
    expect((await findOrderCountMismatches(db())).map((r) => Number(r.dealer_id))).toContain(w.dealerA.id);
  });

  it("a late shipment is not on promise, and the check names an order whose figures drift", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const o = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 3 }]);
    await approveOrder(ops, o.id, { version: (await orderRow(o.id)).version });
    const line = await db().selectFrom("order_lines").select("id").where("order_id", "=", o.id).executeTakeFirstOrThrow();
    // The first promise is in the past: yesterday's promise, shipped today.
    await db()
      .updateTable("order_lines")
      .set({ promise_date: inDays(-1) })
      .where("id", "=", line.id)
      .execute();
    await recordShipment(ops, o.id, {
      version: (await orderRow(o.id)).version,
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: uniq("SF"),
      shippedOn: today(),
      lines: [{ lineId: line.id, quantity: 3 }],
    });
    expect((await orderRow(o.id)).on_promise_qty).toBe(0);
    expect(await findOrderKpiMismatches(db(), [o.id])).toEqual([]);
    await db().updateTable("orders").set({ on_promise_qty: 3 }).where("id", "=", o.id).execute();
    expect((await findOrderKpiMismatches(db(), [o.id])).map((r) => Number(r.order_id))).toEqual([o.id]);
  });

  it("available credit from the maintained shipped value equals total − Σ shipments over open orders", async () => {
    const w = await orderWorld();
    const a = await orderIn(w, "partially_shipped");
    await orderIn(w, "approved");
    const open = await db()
      .selectFrom("orders")
      .select(["id", "total_minor"])
      .where("dealer_id", "=", w.dealerA.id)
      .where("status", "in", ["submitted", "approved", "partially_shipped"])
      .execute();
    const shipped = await db()
      .selectFrom("shipments")
      .select(["order_id", "value_minor"])
      .where(
        "order_id",
        "in",
        open.map((o) => o.id),
      )
      .execute();
    const want = open.reduce((s, o) => s + o.total_minor, 0) - shipped.reduce((s, x) => s + x.value_minor, 0);
    expect(shipped.some((x) => x.order_id === a.id)).toBe(true);
    expect((await creditPosition(db(), w.dealerA.id)).openOrdersMinor).toBe(want);
    const dash = await dealerDashboard(actorFor(w.a.dealer_admin), {});
    expect(dash.credit.openOrdersMinor).toBe(want);
  });
});

describe("low-stock alert flag", () => {
  it("follows the product's status and made-to-order flag, and only eligible levels are alerts", async () => {
    const w = await orderWorld();
    const low = await createProduct({ listPrice: 10_00 });
    await addStock(low.id, w.north.id, 3);
    const ops = actorFor(w.staff.ops);
    const before = (await opsDashboard(ops)).alerts;
    expect(before.low.map((r) => r.sku)).toContain(low.sku);
    await db().updateTable("products").set({ status: "discontinued" }).where("id", "=", low.id).execute();
    // A write outside the domain leaves the flag stale: the check finds it.
    expect((await findAlertFlagMismatches(db())).length).toBeGreaterThan(0);
    const { syncAlertEligible } = await import("~/modules/stock/movements.server");
    await syncAlertEligible(db(), [low.id]);
    expect(await findAlertFlagMismatches(db())).toEqual([]);
    // Written outside the domain functions: no journal row tells the dashboard snapshot (decision 076).
    forgetSnapshots();
    const after = (await opsDashboard(ops)).alerts;
    expect(after.low.some((r) => r.sku === low.sku)).toBe(false);
    expect(after.lowCount).toBe(before.lowCount - 1);
  });
});
