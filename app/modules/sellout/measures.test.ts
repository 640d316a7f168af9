import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { createProduct } from "../../../tests/factories/catalog";
import { reportLine, selloutWorld, type SelloutWorld } from "../../../tests/factories/sellout";
import { openServiceCase } from "../../../tests/factories/service";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { forgetSnapshots } from "~/utils/snapshots.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { measuresOf, ZERO_SUMS } from "./measures";
import { dealerMeasureList, dealerMeasures, exportDealerMeasures, exportManagerRanking, managerRanking } from "./measures.server";
import { closePeriod, saveCategoryTotal, setFrequency } from "./sellout.server";
import { restateAfterShipment } from "./sellout.derived.server";
import { keepPurchaseDays } from "../orders/orders.derived.server";

// Friday 4 December 2026, 10:00 in Shanghai: November has ended (the last period), December has not.
clockForEachTest("2026-12-04T02:00:00Z");
const db = () => getDb();

/** Dealer A bought AC-100 at three prices on three dates (one too old for November, one after it). */
async function buy(w: SelloutWorld, productId: number, sku: string, shipments: { on: string; qty: number; price: number }[]) {
  const wh = await db().selectFrom("warehouses").select("id").orderBy("code").executeTakeFirstOrThrow();
  for (const [i, s] of shipments.entries()) {
    const order = Number((await db().insertInto("orders").values({ dealer_id: w.dealerA.id, status: "shipped" }).executeTakeFirstOrThrow()).insertId);
    const line = Number(
      (
        await db()
          .insertInto("order_lines")
          .values({ order_id: order, line_no: 1, product_id: productId, sku, quantity: s.qty, unit_price_minor: s.price, line_total_minor: s.qty * s.price })
          .executeTakeFirstOrThrow()
      ).insertId,
    );
    const shipment = Number(
      (
        await db()
          .insertInto("shipments")
          .values({ dealer_id: w.dealerA.id, order_id: order, number: `SH-M-${order}-${i}`, shipped_on: s.on, warehouse_id: wh.id })
          .executeTakeFirstOrThrow()
      ).insertId,
    );
    await db().insertInto("shipment_lines").values({ shipment_id: shipment, order_line_id: line, quantity: s.qty }).execute();
    // As the shipment command does (decision 144): the purchases per day, then the periods they cost.
    await keepPurchaseDays(db(), { dealer_id: w.dealerA.id, service_case_id: null }, s.on, [{ productId, quantity: s.qty, unitPriceMinor: s.price }]);
    await restateAfterShipment(db(), w.dealerA.id, s.on);
  }
}

async function ledger(dealerId: number, type: string, amount: number, date: string, sourceType: string | null = null) {
  await db()
    .insertInto("ledger_entries")
    .values({ dealer_id: dealerId, entry_type: type, amount_minor: amount, business_date: date, currency: "CNY", source_type: sourceType })
    .execute();
}

/** A case of dealer A whose resolution fell due at `due`, resolved at `resolved` (or not). */
async function caseDue(w: SelloutWorld, due: string, resolved: string | null, outcome: string | null = "answer") {
  const c = await openServiceCase(w.a.dealer_sales);
  await db()
    .updateTable("service_cases")
    .set({
      resolution_due_at: new Date(due),
      resolved_at: resolved ? new Date(resolved) : null,
      status: resolved ? "resolved" : "in_progress",
      outcome: resolved ? outcome : null,
    })
    .where("id", "=", c.id)
    .execute();
}

/**
 * October: AC-100 sold 10 for ¥15,000, 20 on hand. November: AC-100 20 for ¥30,000, 10 on hand; AC-200 none sold,
 * 30 on hand; AC-300 1 for ¥1,500, 9 on hand; FR-300 (fridge) 5 for ¥10,000, 2 on hand. All-brand totals in November:
 * wall-mounted AC ¥60,000, fridges ¥5,000 (below ours: the dealer's totals are wrong).
 */
