/**
 * The dealer-profit measures pages through the real server (issue #24 item 2): the dealer's page and dashboard card,
 * the account manager's list, scorecard and dashboard, the administrator's ranking, each with CSV; scope: another
 * dealer and an account manager of other dealers get 404; hostile query strings never give a 500.
 */
import { describe, expect, it } from "vitest";
import { endedPeriods, lastEndedPeriod } from "../../app/modules/sellout/period";
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

describe("one period in detail (decision 145)", () => {
  // The two last ended months: the earlier one's closing stock is the later one's opening.
  async function detailWorld() {
    const w = await selloutWorld();
    const [last, before] = endedPeriods(todayIn("Asia/Shanghai"), "month", 2).map((p) => p.key) as [string, string];
    await reportLine(w, before, { sku: "AC-100", unitsSold: 5, revenue: 750_000, unitsOnHand: 20 });
    await reportLine(w, before, { sku: "FR-300", unitsSold: 1, revenue: 200_000, unitsOnHand: 4 });
    await reportLine(w, last, { sku: "AC-100", unitsSold: 20, revenue: 3_000_000, unitsOnHand: 10 }); // 10 − (20 − 20): +10
    await reportLine(w, last, { sku: "AC-200", unitsSold: 0, revenue: 0, unitsOnHand: 30 }); // +30
    await reportLine(w, last, { sku: "FR-300", unitsSold: 2, revenue: 400_000, unitsOnHand: 2 }); // balanced
    return { ...w, last, before };
  }
  const STOCK_MARKS = ['data-testid="stock-check"', "Unexplained stock movement", "库存异动核对", 'data-testid="stock-gaps"'];

  it("the account manager and the administrator see the margin per category and the stock check; the dealer and finance only the margin", async () => {
    const w = await detailWorld();
    for (const u of [w.staff.account_manager, w.staff.admin]) {
      const c = await clientFor(base, u);
      const res = await c.get(`/measures/${w.dealerA.id}`);
      expect(res.status, u.role).toBe(200);
      expect(res.text).toContain('data-testid="category-margins-period"');
      expect(res.text).toContain('data-testid="stock-gaps"');
      expect(res.text).toContain("Unexplained stock movement");
      expect(res.text).toMatch(/AC-200[\s\S]*AC-100/); // the largest gap first
      const earlier = await c.get(`/measures/${w.dealerA.id}?period=${w.before}`);
      expect(earlier.status).toBe(200);
      expect(earlier.text).toContain('data-testid="stock-check-state"'); // the first report: no opening
      expect((await c.get(`/measures/${w.dealerA.id}?period=${w.last}&page=2`)).status).toBe(200);
    }
    for (const u of [w.a.dealer_admin, w.a.dealer_sales, w.staff.finance]) {
      const c = await clientFor(base, u);
      for (const q of ["", `?period=${w.last}`, `?period=${w.before}`, `?period=${w.last}&page=2`]) {
        const res = await c.get(`/measures/${w.dealerA.id}${q}`);
        expect(res.status, `${u.role} ${q}`).toBe(200);
        expect(res.text).toContain('data-testid="category-margins-period"');
        expect(res.text).toContain("Wall-mounted AC");
        for (const mark of STOCK_MARKS) expect(res.text, `${u.role} ${q} ${mark}`).not.toContain(mark);
        expect(res.text).not.toContain("skusWithGap"); // not in the page's data either
      }
    }
    // In Chinese: the category table and the stock check in the account manager's language.
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.staff.account_manager.id).execute();
    const cn = await clientFor(base, w.staff.account_manager);
    cn.cookies.set("dd_lang", "zh-CN");
    const zh = await cn.get(`/measures/${w.dealerA.id}`);
    expect(zh.text).toContain("各品类毛利（含返利）");
    expect(zh.text).toContain("库存异动核对");
    expect(zh.text).toContain("壁挂式空调");
  });

  it("another dealer and another account manager's dealer: 404 whatever the period; a bad period: a localized 404, never a 500", async () => {
    const w = await detailWorld();
    for (const u of [w.b.dealer_admin, w.b.dealer_sales, w.am2]) {
      const c = await clientFor(base, u);
      for (const q of ["", `?period=${w.last}`, `?period=${w.last}&page=2`, "?period=garbage"])
        expect((await c.get(`/measures/${w.dealerA.id}${q}`)).status, `${u.role} ${q}`).toBe(404);
    }
    const am = await clientFor(base, w.staff.account_manager);
    for (const q of ["?period=garbage", "?period=1999-01", "?period=2026-W99", "?period=%00", "?period=a&period=b", `?period=${"9".repeat(40)}`]) {
      const res = await am.get(`/measures/${w.dealerA.id}${q}`);
      expect(res.status, q).toBe(404);
      expect(res.text, q).toContain("Not found");
    }
    // Unknown parameters are dropped (period[] is not period); a page out of range falls back or shows no SKUs.
    for (const q of ["?page=-1", "?page=abc", "?page=99999999999", "?period[]=x"]) expect((await am.get(`/measures/${w.dealerA.id}${q}`)).status, q).toBe(200);
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_sales.id).execute();
    const cn = await clientFor(base, w.a.dealer_sales);
    cn.cookies.set("dd_lang", "zh-CN");
    const res = await cn.get(`/measures/${w.dealerA.id}?period=garbage`);
    expect(res.status).toBe(404);
    expect(res.text).toContain("未找到");
  });
});
