/**
 * Journey (issue #24): a dealer (Chinese, JavaScript on) reports last month by form and by uploading a
 * file, with the progress and result shown; its account manager (English) sees who has not reported and
 * reads the period; finance closes it. Every page fits 1366 and 390 px (no sideways scrolling) in both
 * languages; screenshots in tests/artifacts. Needs `npx remix build` first (npm test does it).
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { lastEndedPeriod } from "../../app/modules/sellout/period";
import { todayIn } from "../../app/utils/time";
import { TEST_PASSWORD } from "../factories";
import { selloutWorld } from "../factories/sellout";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base: string;
withServerAndBrowser((s) => ({ base, browser } = s));

/** Screenshots at both widths; the page must not scroll sideways at either. */
async function fits(page: Page, name: string) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `${name} at ${width} px`).toBeLessThanOrEqual(width);
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

describe("sell-out journey", () => {
  it("report by form and file (zh) → account manager sees who has not reported (en) → finance closes", async () => {
    const w = await selloutWorld();
    const period = lastEndedPeriod(todayIn("Asia/Shanghai"), "month").key;
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_sales.id).execute();

    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, w.a.dealer_sales.email, TEST_PASSWORD);
    await dealer.page.goto("/sellout");
    await dealer.page.getByRole("heading", { name: "销量与库存上报" }).waitFor();
    await fits(dealer.page, "sellout-dealer-zh");
    await dealer.page.getByRole("link", { name: period }).first().click();
    await dealer.page.waitForURL(new RegExp(`/sellout/${w.dealerA.id}/${period}$`));
    await dealer.page.fill("#line-sku", "AC-100");
    await dealer.page.fill("#line-unitsSold", "12");
    await dealer.page.fill("#line-revenue", "1,200.00");
    await dealer.page.fill("#line-unitsOnHand", "4");
    await dealer.page.getByRole("button", { name: "保存", exact: true }).click();
    await dealer.page.getByText("已保存。").waitFor();
    await fits(dealer.page, "sellout-period-zh");

    await dealer.page.goto(`/sellout/${w.dealerA.id}/upload`);
    await dealer.page.selectOption("select[name=period]", period);
    await dealer.page.setInputFiles("input[name=file]", {
      name: "销量.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("物料编码,销量,销售额,期末库存,区域\nAC-200,3,300,1,华东\nFR-300,1,99.90,,\n"),
    });
    await Promise.all([dealer.page.waitForURL(/upload\?job=\d+/), dealer.page.getByRole("button", { name: "上传并导入" }).click()]);
    await dealer.page.locator('[data-testid=import-job][data-status="succeeded"]').waitFor();
    await fits(dealer.page, "sellout-upload-zh");
    expect((await getDb().selectFrom("sellout_lines").select("id").execute()).length).toBe(3);

    const am = await newPage(browser, base, "en-US");
    await signInAs(am.page, w.am2.email, TEST_PASSWORD);
    await am.page.goto("/sellout");
    await am.page.getByTestId("sellout-not-reported").getByText("Dealer B").waitFor();
    await fits(am.page, "sellout-staff-en");

    const fin = await newPage(browser, base, "en-US");
    await signInAs(fin.page, w.staff.finance.email, TEST_PASSWORD);
    await fin.page.goto(`/sellout/${w.dealerA.id}/${period}`);
    await fin.page.getByRole("button", { name: "Close period" }).click();
    await fin.page.getByText("Period closed.").waitFor();
    await fits(fin.page, "sellout-period-closed-en");
    await Promise.all([dealer.context.close(), am.context.close(), fin.context.close()]);
  }, 120_000); // a journey of several users in two languages: slow on a loaded 2-core machine
});
