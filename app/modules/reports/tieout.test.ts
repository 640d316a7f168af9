/**
 * Every dashboard figure links to the list behind it; the list's total must
 * equal the figure. And reports stay within the caller's scope.
 */
import { describe, expect, it } from "vitest";
import { actorFor } from "../../../tests/factories";
import { getDb } from "../../../db/client";
import { inDays, orderIn, orderWorld } from "../../../tests/factories/orders";
import { createDeal, createKeyAccount, createProduct, createProductLine, createProposedQuote } from "../../../tests/factories/deals";
import { listDeals } from "~/modules/deals/deals.server";
import { DealListQuery } from "~/modules/deals/deals.schema.server";
import { listOrders } from "~/modules/orders/orders.views.server";
import { OrderListQuery } from "~/modules/orders/orders.schema.server";
import { accountManagerDashboard, dealerDashboard } from "./reports.server";
import { salesReport } from "./sales-report.server";
import { SalesReportQuery } from "./sales-report.schema.server";
import { forgetSnapshots } from "~/utils/snapshots.server";

describe("dashboard figures equal the lists they link to", () => {
  it("open orders by status (dealer) and the pipeline by stage (dealer and account manager)", async () => {
    const w = await orderWorld();
    for (const s of ["submitted", "submitted", "approved", "partially_shipped", "shipped", "credit_hold", "cancelled"] as const) await orderIn(w, s);
    const line = await createProductLine();
    const ka = await createKeyAccount(w.staff.account_manager.id);
    await createDeal(w.a.dealer_sales, ka, [line], { approveAs: w.staff.account_manager });
    await createDeal(w.a.dealer_admin, await createKeyAccount(w.staff.account_manager.id), [line]);

    const dealer = actorFor(w.a.dealer_sales);
    const d = await dealerDashboard(dealer, {});
    for (const s of d.openOrders) {
      const list = await listOrders(dealer, OrderListQuery.parse({ status: s.status }));
      expect(list.total, `orders ${s.status}`).toBe(s.count);
    }
    expect(d.openOrders.find((s) => s.status === "submitted")?.count).toBe(2);
    for (const s of d.pipeline) {
      const list = await listDeals(dealer, DealListQuery.parse({ stage: s.stage }));
      expect(list.total, `deals ${s.stage}`).toBe(s.count);
    }
    const am = actorFor(w.staff.account_manager);
    const a = await accountManagerDashboard(am, {});
    for (const s of a.pipeline) {
      const list = await listDeals(am, DealListQuery.parse({ stage: s.stage }));
      expect(list.total, `AM deals ${s.stage}`).toBe(s.count);
    }
    expect(a.pipeline.reduce((n, s) => n + s.count, 0)).toBe(2);
    // Protections ending within 14 days → /deals?expiring=14.
    await getDb()
      .updateTable("deals")
      .set({ protection_expires_on: inDays(5) })
      .where("stage", "=", "approved")
      .execute();
    forgetSnapshots(); // written outside the domain: no journal row (decision 076)
    const soon = await accountManagerDashboard(am, {});
    expect(soon.attention.expiringProtections).toBe(1);
    expect((await listDeals(am, DealListQuery.parse({ expiring: "14" }))).total).toBe(soon.attention.expiringProtections);
    await getDb()
      .updateTable("deals")
      .set({ protection_expires_on: inDays(30) })
      .where("stage", "=", "approved")
      .execute();
    forgetSnapshots();
    expect((await accountManagerDashboard(am, {})).attention.expiringProtections).toBe(0);
    expect((await listDeals(am, DealListQuery.parse({ expiring: "14" }))).total).toBe(0);
    // A proposed quote: the dealer's "quotes to answer" and the account manager's "quotes pending" open lists with the same totals.
    const approved = await getDb().selectFrom("deals").select("id").where("stage", "=", "approved").executeTakeFirstOrThrow();
    const product = await createProduct(line, { listPrice: 100_00 });
    expect((await createProposedQuote(w.staff.account_manager, approved.id, [{ productId: product.id, quantity: 2, unitPrice: 100_00 }])).status).toBe(
      "proposed",
    );
    const withQuote = await dealerDashboard(dealer, {});
    expect(withQuote.actions.quotesToAnswer).toBe(1);
    expect((await listDeals(dealer, DealListQuery.parse({ quotes: "to_answer" }))).total).toBe(withQuote.actions.quotesToAnswer);
    const amWithQuote = await accountManagerDashboard(am, {});
    expect(amWithQuote.attention.quotesPending).toBe(1);
    expect((await listDeals(am, DealListQuery.parse({ quotes: "open" }))).total).toBe(amWithQuote.attention.quotesPending);
    // Another dealer has nothing to answer.
    expect((await dealerDashboard(actorFor(w.b.dealer_admin), {})).actions.quotesToAnswer).toBe(0);
    expect((await listDeals(actorFor(w.b.dealer_admin), DealListQuery.parse({ quotes: "to_answer" }))).total).toBe(0);
  });
});

describe("reports", () => {
  it("totals equal the orders behind them, and a dealer or account manager never sees another dealer's", async () => {
    const w = await orderWorld();
    await orderIn(w, "submitted");
    await orderIn(w, "approved");
    await orderIn(w, "draft"); // sent back: not counted
    const q = SalesReportQuery.parse({ groupBy: "dealer" });
    const mine = await salesReport(actorFor(w.a.dealer_sales), q);
    expect(mine.rows.map((r) => r.key)).toEqual([w.dealerA.code]);
    const listed = await listOrders(actorFor(w.a.dealer_sales), OrderListQuery.parse({}));
    const counted = listed.rows.filter((o) => ["submitted", "approved"].includes(o.status));
    expect(mine.totals.valueMinor).toBe(counted.reduce((s, o) => s + o.total_minor, 0));
    expect(mine.rows[0]!.orders).toBe(2);
    // Dealer B, and dealer B's account manager, see nothing of dealer A.
    expect((await salesReport(actorFor(w.b.dealer_sales), q)).rows).toEqual([]);
    expect((await salesReport(actorFor(w.am2), q)).rows).toEqual([]);
    // Dealer A's account manager and ops see it; filters narrow it.
    expect((await salesReport(actorFor(w.staff.account_manager), q)).totals.valueMinor).toBe(mine.totals.valueMinor);
    expect((await salesReport(actorFor(w.staff.ops), SalesReportQuery.parse({ groupBy: "region", region: "west" }))).rows).toEqual([]);
    expect(SalesReportQuery.safeParse({ groupBy: "planet" }).success).toBe(false);
  });
});
