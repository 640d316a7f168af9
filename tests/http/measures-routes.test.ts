/**
 * The dealer-profit measures pages through the real server (issue #24 item 2): the dealer's page and dashboard card,
 * the account manager's list, scorecard and dashboard, the administrator's ranking, each with CSV; scope: another
 * dealer and an account manager of other dealers get 404; hostile query strings never give a 500.
 */
import { describe, expect, it } from "vitest";
import { lastEndedPeriod } from "../../app/modules/sellout/period";
import { todayIn } from "../../app/utils/time";
import { reportLine, selloutWorld } from "../factories/sellout";
import { clientFor, withTestServer } from "../helpers/http";
import { getDb } from "../../db/client";

let base = "";
withTestServer((url) => (base = url));

// The server runs on the real clock: the period is whatever month ended last.
const period = () => lastEndedPeriod(todayIn("Asia/Shanghai"), "month").key;

async function world() {
  const w = await selloutWorld();
  await reportLine(w, period(), { sku: "AC-100", unitsSold: 20, revenue: 3_000_000, unitsOnHand: 10 });
  await reportLine(w, period(), { sku: "AC-200", unitsSold: 0, revenue: 0, unitsOnHand: 30 });
  return w;
}

describe("measures pages", () => {
  it("the dealer sees its figures, lists and CSV on its page and its dashboard, in both languages", async () => {
    const w = await world();
    const sales = await clientFor(base, w.a.dealer_sales);
    const page = await sales.get(`/measures/${w.dealerA.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Inventory turnover days");
    expect(page.text).toContain('data-testid="slow-movers"');
    expect(page.text).toMatch(/AC-200/); // on hand, nothing sold: a slow mover
    expect(page.text).toContain('data-testid="selling-out"');
    const csv = await sales.get(`/measures/${w.dealerA.id}?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type") ?? "").toMatch(/text\/csv/);
    expect(csv.text.split("\n")[0]).toContain("turnover_days");
    expect(csv.text).toContain(`${period()},`);
    const dash = await sales.get("/");
    expect(dash.text).toContain('data-testid="dealer-measures"');
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_admin.id).execute();
    const cn = await clientFor(base, w.a.dealer_admin);
    cn.cookies.set("dd_lang", "zh-CN");
    const zh = await cn.get(`/measures/${w.dealerA.id}`);
    expect(zh.status).toBe(200);
    expect(zh.text).toContain("库存周转天数");
    expect(zh.text).toContain("滞销物料");
    expect((await cn.get("/")).text).toContain("经营指标");
  });

  it("the account manager sees their dealers and scorecard (not others'); others get 404; the list has CSV", async () => {
    const w = await world();
    const am = await clientFor(base, w.staff.account_manager);
    const list = await am.get("/measures");
    expect(list.status).toBe(200);
    expect(list.text).toContain('data-testid="scorecard"');
    expect(list.text).toContain("Dealer A");
    expect(list.text).not.toContain("Dealer B");
    const csv = await am.get("/measures?format=csv");
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(w.dealerA.code);
    expect((await am.get("/")).text).toContain('data-testid="am-measures"');
    for (const u of [w.b.dealer_admin, w.b.dealer_sales, w.am2]) {
      const c = await clientFor(base, u);
      for (const path of [`/measures/${w.dealerA.id}`, `/measures/${w.dealerA.id}?format=csv`])
        expect((await c.get(path)).status, `${u.role} ${path}`).toBe(404);
    }
    expect((await (await clientFor(base, w.b.dealer_sales)).get("/measures?format=csv")).text).not.toContain(w.dealerA.code);
  });

  it("the administrator ranks account managers, with CSV; hostile query strings fall back, never a 500", async () => {
    const w = await world();
    const admin = await clientFor(base, w.staff.admin);
    const page = await admin.get("/reports/managers?by=turnoverDays");
    expect(page.status).toBe(200);
    expect(page.text).toContain("AM One");
    const csv = await admin.get("/reports/managers?format=csv&by=shareBp");
    expect(csv.status).toBe(200);
    expect(csv.text.split("\n")[0]).toMatch(/^rank,manager,email,dealers/);
    expect(csv.text).toContain("AM One");
    for (const q of ["?by=%27;DROP", "?page=-1", "?page=abc&by[]=x", "?format=xml", "?page=99999999999"])
      expect((await admin.get(`/reports/managers${q}`)).status, q).toBe(200);
    for (const q of ["?page=0", "?page=%00", "?format=csv%00"]) expect((await admin.get(`/measures${q}`)).status, q).toBe(200);
    expect((await admin.get("/measures/abc")).status).toBe(404);
    expect((await admin.get("/measures/99999999")).status).toBe(404);
    expect((await (await clientFor(base, w.staff.finance)).get("/reports/managers")).status).toBe(403);
  });
});
