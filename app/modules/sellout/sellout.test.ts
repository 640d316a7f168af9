import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { reportLine, selloutWorld } from "../../../tests/factories/sellout";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { endedPeriods, lastEndedPeriod, parsePeriodKey, periodOf } from "./period";
import {
  closePeriod,
  dealerOverview,
  findSelloutInvariantViolations,
  listDealers,
  periodPage,
  recordCorrection,
  removeLine,
  saveCategoryTotal,
  saveLine,
  setFrequency,
} from "./sellout.server";

// Friday 4 December 2026, 10:00 in Shanghai: November (and ISO week 48) have ended, December has not.
clockForEachTest("2026-12-04T02:00:00Z");
const db = () => getDb();

describe("reporting periods", () => {
  it("months and ISO weeks, their keys and the last one that ended", () => {
    expect(periodOf("2026-12-04", "month")).toEqual({ key: "2026-12", frequency: "month", start: "2026-12-01", end: "2026-12-31" });
    expect(periodOf("2026-12-04", "week")).toEqual({ key: "2026-W49", frequency: "week", start: "2026-11-30", end: "2026-12-06" });
    expect(periodOf("2027-01-01", "week").key).toBe("2026-W53"); // 2026 has 53 ISO weeks
    expect(parsePeriodKey("2026-W53")?.end).toBe("2027-01-03");
    expect(parsePeriodKey("2025-W53")).toBeNull();
    expect(parsePeriodKey("2026-13")).toBeNull();
    expect(parsePeriodKey("2026-02")?.end).toBe("2026-02-28");
    expect(lastEndedPeriod("2026-12-04", "month").key).toBe("2026-11");
    expect(lastEndedPeriod("2026-12-04", "week").key).toBe("2026-W48");
    expect(lastEndedPeriod("2026-01-01", "month").key).toBe("2025-12");
    expect(endedPeriods("2026-12-04", "month", 3).map((p) => p.key)).toEqual(["2026-11", "2026-10", "2026-09"]);
  });
});