async function reportedWorld() {
  const w = await selloutWorld();
  const p4 = await createProduct({ sku: "AC-300" });
  await reportLine(w, "2026-10", { sku: "AC-100", unitsSold: 10, revenue: 1_500_000, unitsOnHand: 20 });
  await reportLine(w, "2026-11", { sku: "AC-100", unitsSold: 20, revenue: 3_000_000, unitsOnHand: 10 });
  await reportLine(w, "2026-11", { sku: "AC-200", unitsSold: 0, revenue: 0, unitsOnHand: 30 });
  await reportLine(w, "2026-11", { sku: "AC-300", unitsSold: 1, revenue: 150_000, unitsOnHand: 9 });
  await reportLine(w, "2026-11", { sku: "FR-300", unitsSold: 5, revenue: 1_000_000, unitsOnHand: 2 });
  const sales = actorFor(w.a.dealer_sales);
  await saveCategoryTotal(sales, w.dealerA.id, "2026-11", { category: "split_ac", revenue: 6_000_000 });
  await saveCategoryTotal(sales, w.dealerA.id, "2026-11", { category: "fridge", revenue: 500_000 });
  await buy(w, w.products.p1.id, "AC-100", [
    { on: "2025-11-20", qty: 10, price: 50_000 }, // in October's 12 months, not November's
    { on: "2026-06-10", qty: 10, price: 80_000 },
    { on: "2026-10-05", qty: 30, price: 84_000 },
    { on: "2026-12-02", qty: 99, price: 1 }, // after both periods
  ]);
  await ledger(w.dealerA.id, "rebate", -100_000, "2026-11-15");
  await ledger(w.dealerA.id, "credit_note", -50_000, "2026-11-20", "rma"); // a return: reduces the cost
  await ledger(w.dealerA.id, "credit_note", -70_000, "2026-11-21"); // a credit note of another kind: not in the margin
  await ledger(w.dealerA.id, "fee", 30_000, "2026-11-25"); // beside the margin
  await ledger(w.dealerA.id, "rebate", -999_000, "2026-12-01"); // December: not ended
  await caseDue(w, "2026-11-10T02:00:00Z", "2026-11-09T02:00:00Z"); // kept
  await caseDue(w, "2026-11-12T02:00:00Z", "2026-11-13T02:00:00Z"); // late
  await caseDue(w, "2026-11-20T02:00:00Z", null); // still open after its due date: missed
  await caseDue(w, "2026-12-10T02:00:00Z", null); // falls due in December: not yet counted
  forgetSnapshots();
  return { ...w, p4 };
}

describe("the four measures (pure)", () => {
  it("sums over sums; a zero denominator is no figure; the share is capped at 100 % and the raw figure kept", () => {
    expect(measuresOf(ZERO_SUMS)).toEqual({ turnoverDays: null, marginBp: null, resolutionBp: null, shareBp: null, shareRawBp: null, satisfaction: null });
    const m = measuresOf({
      ...ZERO_SUMS,
      unitDays2: 3000,
      unitsSold: 25,
      revenueMinor: 1000,
      costMinor: 1200,
      shareOursMinor: 3,
      shareTotalMinor: 2,
      surveys: 3,
      surveyScoreSum: 11,
    });
    expect(m).toMatchObject({ turnoverDays: 60, marginBp: -2000, shareBp: 10_000, shareRawBp: 15_000, satisfaction: 3.7 });
  });
});

