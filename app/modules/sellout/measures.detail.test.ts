/**
 * Decision 145: the margin per category (the dealer's page: dealer, its account manager, finance, the administrator)
 * and the account manager's "unexplained stock movement" cross-check (never the dealer's), on the real database with
 * the clock set.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { createProduct } from "../../../tests/factories/catalog";
import { reportLine, selloutWorld, type SelloutWorld } from "../../../tests/factories/sellout";
import { openServiceCase } from "../../../tests/factories/service";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { forgetSnapshots } from "~/utils/snapshots.server";
import { NotFoundError } from "~/utils/errors";
import { allocate } from "./measures";
import { dealerMeasures } from "./measures.server";
import { stockMovementCheck } from "./measures.detail.server";
import { periodsEnding } from "./measures.queries.server";
import { restateAfterShipment } from "./sellout.derived.server";
import { keepPurchaseDays } from "../orders/orders.derived.server";

// Friday 4 December 2026, 10:00 in Shanghai: November has ended (the last period), December has not.
clockForEachTest("2026-12-04T02:00:00Z");
const db = () => getDb();

/** We ship dealer A `qty` of a product on a date at a price, as the shipment command records it (decision 144). */
async function ship(w: SelloutWorld, product: { id: number; sku: string }, on: string, qty: number, price: number) {
  const wh = await db().selectFrom("warehouses").select("id").orderBy("code").executeTakeFirstOrThrow();
  const order = Number((await db().insertInto("orders").values({ dealer_id: w.dealerA.id, status: "shipped" }).executeTakeFirstOrThrow()).insertId);
  const line = Number(
    (
      await db()
        .insertInto("order_lines")
        .values({
          order_id: order,
          line_no: 1,
          product_id: product.id,
          sku: product.sku,
          quantity: qty,
          unit_price_minor: price,
          line_total_minor: qty * price,
        })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  const shipment = Number(
    (
      await db()
        .insertInto("shipments")
        .values({ dealer_id: w.dealerA.id, order_id: order, number: `SH-D-${order}`, shipped_on: on, warehouse_id: wh.id })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  await db().insertInto("shipment_lines").values({ shipment_id: shipment, order_line_id: line, quantity: qty }).execute();
  await keepPurchaseDays(db(), { dealer_id: w.dealerA.id, service_case_id: null }, on, [{ productId: product.id, quantity: qty, unitPriceMinor: price }]);
  await restateAfterShipment(db(), w.dealerA.id, on);
  return { order, line };
}

async function ledger(dealerId: number, type: string, amount: number, date: string, sourceType: string | null = null) {
  const r = await db()
    .insertInto("ledger_entries")
    .values({ dealer_id: dealerId, entry_type: type, amount_minor: amount, business_date: date, currency: "CNY", source_type: sourceType })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

/** Dealer A returns `qty` of what an order line shipped, credited on `date` (an RMA received, as rma.server.ts posts it). */
async function returned(w: SelloutWorld, product: { id: number }, from: { order: number; line: number }, qty: number, price: number, date: string) {
  const c = await openServiceCase(w.a.dealer_sales);
  const credit = await ledger(w.dealerA.id, "credit_note", -qty * price, date, "rma");
  const rma = Number(
    (
      await db()
        .insertInto("service_rmas")
        .values({
          case_id: c.id,
          created_by: w.staff.admin.id,
          currency: "CNY",
          dealer_id: w.dealerA.id,
          order_id: from.order,
          total_minor: qty * price,
          status: "received",
          credit_entry_id: credit,
        })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  await db()
    .insertInto("service_rma_lines")
    .values({ rma_id: rma, order_line_id: from.line, product_id: product.id, quantity: qty, unit_price_minor: price, amount_minor: qty * price })
    .execute();
}

/**
 * October (dealer A's first report): AC-100 10 sold for ¥15,000, 20 on hand; FR-300 2 for ¥4,000, 5 on hand.
 * November: AC-100 20 for ¥30,000, 10 on hand; AC-200 none sold, 30 on hand (a new stock row); AC-300 1 for ¥1,500,
 * 9 on hand; FR-300 5 for ¥10,000, 2 on hand; FR-400 1 for ¥2,000, no stock reported.
 * We shipped AC-100: 30 on 5 October, 15 on 10 November (¥840 each); dealer A returned 1 of them, credited on
 * 20 November. A ¥1,000 rebate in November. AC-300, FR-300 and FR-400 were never bought: gold tier price ¥850.
 */
async function world() {
  const w = await selloutWorld();
  const ac300 = await createProduct({ sku: "AC-300" });
  await createProduct({ sku: "FR-400", category: "fridge", line: "REF" });
  await reportLine(w, "2026-10", { sku: "AC-100", unitsSold: 10, revenue: 1_500_000, unitsOnHand: 20 });
  await reportLine(w, "2026-10", { sku: "FR-300", unitsSold: 2, revenue: 400_000, unitsOnHand: 5 });
  await reportLine(w, "2026-11", { sku: "AC-100", unitsSold: 20, revenue: 3_000_000, unitsOnHand: 10 });
  await reportLine(w, "2026-11", { sku: "AC-200", unitsSold: 0, revenue: 0, unitsOnHand: 30 });
  await reportLine(w, "2026-11", { sku: "AC-300", unitsSold: 1, revenue: 150_000, unitsOnHand: 9 });
  await reportLine(w, "2026-11", { sku: "FR-300", unitsSold: 5, revenue: 1_000_000, unitsOnHand: 2 });
  await reportLine(w, "2026-11", { sku: "FR-400", unitsSold: 1, revenue: 200_000, unitsOnHand: null });
  const ac100 = { id: w.products.p1.id, sku: "AC-100" };
  await ship(w, ac100, "2026-10-05", 30, 84_000);
  const nov = await ship(w, ac100, "2026-11-10", 15, 84_000);
  await returned(w, ac100, nov, 1, 84_000, "2026-11-20");
  await ledger(w.dealerA.id, "rebate", -100_000, "2026-11-15");
  forgetSnapshots();
  return { ...w, ac300 };
}

const page = (actor: ReturnType<typeof actorFor>, dealerId: number, opts: { period?: string; page?: number } = {}) =>
  dealerMeasures(actor, dealerId, { lists: "page", ...opts });

describe("allocate (pure)", () => {
  it("splits an amount in proportion, in integers that add up exactly; no split without positive weights", () => {
    expect(allocate(100_000, [3_150_000, 1_200_000])).toEqual([72_414, 27_586]);
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocate(-10, [1, 1, 1])).toEqual([-3, -3, -4]);
    expect(allocate(0, [5, 0])).toEqual([0, 0]);
    expect(allocate(7, [0, 0])).toBeNull();
    expect(allocate(7, [5, -1])).toBeNull();
    const big = allocate(987_654_321, [123_456_789_012, 987_654_321_098, 1]);
    expect(big!.reduce((a, b) => a + b, 0)).toBe(987_654_321);
  });
});

describe("margin per category (decision 145)", () => {
  it("revenue, cost less returns, rebates by revenue: by hand, and the rows add up to the dealer's margin figure", async () => {
    const w = await world();
    const m = await page(actorFor(w.a.dealer_admin), w.dealerA.id);
    expect(m.selected).toMatchObject({ key: "2026-11", reported: true }); // the latest reported period
    const nov = m.margins!.period!;
    // Wall-mounted AC: AC-100 20 × ¥840 + AC-300 1 × ¥850 − the ¥840 return; rebates 100,000 × 3,150,000 / 4,350,000 (72,413.8: the remainder's unit).
    // Fridges: FR-300 5 × ¥850 + FR-400 1 × ¥850; rebates 27,586.
    expect(nov.rows.map((r) => [r.code, r.revenueMinor, r.costMinor, r.rebatesMinor, r.marginMinor, r.marginBp])).toEqual([
      ["fridge", 1_200_000, 510_000, 27_586, 717_586, 5980],
      ["split_ac", 3_150_000, 1_681_000, 72_414, 1_541_414, 4893],
    ]);
    const novSums = m.periods[0]!.sums;
    expect(nov.total).toMatchObject({ revenueMinor: novSums.revenueMinor, costMinor: novSums.costMinor, rebatesMinor: novSums.rebatesMinor });
    expect(nov.total.marginBp).toBe(m.periods[0]!.measures.marginBp);
    expect(nov.total.marginBp).toBe(5193); // (4,350,000 − 2,191,000 + 100,000) / 4,350,000
    const sum = (rows: typeof nov.rows, k: "revenueMinor" | "costMinor" | "rebatesMinor" | "marginMinor") => rows.reduce((a, r) => a + r[k], 0);
    for (const k of ["revenueMinor", "costMinor", "rebatesMinor", "marginMinor"] as const) expect(sum(nov.rows, k)).toBe(nov.total[k]);
    // Trailing 12: October adds AC-100 10 × ¥840 and FR-300 2 × ¥850; the rows still add up to the 12-period figure.
    const t12 = m.margins!.trailing12;
    expect(t12.rows.map((r) => [r.code, r.revenueMinor, r.costMinor, r.rebatesMinor])).toEqual([
      ["fridge", 1_600_000, 680_000, 27_586],
      ["split_ac", 4_650_000, 2_521_000, 72_414],
    ]);
    const s12 = m.trailing12.sums;
    expect(t12.total).toMatchObject({ revenueMinor: s12.revenueMinor, costMinor: s12.costMinor, rebatesMinor: s12.rebatesMinor });
    expect(t12.total.marginBp).toBe(m.trailing12.measures.marginBp);
    for (const k of ["revenueMinor", "costMinor", "rebatesMinor", "marginMinor"] as const) expect(sum(t12.rows, k)).toBe(t12.total[k]);
    // October alone, chosen on the page: no rebates, no returns.
    const oct = (await page(actorFor(w.staff.finance), w.dealerA.id, { period: "2026-10" })).margins!.period!;
    expect(oct.rows.map((r) => [r.code, r.costMinor, r.rebatesMinor, r.marginBp])).toEqual([
      ["fridge", 170_000, 0, 5750],
      ["split_ac", 840_000, 0, 4400],
    ]);
  });

  it("a period without revenue keeps its rebates apart, so the rows still add up; no sales: no figure", async () => {
    const w = await world();
    await reportLine(w, "2026-08", { sku: "AC-200", unitsSold: 0, revenue: 0, unitsOnHand: 5 });
    await ledger(w.dealerA.id, "rebate", -10_000, "2026-08-20");
    forgetSnapshots();
    const m = await page(actorFor(w.staff.admin), w.dealerA.id, { period: "2026-08" });
    const aug = m.margins!.period!;
    expect(aug.rows.map((r) => [r.code, r.revenueMinor, r.rebatesMinor, r.marginBp])).toEqual([
      ["split_ac", 0, 0, null],
      [null, 0, 10_000, null],
    ]);
    expect(aug.total.marginBp).toBeNull();
    const t12 = m.margins!.trailing12;
    expect(t12.rows.at(-1)).toMatchObject({ code: null, rebatesMinor: 10_000 });
    expect(t12.total.rebatesMinor).toBe(m.trailing12.sums.rebatesMinor);
    expect(t12.total.marginBp).toBe(m.trailing12.measures.marginBp);
    // A period not reported: no table for it, the trailing 12 stays.
    const sep = await page(actorFor(w.staff.admin), w.dealerA.id, { period: "2026-09" });
    expect(sep.selected).toMatchObject({ key: "2026-09", reported: false });
    expect(sep.margins!.period).toBeNull();
    expect(sep.margins!.trailing12.total.revenueMinor).toBe(sep.trailing12.sums.revenueMinor);
  });

  it("a period that is not one of the dealer's 12 on the page, or not a period at all, is not found", async () => {
    const w = await world();
    for (const period of ["2025-11", "2026-12", "2026-W48", "garbage", "?", "2026-13"])
      await expect(page(actorFor(w.a.dealer_sales), w.dealerA.id, { period }), period).rejects.toBeInstanceOf(NotFoundError);
    // Someone else's dealer stays not found whatever the period.
    await expect(page(actorFor(w.b.dealer_admin), w.dealerA.id, { period: "2026-11" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(page(actorFor(w.am2), w.dealerA.id, { period: "2026-11" })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("unexplained stock movement (decision 145)", () => {
  it("per SKU: closing − (opening + shipped − returned − sold), largest gaps first, for the account manager", async () => {
    const w = await world();
    const m = await page(actorFor(w.staff.account_manager), w.dealerA.id);
    expect(m.stockCheck).toMatchObject({
      state: "checked",
      period: "2026-11",
      previous: "2026-10",
      skusChecked: 4,
      skusWithGap: 4,
      skusUnchecked: 1, // FR-400: sold, no stock row in either period
      // AC-200 30 − 0 = +30; AC-300 9 − (0 − 1) = +10; AC-100 10 − (20 + 15 − 1 − 20) = −4; FR-300 2 − (5 − 5) = +2.
      netGap: 38,
      absoluteGap: 46,
      page: 1,
      pageSize: 20,
    });
    if (m.stockCheck?.state !== "checked") throw new Error("checked");
    expect(m.stockCheck.lines.map((l) => [l.sku, l.opening, l.shipped, l.returned, l.sold, l.closing, l.gap])).toEqual([
      ["AC-200", null, 0, 0, 0, 30, 30],
      ["AC-300", null, 0, 0, 1, 9, 10],
      ["AC-100", 20, 15, 1, 20, 10, -4],
      ["FR-300", 5, 0, 0, 5, 2, 2],
    ]);
    // Page 2 of the SKUs with a gap: none left, the totals unchanged.
    const p2 = await page(actorFor(w.staff.admin), w.dealerA.id, { page: 2 });
    expect(p2.stockCheck).toMatchObject({ state: "checked", skusWithGap: 4, netGap: 38, lines: [], page: 2 });
  });

  it("a first report has no opening; a period not reported or without stock has nothing to check", async () => {
    const w = await world();
    const am = actorFor(w.staff.account_manager);
    expect((await page(am, w.dealerA.id, { period: "2026-10" })).stockCheck).toEqual({ state: "no_opening", period: "2026-10" });
    expect((await page(am, w.dealerA.id, { period: "2026-09" })).stockCheck).toEqual({ state: "not_reported", period: "2026-09" });
    // A November report with sales but no stock at all (October has stock): no closing.
    await getDb()
      .deleteFrom("sellout_stock")
      .where("dealer_id", "=", w.dealerA.id)
      .where("period_id", "in", (eb) => eb.selectFrom("sellout_periods").select("id").where("period_key", "=", "2026-11"))
      .execute();
    forgetSnapshots();
    expect((await page(am, w.dealerA.id, { period: "2026-11" })).stockCheck).toEqual({ state: "no_closing", period: "2026-11" });
  });

  it("the dealer never gets it: nothing on its page, not found when asked; nor finance; another account manager's dealer: not found", async () => {
    const w = await world();
    for (const u of [w.a.dealer_admin, w.a.dealer_sales, w.staff.finance]) {
      const m = await page(actorFor(u), w.dealerA.id);
      expect(m.stockCheck, u.role).toBeNull();
      expect(JSON.stringify(m), u.role).not.toContain("skusWithGap");
    }
    const periods = await periodsEnding(db(), [w.dealerA.id], "2026-09-30", "2026-11-30");
    const nov = { key: "2026-11", start: "2026-11-01", end: "2026-11-30" };
    for (const u of [w.a.dealer_admin, w.a.dealer_sales, w.a.dealer_finance, w.b.dealer_admin, w.staff.finance, w.staff.ops, w.am2])
      await expect(stockMovementCheck(actorFor(u), w.dealerA.id, periods, nov, 1), u.role).rejects.toBeInstanceOf(NotFoundError);
    await expect(page(actorFor(w.am2), w.dealerA.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await stockMovementCheck(actorFor(w.staff.account_manager), w.dealerA.id, periods, nov, 1)).state).toBe("checked");
    expect((await stockMovementCheck(actorFor(w.staff.admin), w.dealerA.id, periods, nov, 1)).state).toBe("checked");
    // The dashboard card of the account manager carries neither.
    const card = await dealerMeasures(actorFor(w.staff.account_manager), w.dealerA.id, { lists: "dashboard" });
    expect(card.stockCheck).toBeNull();
    expect(card.margins).toBeNull();
  });
});
