import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast } from "../../../tests/factories";
import { recomputeDailyKpis, recomputeMonthlyFigures, recomputeOrderCounts, recomputeOrderKpis } from "~/modules/orders/invariants.server";
import { accountManagerDashboard, dealerDashboard, madeToOrderDueList, opsDashboard, stockAlertList, tzOffset } from "./reports.server";
import { forgetSnapshots } from "~/utils/snapshots.server";

const db = () => getDb();

async function product(sku: string, madeToOrder = 0) {
  await db().insertInto("categories").values({ code: "ac", name_en: "AC", name_zh: "空调" }).ignore().execute();
  await db().insertInto("product_lines").values({ code: "home", name_en: "Home", name_zh: "家用" }).ignore().execute();
  const r = await db()
    .insertInto("products")
    .values({ sku, name_en: sku, name_zh: sku, category_code: "ac", product_line_code: "home", list_price_minor: 1000, made_to_order: madeToOrder })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

async function order(
  dealerId: number,
  o: {
    status: string;
    submittedAt: string;
    promised?: string;
    requested?: string;
    lines: { productId: number; qty: number; promise?: string; mto?: number; backordered?: number }[];
  },
) {
  const total = o.lines.reduce((s, l) => s + l.qty * 1000, 0);
  const r = await db()
    .insertInto("orders")
    .values({
      number: `SO-T-${Math.random().toString(36).slice(2, 10)}`,
      dealer_id: dealerId,
      status: o.status,
      total_minor: total,
      line_count: o.lines.length,
      submitted_at: new Date(o.submittedAt),
      promised_date: o.promised ?? null,
      requested_date: o.requested ?? null,
    })
    .executeTakeFirstOrThrow();
  const orderId = Number(r.insertId);
  const lineIds: number[] = [];
  let no = 1;
  for (const l of o.lines) {
    const lr = await db()
      .insertInto("order_lines")
      .values({
        order_id: orderId,
        line_no: no++,
        product_id: l.productId,
        sku: "x",
        quantity: l.qty,
        unit_price_minor: 1000,
        line_total_minor: l.qty * 1000,
        promise_date: l.promise ?? null,
        made_to_order: l.mto ?? 0,
        backordered_qty: l.backordered ?? 0,
      })
      .executeTakeFirstOrThrow();
    lineIds.push(Number(lr.insertId));
  }
  return { orderId, lineIds };
}

async function ship(orderId: number, dealerId: number, on: string, lines: [number, number][]) {
  const wh =
    (await db().selectFrom("warehouses").select("id").executeTakeFirst())?.id ??
    Number((await db().insertInto("warehouses").values({ code: "W1", name_en: "W1", name_zh: "W1", region: "east" }).executeTakeFirstOrThrow()).insertId);
  const s = await db()
    .insertInto("shipments")
    .values({
      number: `SH-${Math.random().toString(36).slice(2, 10)}`,
      order_id: orderId,
      dealer_id: dealerId,
      warehouse_id: wh,
      shipped_on: on,
      value_minor: lines.reduce((a, [, q]) => a + q * 1000, 0),
    })
    .executeTakeFirstOrThrow();
  for (const [lineId, qty] of lines) {
    await db()
      .insertInto("shipment_lines")
      .values({ shipment_id: Number(s.insertId), order_line_id: lineId, quantity: qty })
      .execute();
    await db()
      .updateTable("order_lines")
      .set((eb) => ({ shipped_qty: eb("shipped_qty", "+", qty) }))
      .where("id", "=", lineId)
      .execute();
  }
}

afterEach(() => vi.useRealTimers());

describe("dealer KPIs on a hand-built data set", () => {
  it("fill rate, on-time delivery, days to ship and credits match their definitions", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-05T04:00:00Z"));
    const cast = await createCast();
    const A = cast.dealerA.id;
    const p1 = await product("P-1");
    const p2 = await product("P-2");
    // Submitted 00:30 on 1 Oct in Shanghai (still 30 Sep in UTC).
    const o1 = await order(A, {
      status: "shipped",
      submittedAt: "2026-09-30T16:30:00Z",
      promised: "2026-10-10",
      lines: [{ productId: p1, qty: 10, promise: "2026-10-20" }],
    });
    // The line's first promise was 10 Oct; it was later moved to 20 Oct.
    await db()
      .insertInto("order_date_changes")
      .values({ order_id: o1.orderId, order_line_id: o1.lineIds[0]!, old_date: "2026-10-10", new_date: "2026-10-20", reason: "supplier delay" })
      .execute();
    await ship(o1.orderId, A, "2026-10-08", [[o1.lineIds[0]!, 6]]);
    await ship(o1.orderId, A, "2026-10-15", [[o1.lineIds[0]!, 4]]);
    const o2 = await order(A, {
      status: "delivered",
      submittedAt: "2026-10-05T02:00:00Z",
      promised: "2026-10-12",
      lines: [{ productId: p2, qty: 5, promise: "2026-10-12" }],
    });
    await ship(o2.orderId, A, "2026-10-12", [[o2.lineIds[0]!, 5]]);
    // A draft and another dealer's order never count.
    await order(A, { status: "draft", submittedAt: "2026-10-06T02:00:00Z", lines: [{ productId: p2, qty: 99 }] });
    const ob = await order(cast.dealerB.id, {
      status: "shipped",
      submittedAt: "2026-10-06T02:00:00Z",
      promised: "2026-10-07",
      lines: [{ productId: p2, qty: 50, promise: "2026-10-07" }],
    });
    await ship(ob.orderId, cast.dealerB.id, "2026-10-30", [[ob.lineIds[0]!, 50]]);
    await db()
      .insertInto("ledger_entries")
      .values([
        { dealer_id: A, entry_type: "rebate", amount_minor: -100000, business_date: "2026-10-20", description: "Q3 rebate" },
        { dealer_id: A, entry_type: "credit_note", amount_minor: -50000, business_date: "2026-10-21", description: "damaged" },
        { dealer_id: A, entry_type: "rebate", amount_minor: -7, business_date: "2026-09-30", description: "outside the period" },
      ])
      .execute();

    // Rows written by hand, not by the domain: derive the orders' maintained figures from them.
    await recomputeOrderKpis(db());
    await recomputeMonthlyFigures(db());
    await recomputeOrderCounts(db());
    await recomputeDailyKpis(db());
    const d = await dealerDashboard(actorFor(cast.a.dealer_sales), { from: "2026-10-01", to: "2026-10-31" });
    expect(d.fill).toEqual({ orderedQty: 15, shippedOnPromiseQty: 11, rate: 11 / 15 });
    expect(d.onTime).toEqual({ orders: 2, onTime: 1, rate: 0.5 });
    expect(d.toShip).toEqual({ orders: 2, avgDays: 7 });
    expect(d.credits).toEqual({ rebatesMinor: 100000, creditNotesMinor: 50000 });
    expect(d.actions.deliveriesToConfirm).toBe(1);
    const oct = d.trend.find((t) => t.month === "2026-10")!;
    expect(oct).toEqual({ month: "2026-10", orderedMinor: 15000, shippedMinor: 15000 });
    expect(d.openOrders.find((s) => s.status === "shipped")?.count).toBe(1);
  });

  it("a dealer's dashboard never includes another dealer's data", async () => {
    const cast = await createCast();
    const p = await product("P-9");
    await order(cast.dealerB.id, { status: "submitted", submittedAt: new Date().toISOString(), lines: [{ productId: p, qty: 3 }] });
    await db()
      .insertInto("ledger_entries")
      .values({ dealer_id: cast.dealerB.id, entry_type: "rebate", amount_minor: -999, business_date: new Date().toISOString().slice(0, 10), description: "B" })
      .execute();
    const d = await dealerDashboard(actorFor(cast.a.dealer_admin), {});
    expect(d.openOrders.every((s) => s.count === 0)).toBe(true);
    expect(d.credits.rebatesMinor).toBe(0);
    expect(d.credit.balanceMinor).toBe(0);
  });
});