describe("one dealer's measures on the real database", () => {
  it("turnover days, margin with rebates and returns, resolution and share: per period and trailing, by hand", async () => {
    const w = await reportedWorld();
    const m = await dealerMeasures(actorFor(w.a.dealer_admin), w.dealerA.id, { lists: "page" });
    expect(m.periods.map((p) => p.key).slice(0, 3)).toEqual(["2026-11", "2026-10", "2026-09"]);
    expect(m.periods).toHaveLength(12);
    const [nov, oct, sep] = m.periods;
    // November: Σ (opening + closing) per SKU = (20+10) + (30+30) + (9+9) + (2+2) = 112, × 30 days / (2 × 26 sold).
    expect(nov!.sums).toMatchObject({ unitDays2: 3360, unitsSold: 26, revenueMinor: 4_150_000, rebatesMinor: 100_000, feesMinor: 30_000 });
    // Cost: AC-100 20 × (10 × 800 + 30 × 840) / 40 = 20 × 830 = ¥16,600; AC-300 and FR-300 never bought: tier price ¥850;
    // less the ¥500 return: 1,660,000 + 85,000 + 425,000 − 50,000.
    expect(nov!.sums).toMatchObject({ costMinor: 2_120_000, costedAtTierPrice: 2 });
    expect(nov!.measures).toEqual({
      turnoverDays: 64.6, // 3360 / 52
      marginBp: 5133, // (4,150,000 − 2,120,000 + 100,000) / 4,150,000
      resolutionBp: 3333, // 1 of 3 due in November kept
      shareBp: 6385, // (3,150,000 + 1,000,000) / (6,000,000 + 500,000)
      shareRawBp: 6385,
      satisfaction: null,
    });
    // October: the first report has no opening stock: (20 + 20) × 31 / 20; cost 10 × (500 + 800 + 2,520) / 50 × 10 … = 764,000.
    expect(oct!.measures).toMatchObject({ turnoverDays: 62, marginBp: 4907, resolutionBp: null, shareBp: null });
    expect(oct!.status).toBe("open");
    expect(sep!.status).toBe("not_reported");
    expect(sep!.measures.turnoverDays).toBeNull();
    // Trailing 3: sums of numerators over sums of denominators, never an average of ratios.
    expect(m.trailing3.measures).toMatchObject({ turnoverDays: 63.9, marginBp: 5073, resolutionBp: 3333, shareBp: 6385 });
    expect(m.trailing12.measures).toEqual(m.trailing3.measures);
    // Per category: the fridge total is below our sales: capped, the raw figure kept.
    expect(m.categories.map((c) => [c.code, c.shareBp, c.shareRawBp])).toEqual([
      ["fridge", 10_000, 20_000],
      ["split_ac", 5250, 5250],
    ]);
    expect(m.resolution).toMatchObject({ cases: 3 });
  });

  it("what would improve them: slow movers, overstocked SKUs, SKUs selling out", async () => {
    const w = await reportedWorld();
    const m = await dealerMeasures(actorFor(w.a.dealer_sales), w.dealerA.id, { lists: "page" });
    expect(m.lists.slow.map((s) => [s.sku, s.onHand, s.sold3])).toEqual([["AC-200", 30, 0]]);
    // AC-300: (9 + 9) × 30 / 2 = 270 days, above twice the range's 63.9.
    expect(m.lists.overstocked.map((s) => [s.sku, s.turnoverDays])).toEqual([["AC-300", 270]]);
    expect(m.lists.sellingOut.map((s) => [s.sku, s.onHand, s.soldLast])).toEqual([
      ["AC-100", 10, 20],
      ["FR-300", 2, 5],
    ]);
    expect(m.lists.counts).toEqual({ slow: 1, overstocked: 1, sellingOut: 2 });
  });

  it("a closed period changes only through a correction, and the figure follows it", async () => {
    const w = await reportedWorld();
    await closePeriod(actorFor(w.staff.finance), w.dealerA.id, "2026-11");
    const { recordCorrection } = await import("./sellout.server");
    await recordCorrection(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11", {
      sku: "AC-200",
      keyAccount: "",
      region: "",
      unitsSold: 4,
      revenue: 600_000,
      unitsOnHand: 26,
      reason: "late invoice",
    });
    const nov = (await dealerMeasures(actorFor(w.a.dealer_sales), w.dealerA.id)).periods[0]!;
    expect(nov.status).toBe("closed");
    // AC-200 now 4 sold, 26 on hand (no opening: 26 + 26): Σ = 30 + 52 + 18 + 4 = 104 × 30 / (2 × 30).
    expect(nov.sums).toMatchObject({ unitsSold: 30, revenueMinor: 4_750_000 });
    expect(nov.measures.turnoverDays).toBe(52);
  });
});

