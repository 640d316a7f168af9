/**
 * The registry of derived figures (db/derived.ts): after the operations that change their
 * inputs, every figure kept by the domain equals its recomputation; a corrupted summary row is
 * reported by db:check under that figure's name; the figure's recompute repairs it.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb } from "./client";
import { runChecks } from "./check";
import { derivedFigures, recomputeAll } from "./derived";
import { actorFor } from "../tests/factories";
import { orderIn, orderWorld } from "../tests/factories/orders";
import { adjustStock } from "../app/modules/stock/stock.server";
import { saveLine } from "../app/modules/sellout/sellout.server";

/** One corruption per stored figure, by its `table`: a summary row that no longer equals its inputs. */
const CORRUPT: Record<string, string> = {
  catalog_version: "UPDATE catalog_version SET fingerprint = fingerprint + 1 WHERE id = 1",
  product_availability: "UPDATE product_availability SET stocked_warehouses = stocked_warehouses + 1 LIMIT 1",
  "stock_levels.alert_eligible": "UPDATE stock_levels SET alert_eligible = 1 - alert_eligible LIMIT 1",
  "orders.ordered_qty, orders.on_promise_qty, orders.first_shipped_on, orders.last_shipped_on, orders.shipped_value_minor":
    "UPDATE orders SET shipped_value_minor = shipped_value_minor + 1 WHERE shipped_value_minor > 0 LIMIT 1",
  dealer_monthly_figures: "UPDATE dealer_monthly_figures SET ordered_minor = ordered_minor + 1 LIMIT 1",
  "dealer_daily_kpis, order_kpi_contributions": "UPDATE dealer_daily_kpis SET ordered_qty = ordered_qty + 1 LIMIT 1",
  dealer_order_counts: "UPDATE dealer_order_counts SET n = n + 1 LIMIT 1",
  dealer_balances: "UPDATE dealer_balances SET balance_minor = balance_minor + 1 LIMIT 1",
  dealer_debits_due: "UPDATE dealer_debits_due SET debit_minor = debit_minor + 1 LIMIT 1",
  // A product dealer A bought but does not report selling: no sell-out figure reads it.
  dealer_purchase_days: "UPDATE dealer_purchase_days SET quantity = quantity + 1 WHERE product_id NOT IN (SELECT product_id FROM sellout_lines) LIMIT 1",
  sellout_period_figures: "UPDATE sellout_period_figures SET cost_bought_minor = cost_bought_minor + 1 WHERE units_sold > 0 LIMIT 1",
};

describe("derived figures", () => {
  it("are kept by the domain, reported by db:check when a summary row drifts, and repaired by their recompute", async () => {
    const w = await orderWorld();
    // Orders through every status that moves a figure: counts, monthly and daily figures, fulfilment, invoices and aging.
    for (const status of ["draft", "submitted", "credit_hold", "rejected", "cancelled", "approved", "partially_shipped", "shipped", "delivered"] as const)
      await orderIn(w, status);
    await adjustStock(actorFor(w.staff.ops), w.widget.id, { warehouseId: w.north.id, delta: -40, reason: "count" });
    // Dealer A sells on what it bought: January's sell-out figures are costed at its purchase price.
    const sku = (await getDb().selectFrom("products").select("sku").where("id", "=", w.widget.id).executeTakeFirstOrThrow()).sku;
    await saveLine(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-01", { sku, keyAccount: "", region: "", unitsSold: 3, revenue: 45_000, unitsOnHand: 4 });
    const db = getDb();
    const figures = await derivedFigures();
    const failing = async () => (await runChecks(db)).filter((c) => !c.ok).map((c) => c.name);
    expect(await failing()).toEqual([]);
    for (const f of figures) expect({ figure: f.name, rows: await f.compare(db) }).toEqual({ figure: f.name, rows: [] });

    for (const f of figures) {
      const corrupt = CORRUPT[f.table];
      expect(corrupt, `a corruption for ${f.table}`).toBeDefined();
      const r = await sql.raw(corrupt!).execute(db);
      expect(Number(r.numAffectedRows), `${f.table} has a row to corrupt`).toBe(1);
      expect(await failing()).toEqual([f.name]);
      await f.recompute(db);
      expect(await failing()).toEqual([]);
    }
    // Recomputing everything from the inputs changes nothing the domain kept.
    const before = await Promise.all(figures.map((f) => f.compare(db)));
    await recomputeAll(db);
    expect(await Promise.all(figures.map((f) => f.compare(db)))).toEqual(before);
    expect(await failing()).toEqual([]);
  }, 120_000);
});