describe("account manager and ops figures", () => {
  it("counts only the account manager's own deals; win rate = won ÷ (won + lost)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-05T04:00:00Z"));
    const cast = await createCast();
    const am = cast.staff.account_manager;
    const ka = Number(
      (await db().insertInto("key_accounts").values({ name: "KA", name_normalized: "ka", owner_id: am.id }).executeTakeFirstOrThrow()).insertId,
    );
    const deal = (stage: string, value: number, amId = am.id, closed: string | null = null) =>
      db()
        .insertInto("deals")
        .values({
          dealer_id: cast.dealerA.id,
          key_account_id: ka,
          account_manager_id: amId,
          stage,
          estimated_value_minor: value,
          closed_at: closed ? new Date(closed) : null,
        })
        .execute();
    await deal("won", 500, am.id, "2026-10-10T00:00:00Z");
    await deal("won", 300, am.id, "2026-10-11T00:00:00Z");
    await deal("lost", 100, am.id, "2026-10-12T00:00:00Z");
    await deal("negotiating", 1000);
    await deal("conflict", 10);
    await deal("won", 9999, cast.am2.id, "2026-10-10T00:00:00Z");
    const d = await accountManagerDashboard(actorFor(am), { from: "2026-10-01", to: "2026-10-31" });
    expect(d.won).toEqual({ count: 2, valueMinor: 800 });
    expect(d.winRate).toBeCloseTo(2 / 3);
    expect(d.pipeline.find((s) => s.stage === "negotiating")).toEqual({ stage: "negotiating", count: 1, valueMinor: 1000 });
    expect(d.attention.conflicts).toBe(1);
    expect(d.ranking).toEqual([{ dealerId: cast.dealerA.id, code: cast.dealerA.code, name: "Dealer A", wonMinor: 800, won: 2 }]);
  });

  it("ops sees the review queue oldest first, backorders by product and low stock", async () => {
    const cast = await createCast();
    const p = await product("BO-1");
    await order(cast.dealerA.id, { status: "submitted", submittedAt: "2026-11-02T00:00:00Z", lines: [{ productId: p, qty: 1 }] });
    const older = await order(cast.dealerB.id, { status: "submitted", submittedAt: "2026-11-01T00:00:00Z", lines: [{ productId: p, qty: 1 }] });
    await order(cast.dealerA.id, { status: "approved", submittedAt: "2026-11-01T00:00:00Z", lines: [{ productId: p, qty: 8, backordered: 5 }] });
    const wh = Number(
      (await db().insertInto("warehouses").values({ code: "W9", name_en: "W9", name_zh: "W9", region: "east" }).executeTakeFirstOrThrow()).insertId,
    );
    await db().insertInto("stock_levels").values({ product_id: p, warehouse_id: wh, on_hand: 3, reserved: 1 }).execute();
    const d = await opsDashboard(actorFor(cast.staff.ops));
    expect(d.queue.total).toBe(2);
    expect(d.queue.rows[0]!.id).toBe(older.orderId);
    expect(d.backorders).toEqual([{ sku: "BO-1", nameEn: "BO-1", nameZh: "BO-1", quantity: 5, eta: null }]);
    expect(d.alerts.low).toEqual([{ sku: "BO-1", nameEn: "BO-1", nameZh: "BO-1", warehouse: "W9", available: 2 }]);
    await expect(opsDashboard(actorFor(cast.a.dealer_admin))).rejects.toMatchObject({ status: 403 });
  });

  it("ops figures equal the lists they link to: made-to-order lines due this week, low stock, late incoming", async () => {
    const cast = await createCast();
    const ops = actorFor(cast.staff.ops);
    const std = await product("ST-1");
    const mto = await product("MTO-1", 1);
    const before = await opsDashboard(ops);
    const { from, to } = before.week;
    // Two custom lines due this week (one partly shipped), one outside the week, one on a cancelled order.
    await order(cast.dealerA.id, {
      status: "approved",
      submittedAt: "2026-11-01T00:00:00Z",
      lines: [
        { productId: mto, qty: 4, promise: from, mto: 1 },
        { productId: mto, qty: 2, promise: to, mto: 1 },
      ],
    });
    await order(cast.dealerB.id, {
      status: "approved",
      submittedAt: "2026-11-01T00:00:00Z",
      lines: [{ productId: mto, qty: 9, promise: "2099-01-01", mto: 1 }],
    });
    await order(cast.dealerB.id, { status: "cancelled", submittedAt: "2026-11-01T00:00:00Z", lines: [{ productId: mto, qty: 9, promise: from, mto: 1 }] });
    const whA = Number(
      (await db().insertInto("warehouses").values({ code: "WA", name_en: "WA", name_zh: "WA", region: "east" }).executeTakeFirstOrThrow()).insertId,
    );
    const whB = Number(
      (await db().insertInto("warehouses").values({ code: "WB", name_en: "WB", name_zh: "WB", region: "north" }).executeTakeFirstOrThrow()).insertId,
    );
    await db()
      .insertInto("stock_levels")
      .values([
        { product_id: std, warehouse_id: whA, on_hand: 3, reserved: 0 },
        { product_id: std, warehouse_id: whB, on_hand: 50, reserved: 0 },
      ])
      .execute();
    await db()
      .insertInto("incoming_stock")
      .values([
        { product_id: std, warehouse_id: whA, quantity: 10, eta: "2020-01-01", source: "purchase", status: "planned" },
        { product_id: std, warehouse_id: whB, quantity: 5, eta: "2099-01-01", source: "purchase", status: "planned" },
      ])
      .execute();
    forgetSnapshots(); // hand-built rows write no journal (decision 076)
    const d = await opsDashboard(ops);
    const due = await madeToOrderDueList(ops, { from, to, page: 1 });
    expect(d.due.lines).toBe(2);
    expect(due.total).toBe(d.due.lines);
    expect(due.quantity).toBe(d.due.quantity);
    expect(due.rows.map((r) => r.quantity)).toEqual([4, 2]);
    const low = await stockAlertList(ops, { kind: "low", page: 1 });
    expect(low.total).toBe(d.alerts.lowCount);
    expect(low.rows.map((r) => [r.sku, r.warehouse, r.available])).toEqual([["ST-1", "WA", 3]]);
    const late = await stockAlertList(ops, { kind: "late", page: 1 });
    expect(late.total).toBe(d.alerts.lateCount);
    expect(late.late.map((r) => [r.sku, r.warehouse, r.quantity, r.eta])).toEqual([["ST-1", "WA", 10, "2020-01-01"]]);
    // Dealers cannot read them.
    await expect(stockAlertList(actorFor(cast.a.dealer_admin), { kind: "low", page: 1 })).rejects.toMatchObject({ status: 403 });
    await expect(madeToOrderDueList(actorFor(cast.a.dealer_admin), { page: 1 })).rejects.toMatchObject({ status: 403 });
  });

  it("computes the business time-zone offset", () => {
    expect(tzOffset("Asia/Shanghai", new Date("2026-07-01T00:00:00Z"))).toBe("+08:00");
    expect(tzOffset("UTC", new Date("2026-07-01T00:00:00Z"))).toBe("+00:00");
  });
});