describe("a weekly dealer", () => {
  it("its page shows its weeks; views across dealers count a week in the month of its Thursday", async () => {
    const w = await selloutWorld();
    await setFrequency(actorFor(w.staff.admin), w.dealerA.id, "week");
    await reportLine(w, "2026-W48", { unitsSold: 10, revenue: 1_000_000, unitsOnHand: 10 }); // Thu 26 Nov: November
    await reportLine(w, "2026-W44", { unitsSold: 5, revenue: 500_000, unitsOnHand: 5 }); // Mon 26 Oct – Sun 1 Nov, Thu 29 Oct: October
    await reportLine(w, "2026-W35", { unitsSold: 1, revenue: 100_000, unitsOnHand: 7 }); // Thu 27 Aug: August, outside the last 3 months
    const page = await dealerMeasures(actorFor(w.a.dealer_sales), w.dealerA.id);
    expect(page.periods[0]).toMatchObject({ key: "2026-W48", start: "2026-11-23", end: "2026-11-29", status: "open", measures: { turnoverDays: 7 } });
    const list = await dealerMeasureList(actorFor(w.staff.account_manager), { page: 1 });
    // 3 months: (10 + 10) × 7 + (5 + 5) × 7 over 2 × 15 sold; 12 months adds (7 + 7) × 7 over 2 × 1.
    expect(list.rows[0]!.m3.turnoverDays).toBe(7);
    expect(list.rows[0]!.m12.turnoverDays).toBe(9.6);
    expect(list.rows[0]!.m12Sums.revenueMinor).toBe(1_600_000);
  });
});

describe("scope", () => {
  it("a dealer sees only its own; an account manager only their dealers'; others 404; dealer finance 403", async () => {
    const w = await reportedWorld();
    await expect(dealerMeasures(actorFor(w.b.dealer_admin), w.dealerA.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dealerMeasures(actorFor(w.am2), w.dealerA.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dealerMeasures(actorFor(w.a.dealer_finance), w.dealerA.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(dealerMeasures(actorFor(w.staff.ops), w.dealerA.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(dealerMeasures(actorFor(w.staff.admin), 99_999_999)).rejects.toBeInstanceOf(NotFoundError);
    expect((await dealerMeasures(actorFor(w.staff.account_manager), w.dealerA.id)).dealer.id).toBe(w.dealerA.id);
    expect((await dealerMeasures(actorFor(w.staff.finance), w.dealerA.id)).dealer.id).toBe(w.dealerA.id);

    const own = await dealerMeasureList(actorFor(w.a.dealer_sales), { page: 1 });
    expect(own.rows.map((r) => r.id)).toEqual([w.dealerA.id]);
    expect(own.scorecard).toBeNull();
    const am = await dealerMeasureList(actorFor(w.staff.account_manager), { page: 1 });
    expect(am.rows.map((r) => r.id)).toEqual([w.dealerA.id]);
    // Calendar months: November and October are in the last 3 months.
    expect(am.rows[0]!.m3).toMatchObject({ turnoverDays: 63.9, marginBp: 5073, resolutionBp: 3333, shareBp: 6385 });
    expect(am.scorecard).toMatchObject({ dealers: 1, m3: { marginBp: 5073 } });
    const am2 = await dealerMeasureList(actorFor(w.am2), { page: 1 });
    expect(am2.rows.map((r) => r.id)).toEqual([w.dealerB.id]);
    expect(am2.scorecard?.m12.marginBp).toBeNull();
    const rows: unknown[][] = [];
    for await (const chunk of exportDealerMeasures(actorFor(w.staff.account_manager))) rows.push(...chunk);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(0, 2)).toEqual([w.dealerA.code, "Dealer A"]);
  });

  it("the administrator ranks account managers by their dealers' figures; nobody else may", async () => {
    const w = await reportedWorld();
    await expect(managerRanking(actorFor(w.staff.account_manager), { by: "marginBp", page: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(managerRanking(actorFor(w.staff.finance), { by: "marginBp", page: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    const r = await managerRanking(actorFor(w.staff.admin), { by: "marginBp", page: 1 });
    const names = r.rows.map((m) => m.name);
    expect(names.indexOf("AM One")).toBeLessThan(names.indexOf("AM Two")); // AM Two's dealer has no figure: last
    expect(r.rows.find((m) => m.name === "AM One")).toMatchObject({ rank: 1, dealers: 1, m12: { marginBp: 5073, turnoverDays: 63.9 } });
    const byTurnover = await managerRanking(actorFor(w.staff.admin), { by: "turnoverDays", page: 1 });
    expect(byTurnover.rows[0]!.name).toBe("AM One");
    const csv: unknown[][] = [];
    for await (const chunk of exportManagerRanking(actorFor(w.staff.admin), "shareBp")) csv.push(...chunk);
    expect(csv[0]!.slice(0, 4)).toEqual([1, "AM One", w.staff.account_manager.email, 1]);
    expect(csv[0]![7]).toBe("0.6385");
  });
});
