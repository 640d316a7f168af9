/**
 * The sell-out period figures (decision 144): kept by every writer of their inputs, caught up by the hourly job after
 * a catalog or tier change, computed by a reader for a period that has none.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { catalogChanged } from "../catalog/catalog.derived.server";
import { actorFor } from "../../../tests/factories";
import { orderIn, orderWorld } from "../../../tests/factories/orders";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";
import { forgetSnapshots } from "~/utils/snapshots.server";
import { recordShipment } from "~/modules/orders/orders.server";
import { run as selloutFiguresJob } from "../../../jobs/sellout-figures";
import { dealerMeasures } from "./measures.server";
import { importSellout } from "./import.server";
import { DERIVED, storedFigures } from "./sellout.derived.server";
import { closePeriod, recordCorrection, saveLine } from "./sellout.server";
import type { JobContext } from "../notifications/jobs.server";

// Friday 4 December 2026, 10:00 in Shanghai: November has ended, December has not.
clockForEachTest("2026-12-04T02:00:00Z");
const db = () => getDb();
const compare = () => DERIVED[0]!.compare(db());

async function world() {
  const w = await orderWorld();
  const sku = (await db().selectFrom("products").select("sku").where("id", "=", w.widget.id).executeTakeFirstOrThrow()).sku;
  const sales = actorFor(w.a.dealer_sales);
  const report = (period: string, unitsSold: number, unitsOnHand: number | null) =>
    saveLine(sales, w.dealerA.id, period, { sku, keyAccount: "", region: "", unitsSold, revenue: unitsSold * 150_00, unitsOnHand });
  const figuresOf = async (period: string) => {
    const p = await db()
      .selectFrom("sellout_periods")
      .select("id")
      .where("dealer_id", "=", w.dealerA.id)
      .where("period_key", "=", period)
      .executeTakeFirstOrThrow();
    return (await storedFigures(db(), [p.id]))[0];
  };
  return { ...w, sku, sales, report, figuresOf };
}

describe("sell-out period figures", () => {
  it("every sell-out write restates its period, and the next one whose opening stock it is", async () => {
    const w = await world();
    await w.report("2026-11", 3, 10);
    // The widget was never bought: costed at dealer A's tier price (gold ¥90).
    expect(await w.figuresOf("2026-11")).toMatchObject({
      unitsSold: 3,
      revenueMinor: 450_00,
      unitDays2: 20 * 30,
      costBoughtMinor: 0,
      costListMinor: 270_00,
      skusListPriced: 1,
    });
    // October reported later: its closing stock is November's opening.
    await w.report("2026-10", 5, 20);
    expect(await w.figuresOf("2026-11")).toMatchObject({ unitDays2: (20 + 10) * 30 });
    expect(await w.figuresOf("2026-10")).toMatchObject({ unitsSold: 5, unitDays2: 40 * 31 });
    // Closed, then corrected: the correction counts.
    await closePeriod(actorFor(w.staff.finance), w.dealerA.id, "2026-11");
    await recordCorrection(w.sales, w.dealerA.id, "2026-11", {
      sku: w.sku,
      keyAccount: "",
      region: "",
      unitsSold: 4,
      revenue: 600_00,
      unitsOnHand: 8,
      reason: "late invoice",
    });
    expect(await w.figuresOf("2026-11")).toMatchObject({ unitsSold: 4, revenueMinor: 600_00, unitDays2: (20 + 8) * 30 });
    expect(await compare()).toEqual([]);
  });

  it("a shipment dated inside a period's purchase window costs its units at the price paid", async () => {
    const w = await world();
    setClock("2026-11-10T02:00:00Z"); // approved on 10 November
    const order = await orderIn(w, "approved");
    setClock("2026-12-04T02:00:00Z");
    await w.report("2026-11", 3, 10);
    const line = await db()
      .selectFrom("order_lines")
      .select(["id", "unit_price_minor"])
      .where("order_id", "=", order.id)
      .where("product_id", "=", w.widget.id)
      .executeTakeFirstOrThrow();
    await recordShipment(actorFor(w.staff.ops), order.id, {
      version: order.version,
      warehouseId: w.east.id,
      carrier: "SF Express",
      trackingNumber: "SF-FIG-1",
      shippedOn: "2026-11-20",
      lines: [{ lineId: line.id, quantity: 2 }],
    });
    expect(await w.figuresOf("2026-11")).toMatchObject({ costBoughtMinor: 3 * line.unit_price_minor, costListMinor: 0, skusListPriced: 0 });
    expect(await compare()).toEqual([]);
  });

  it("an import restates its period at the end; a period without figures is computed by its reader", async () => {
    const w = await world();
    const { jobId } = await importSellout(w.sales, w.dealerA.id, {
      period: "2026-11",
      mode: "valid_rows",
      filename: "november.csv",
      bytes: new TextEncoder().encode(`sku,units_sold,revenue,units_on_hand\n${w.sku},7,1050,4\n`),
    });
    expect((await db().selectFrom("import_jobs").select("status").where("id", "=", jobId).executeTakeFirstOrThrow()).status).toBe("succeeded");
    expect(await w.figuresOf("2026-11")).toMatchObject({ unitsSold: 7, revenueMinor: 1050_00, unitDays2: 8 * 30 });
    // As after an upgrade, or an import stopped midway: no row. The dealer's page computes it.
    await db().deleteFrom("sellout_period_figures").execute();
    expect((await compare()).length).toBe(1);
    forgetSnapshots();
    const m = await dealerMeasures(actorFor(w.a.dealer_admin), w.dealerA.id);
    expect(m.periods[0]!.sums).toMatchObject({ unitsSold: 7, revenueMinor: 1050_00 });
    expect(await w.figuresOf("2026-11")).toMatchObject({ unitsSold: 7 });
    expect(await compare()).toEqual([]);
  });

  it("a catalog or tier change is caught up by the hourly job, not by the writer; db:check waits for it", async () => {
    const w = await world();
    await w.report("2026-11", 3, 10);
    await w.report("2026-10", 2, 10);
    expect(await w.figuresOf("2026-11")).toMatchObject({ costListMinor: 3 * 90_00 });
    await db().updateTable("product_tier_prices").set({ price_minor: 70_00 }).where("product_id", "=", w.widget.id).where("tier", "=", "gold").execute();
    await catalogChanged(db());
    // Priced with the old catalog: db:check compares only what the catalog cannot move.
    expect(await w.figuresOf("2026-11")).toMatchObject({ costListMinor: 3 * 90_00 });
    expect(await compare()).toEqual([]);
    const progress: string[] = [];
    const ctx = { progress: async (m: string) => void progress.push(m) } as unknown as JobContext;
    const first = await selloutFiguresJob(ctx);
    expect(first.details).toEqual({ restated: 2 });
    expect(progress).toEqual(["2 periods restated"]);
    expect(await w.figuresOf("2026-11")).toMatchObject({ costListMinor: 3 * 70_00 });
    // Nothing left: the next run restates nothing.
    expect((await selloutFiguresJob(ctx)).details).toEqual({ restated: 0 });
    // Dealer A moves to platinum (¥80): its periods wait for the job again.
    await db().updateTable("organisations").set({ tier: "platinum" }).where("id", "=", w.dealerA.id).execute();
    expect(await compare()).toEqual([]);
    expect((await selloutFiguresJob(ctx)).details).toEqual({ restated: 2 });
    expect(await w.figuresOf("2026-11")).toMatchObject({ costListMinor: 3 * 80_00, pricedTier: "platinum" });
    // A stored figure that drifted is reported, pending or not.
    await db().updateTable("sellout_period_figures").set({ units_sold: 99 }).execute();
    expect((await compare()).length).toBe(2);
  });
});