describe("reporting a period by form", () => {
  it("saves lines per SKU and segment, replaces a line saved again, keeps units on hand per SKU, audits each write", async () => {
    const w = await selloutWorld();
    await reportLine(w, "2026-11", { unitsSold: 10, revenue: 1_000_000, unitsOnHand: 5 });
    await reportLine(w, "2026-11", { unitsSold: 12, revenue: 1_200_000, unitsOnHand: 4 }); // the same line again: replaced
    await reportLine(w, "2026-11", { keyAccount: w.keyAccount.code, region: "上海", unitsSold: 3, revenue: 300_000, unitsOnHand: null });
    const page = await periodPage(actorFor(w.a.dealer_admin), w.dealerA.id, "2026-11");
    expect(page.period.status).toBe("open");
    expect(page.lines.map((l) => [l.sku, l.keyAccount, l.region, l.unitsSold, l.revenueMinor])).toEqual([
      ["AC-100", null, "", 12, 1_200_000],
      ["AC-100", w.keyAccount.name, "上海", 3, 300_000],
    ]);
    expect(page.stock.map((s) => [s.sku, s.onHand])).toEqual([["AC-100", 4]]);
    expect(page.can).toEqual({ report: true, correct: false, close: false });
    const audits = await db().selectFrom("audit_log").select("action").where("action", "like", "sellout.%").execute();
    expect(audits).toHaveLength(3);
    const overview = await dealerOverview(actorFor(w.a.dealer_sales), w.dealerA.id);
    const nov = overview.periods.find((p) => p.key === "2026-11")!;
    expect([nov.status, nov.lines, nov.unitsSold, nov.revenueMinor, nov.unitsOnHand]).toEqual(["open", 2, 15, 1_500_000, 4]);
    expect(overview.periods.find((p) => p.key === "2026-10")!.status).toBe("not_reported");
    expect(overview.periods.some((p) => p.key === "2026-12")).toBe(false); // not ended yet
    expect(await findSelloutInvariantViolations(db())).toEqual([]);
  });

  it("refuses a period that has not ended, of another frequency, an unknown SKU or key account; a removed line is gone", async () => {
    const w = await selloutWorld();
    await expect(reportLine(w, "2026-12")).rejects.toBeInstanceOf(NotFoundError);
    await expect(reportLine(w, "2026-W48")).rejects.toBeInstanceOf(ConflictError);
    await expect(reportLine(w, "2026-11", { sku: "NOPE-1" })).rejects.toMatchObject({ fieldErrors: { sku: ["sellout.unknownSku"] } });
    await expect(reportLine(w, "2026-11", { keyAccount: "91310000XXXXXXXXXX" })).rejects.toMatchObject({
      fieldErrors: { keyAccount: ["sellout.unknownKeyAccount"] },
    });
    expect(await db().selectFrom("sellout_periods").selectAll().execute()).toEqual([]); // nothing created by refused writes
    await reportLine(w, "2026-11");
    const page = await periodPage(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11");
    await removeLine(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11", page.lines[0]!.lineId!);
    expect((await periodPage(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11")).lines).toEqual([]);
  });

  it("category totals (all brands) per category; an unknown category is a field error", async () => {
    const w = await selloutWorld();
    const sales = actorFor(w.a.dealer_sales);
    await saveCategoryTotal(sales, w.dealerA.id, "2026-11", { category: "split_ac", revenue: 9_000_000 });
    await saveCategoryTotal(sales, w.dealerA.id, "2026-11", { category: "split_ac", revenue: 8_000_000 });
    await expect(saveCategoryTotal(sales, w.dealerA.id, "2026-11", { category: "tv", revenue: 1 })).rejects.toBeInstanceOf(ValidationError);
    const page = await periodPage(sales, w.dealerA.id, "2026-11");
    expect(page.categories.map((c) => [c.code, c.revenueMinor])).toEqual([["split_ac", 8_000_000]]);
    expect(page.period.status).toBe("open"); // a category total alone counts as reported
  });
});

describe("closing and correcting", () => {
  it("finance closes an ended period; then lines only change by visible corrections, summed over the closed figures", async () => {
    const w = await selloutWorld();
    await reportLine(w, "2026-11", { unitsSold: 10, revenue: 1_000_000, unitsOnHand: 5 });
    await expect(closePeriod(actorFor(w.a.dealer_admin), w.dealerA.id, "2026-11")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(closePeriod(actorFor(w.staff.account_manager), w.dealerA.id, "2026-11")).rejects.toBeInstanceOf(ForbiddenError);
    await closePeriod(actorFor(w.staff.finance), w.dealerA.id, "2026-11");
    await expect(closePeriod(actorFor(w.staff.admin), w.dealerA.id, "2026-11")).rejects.toBeInstanceOf(ConflictError);
    await expect(reportLine(w, "2026-11", { unitsSold: 99 })).rejects.toMatchObject({ messageKey: "sellout.closed" });
    await expect(saveCategoryTotal(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11", { category: "fridge", revenue: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const sales = actorFor(w.a.dealer_sales);
    const correction = { sku: "AC-100", keyAccount: "", region: "", unitsSold: 11, revenue: 1_100_000, unitsOnHand: 4, reason: "一张发票漏报" };
    await recordCorrection(sales, w.dealerA.id, "2026-11", correction);
    await expect(recordCorrection(sales, w.dealerA.id, "2026-11", correction)).rejects.toMatchObject({ messageKey: "sellout.correction.noChange" });
    // A line that was never reported can be added after close, by a correction too.
    await recordCorrection(sales, w.dealerA.id, "2026-11", { ...correction, sku: "AC-200", unitsSold: 2, revenue: 200_000, unitsOnHand: null });
    const line = await db().selectFrom("sellout_lines").select(["units_sold", "revenue_minor"]).executeTakeFirstOrThrow();
    expect([line.units_sold, Number(line.revenue_minor)]).toEqual([10, 1_000_000]); // the closed line itself never changes
    const page = await periodPage(actorFor(w.staff.account_manager), w.dealerA.id, "2026-11");
    expect(page.period.status).toBe("closed");
    expect(page.lines.map((l) => [l.sku, l.reportedUnits, l.unitsSold, l.revenueMinor, l.corrected])).toEqual([
      ["AC-100", 10, 11, 1_100_000, true],
      ["AC-200", null, 2, 200_000, true],
    ]);
    expect(page.stock.map((s) => [s.sku, s.reported, s.onHand, s.corrected])).toEqual([["AC-100", 5, 4, true]]);
    expect(page.corrections.map((c) => [c.sku, c.deltaUnits, c.deltaRevenue, c.deltaOnHand, c.reason])).toEqual([
      ["AC-100", 1, 100_000, -1, "一张发票漏报"],
      ["AC-200", 2, 200_000, null, "一张发票漏报"],
    ]);
    const overview = await dealerOverview(sales, w.dealerA.id);
    const nov = overview.periods.find((p) => p.key === "2026-11")!;
    expect([nov.status, nov.unitsSold, nov.revenueMinor, nov.unitsOnHand, nov.corrections]).toEqual(["closed", 13, 1_300_000, 4, 2]);
    expect(await findSelloutInvariantViolations(db())).toEqual([]);
  });

  it("a correction on an open period is refused (edit the line); db:check sees a closed line written after close", async () => {
    const w = await selloutWorld();
    await reportLine(w, "2026-11");
    await expect(
      recordCorrection(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11", {
        sku: "AC-100",
        keyAccount: "",
        region: "",
        unitsSold: 1,
        revenue: 1,
        unitsOnHand: null,
        reason: "x",
      }),
    ).rejects.toMatchObject({ messageKey: "sellout.correction.notClosed" });
    await closePeriod(actorFor(w.staff.finance), w.dealerA.id, "2026-11");
    await db()
      .updateTable("sellout_lines")
      .set({ units_sold: 99, updated_at: new Date(Date.now() + 60_000) })
      .execute();
    expect((await findSelloutInvariantViolations(db())).map((v) => v.rule)).toEqual(["written after the period closed"]);
  });

  it("finance may close an unreported period; it stays listed as not reported", async () => {
    const w = await selloutWorld();
    await closePeriod(actorFor(w.staff.finance), w.dealerA.id, "2026-11");
    const list = await listDealers(actorFor(w.staff.finance), {});
    expect(list.rows.find((r) => r.id === w.dealerA.id)).toMatchObject({ lastPeriod: "2026-11", status: "closed", reportedAt: null });
    expect(list.notReported).toBe(2);
  });
});

describe("scope", () => {
  it("another dealer and an account manager of other dealers get 404; the assigned account manager reads but does not report", async () => {
    const w = await selloutWorld();
    await reportLine(w, "2026-11");
    for (const u of [w.b.dealer_admin, w.b.dealer_sales, w.am2]) {
      await expect(periodPage(actorFor(u), w.dealerA.id, "2026-11")).rejects.toBeInstanceOf(NotFoundError);
      await expect(dealerOverview(actorFor(u), w.dealerA.id)).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(
      saveLine(actorFor(w.b.dealer_sales), w.dealerA.id, "2026-11", {
        sku: "AC-100",
        keyAccount: "",
        region: "",
        unitsSold: 1,
        revenue: 1,
        unitsOnHand: null,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    // dealer_finance of A: in scope, without the permission.
    await expect(dealerOverview(actorFor(w.a.dealer_finance), w.dealerA.id)).rejects.toBeInstanceOf(ForbiddenError);
    const am = actorFor(w.staff.account_manager);
    expect((await periodPage(am, w.dealerA.id, "2026-11")).lines).toHaveLength(1);
    await expect(
      saveLine(am, w.dealerA.id, "2026-11", { sku: "AC-100", keyAccount: "", region: "", unitsSold: 1, revenue: 1, unitsOnHand: null }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // The account manager's list: their dealers only, with who has not reported the last period.
    const mine = await listDealers(am, {});
    expect(mine.rows.map((r) => [r.id, r.status])).toEqual([[w.dealerA.id, "open"]]);
    const other = await listDealers(actorFor(w.am2), { missing: "1" });
    expect(other.rows.map((r) => [r.id, r.lastPeriod, r.status])).toEqual([[w.dealerB.id, "2026-11", "not_reported"]]);
    const all = await listDealers(actorFor(w.staff.admin), { missing: "1" });
    expect(all.rows.map((r) => r.id)).toEqual([w.dealerB.id]);
    await expect(listDealers(actorFor(w.a.dealer_sales), {})).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("reporting frequency", () => {
  it("the administrator switches a dealer to weeks: the last period becomes the last ISO week; reported months stay", async () => {
    const w = await selloutWorld();
    await reportLine(w, "2026-11");
    await expect(setFrequency(actorFor(w.staff.account_manager), w.dealerA.id, "week")).rejects.toBeInstanceOf(ForbiddenError);
    await setFrequency(actorFor(w.staff.admin), w.dealerA.id, "week");
    const overview = await dealerOverview(actorFor(w.a.dealer_sales), w.dealerA.id);
    expect(overview.dealer.frequency).toBe("week");
    expect(overview.periods[0]!.key).toBe("2026-W48");
    expect(overview.periods.find((p) => p.key === "2026-11")!.status).toBe("open");
    await expect(reportLine(w, "2026-10")).rejects.toMatchObject({ messageKey: "sellout.wrongFrequency" });
    await reportLine(w, "2026-W48");
    await reportLine(w, "2026-11", { unitsSold: 20 }); // an existing month period can still be changed until closed
    const list = await listDealers(actorFor(w.staff.admin), {});
    expect(list.rows.find((r) => r.id === w.dealerA.id)).toMatchObject({ frequency: "week", lastPeriod: "2026-W48", status: "open" });
  });
});
