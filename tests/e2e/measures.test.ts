/**
 * Journey (issue #24 item 2): a dealer (Chinese) reads its profit measures on the dashboard and its page; its account
 * manager (English) reads the scorecard and each dealer's figures; the administrator (both languages) ranks the
 * account managers. Every page fits 1366 and 390 px (no sideways scrolling; tables scroll inside their card);
 * screenshots in tests/artifacts. Needs `npx remix build` first (npm test does it).
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { endedPeriods } from "../../app/modules/sellout/period";
import { actorFor } from "../factories";
import { TEST_PASSWORD } from "../factories";
import { createProduct } from "../factories/catalog";
import { reportLine, selloutWorld } from "../factories/sellout";
import { saveCategoryTotal } from "../../app/modules/sellout/sellout.server";
import { todayIn } from "../../app/utils/time";
import path from "node:path";
import { ARTIFACTS, newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base: string;
withServerAndBrowser((s) => ({ base, browser } = s));

async function fits(page: Page, name: string, section?: string) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `${name} at ${width} px`).toBeLessThanOrEqual(width);
    await screenshot(page, `${name}-${width}`);
    // The section the test is about, alone (a whole page at 390 px is too long to read).
    if (section) await page.getByTestId(section).screenshot({ path: path.join(ARTIFACTS, `${name}-${section}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

describe("dealer profit measures journey", () => {
  it("dealer (zh) dashboard and page → account manager (en) scorecard → administrator ranking (en, zh)", async () => {
    const w = await selloutWorld();
    await createProduct({ sku: "AC-300" });
    const months = endedPeriods(todayIn("Asia/Shanghai"), "month", 4).reverse();
    for (const [i, m] of months.entries()) {
      await reportLine(w, m.key, { sku: "AC-100", unitsSold: 20 + i * 3, revenue: (20 + i * 3) * 150_000, unitsOnHand: 12 - i * 2 });
      await reportLine(w, m.key, { sku: "AC-200", unitsSold: 0, revenue: 0, unitsOnHand: 30 });
      await reportLine(w, m.key, { sku: "AC-300", unitsSold: 1, revenue: 150_000, unitsOnHand: 9 });
      await reportLine(w, m.key, { sku: "FR-300", unitsSold: 6, revenue: 1_200_000, unitsOnHand: 15 });
      await saveCategoryTotal(actorFor(w.a.dealer_sales), w.dealerA.id, m.key, { category: "split_ac", revenue: 9_000_000 + i * 100_000 });
      await saveCategoryTotal(actorFor(w.a.dealer_sales), w.dealerA.id, m.key, { category: "fridge", revenue: 2_000_000 });
    }
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_admin.id).execute();

    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, w.a.dealer_admin.email, TEST_PASSWORD);
    await dealer.page.goto("/");
    await dealer.page.getByTestId("dealer-measures").waitFor();
    await dealer.page.getByTestId("dealer-measures").scrollIntoViewIfNeeded();
    await fits(dealer.page, "measures-dashboard-dealer-zh");
    await dealer.page.getByRole("link", { name: "全部指标与物料清单" }).click();
    await dealer.page.waitForURL(new RegExp(`/measures/${w.dealerA.id}$`));
    await dealer.page.getByTestId("slow-movers").getByText("AC-200").waitFor();
    await fits(dealer.page, "measures-dealer-zh");

    const am = await newPage(browser, base, "en-US");
    await signInAs(am.page, w.staff.account_manager.email, TEST_PASSWORD);
    await am.page.goto("/");
    await am.page.getByTestId("am-measures").waitFor();
    await fits(am.page, "measures-dashboard-am-en");
    await am.page.goto("/measures");
    await am.page.getByTestId("scorecard").waitFor();
    await fits(am.page, "measures-list-am-en");
    await am.page.goto(`/measures/${w.dealerA.id}`);
    await fits(am.page, "measures-dealer-en");

    const admin = await newPage(browser, base, "en-US");
    await signInAs(admin.page, w.staff.admin.email, TEST_PASSWORD);
    await admin.page.goto("/reports/managers");
    await admin.page.getByTestId("manager-ranking").getByText("AM One").waitFor();
    await fits(admin.page, "measures-ranking-en");
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.staff.admin.id).execute();
    const adminZh = await newPage(browser, base, "zh-CN");
    await signInAs(adminZh.page, w.staff.admin.email, TEST_PASSWORD);
    await adminZh.page.goto("/reports/managers");
    await adminZh.page.getByRole("heading", { name: "按经销商指标排名的客户经理" }).waitFor();
    await fits(adminZh.page, "measures-ranking-zh");
    await Promise.all([dealer.context.close(), am.context.close(), admin.context.close(), adminZh.context.close()]);
  }, 120_000); // a journey of several users in two languages: slow on a loaded 2-core machine

  it("one period in detail: the margin per category for everyone, the stock check for the account manager only (en, zh)", async () => {
    const w = await selloutWorld();
    await createProduct({ sku: "AC-300" });
    const months = endedPeriods(todayIn("Asia/Shanghai"), "month", 3).reverse();
    for (const [i, m] of months.entries()) {
      await reportLine(w, m.key, { sku: "AC-100", unitsSold: 20 + i * 3, revenue: (20 + i * 3) * 150_000, unitsOnHand: 12 - i * 2 });
      await reportLine(w, m.key, { sku: "AC-200", unitsSold: i, revenue: i * 140_000, unitsOnHand: 30 - i });
      await reportLine(w, m.key, { sku: "AC-300", unitsSold: 1, revenue: 150_000, unitsOnHand: 9 + i });
      await reportLine(w, m.key, { sku: "FR-300", unitsSold: 6, revenue: 1_200_000, unitsOnHand: 15 });
    }
    const [older, last] = [months[1]!.key, months[2]!.key];
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "in", [w.a.dealer_admin.id, w.am2.id]).execute();

    const am = await newPage(browser, base, "en-US");
    await signInAs(am.page, w.staff.account_manager.email, TEST_PASSWORD);
    await am.page.goto(`/measures/${w.dealerA.id}`);
    await am.page.getByTestId("stock-gaps").getByText("AC-100").waitFor();
    await am.page.getByTestId("category-margins-period").getByText("Wall-mounted AC").waitFor();
    await am.page.getByTestId("period-detail").scrollIntoViewIfNeeded();
    await fits(am.page, "measures-detail-am-en", "period-detail");
    // The period picker (a GET form): the earlier month, its stock checked against the one before.
    await am.page.locator("#detail-period").selectOption(older);
    await Promise.all([am.page.waitForURL(new RegExp(`period=${older}`)), am.page.getByRole("button", { name: "Show" }).click()]);
    await am.page.getByTestId("stock-check").getByText(`${older} against the closing stock of ${months[0]!.key}.`).waitFor();
    expect(await am.page.getByTestId("category-margins-period").textContent()).toContain("Refrigerators");

    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, w.a.dealer_admin.email, TEST_PASSWORD);
    await dealer.page.goto(`/measures/${w.dealerA.id}?period=${last}`);
    await dealer.page.getByTestId("category-margins-period").getByText("壁挂式空调").waitFor();
    expect(await dealer.page.getByTestId("stock-check").count()).toBe(0);
    expect(await dealer.page.content()).not.toContain("库存异动核对");
    await dealer.page.getByTestId("period-detail").scrollIntoViewIfNeeded();
    await fits(dealer.page, "measures-detail-dealer-zh", "period-detail");

    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.staff.account_manager.id).execute();
    const amZh = await newPage(browser, base, "zh-CN");
    await signInAs(amZh.page, w.staff.account_manager.email, TEST_PASSWORD);
    await amZh.page.goto(`/measures/${w.dealerA.id}`);
    await amZh.page.getByTestId("stock-check").getByText("库存异动核对").waitFor();
    await fits(amZh.page, "measures-detail-am-zh", "period-detail");
    const bad = await amZh.page.goto(`/measures/${w.dealerA.id}?period=1999-01`);
    expect(bad?.status()).toBe(404);
    await amZh.page.getByText("未找到").first().waitFor();
    await screenshot(amZh.page, "measures-detail-bad-period-zh");
    await Promise.all([am.context.close(), dealer.context.close(), amZh.context.close()]);
  }, 120_000);
});
