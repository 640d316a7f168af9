/**
 * Browser check of every role's dashboard, in both languages: the page loads,
 * its charts are SVG with a <title> and <desc>, no raw i18n key shows, a
 * figure's link opens the list behind it (filtered, with the figure's count),
 * and at phone width (390 px) no chart is wider than the screen.
 * Needs `npx remix build` first (npm test does it).
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { actorFor, TEST_PASSWORD, type TestUser } from "../factories";
import { createDeal, createKeyAccount, createProductLine } from "../factories/deals";
import { orderIn, orderRow, orderWorld, submitNew, type World } from "../factories/orders";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";
import { rawKeys } from "../helpers/i18n";
import { approveOrder } from "../../app/modules/orders/orders.server";
import { translate, type Locale, type MessageKey } from "../../app/i18n";

let browser: Browser;
let base: string;

withServerAndBrowser((s) => ({ base, browser } = s));

/** Orders in several states (one with a backorder), an approved deal: every dashboard has something to chart. */
async function world(): Promise<World> {
  const w = await orderWorld();
  await orderIn(w, "submitted");
  await orderIn(w, "submitted");
  await orderIn(w, "approved");
  await orderIn(w, "partially_shipped");
  // More than all the stock there is: the rest is backordered.
  const big = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 400 }]);
  await approveOrder(actorFor(w.staff.ops), big.id, { version: (await orderRow(big.id)).version });
  const line = await createProductLine();
  await createDeal(w.a.dealer_sales, await createKeyAccount(w.staff.account_manager.id), [line], { approveAs: w.staff.account_manager });
  return w;
}

/**
 * Every chart shown on the page (an SVG chart, or an HTML bar chart marked `data-chart`): an image, or a group of
 * links, named and described by non-empty texts it references.
 */
async function expectAccessibleCharts(page: Page, min: number) {
  const charts = page.locator("figure svg[role=img]:visible, figure [data-chart][role=img]:visible, figure [data-chart][role=group]:visible");
  await charts.first().waitFor();
  const n = await charts.count();
  expect(n).toBeGreaterThanOrEqual(min);
  for (let i = 0; i < n; i++) {
    const chart = charts.nth(i);
    expect(await chart.isVisible()).toBe(true);
    const ids = ((await chart.getAttribute("aria-labelledby")) ?? "").split(" ").filter(Boolean);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(((await page.locator(`[id="${id}"]`).textContent()) ?? "").trim().length, id).toBeGreaterThan(0);
  }
}

async function expectNoRawKeys(page: Page) {
  expect(rawKeys(await page.content())).toEqual([]);
}

/**
 * Every column chart's axis texts (value ticks, month labels) lie inside the chart's own box, so none is cut off by
 * the card or the screen, and the month labels shown never overlap one another.
 */
async function expectColumnTextsInside(page: Page) {
  const charts = page.locator("[data-chart=column]:visible");
  const n = await charts.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const chart = charts.nth(i);
    const box = (await chart.boundingBox())!;
    const texts = await chart.locator("[data-tick], [data-label]").evaluateAll((els) =>
      els
        .filter((e) => (e as HTMLElement).offsetParent !== null)
        .map((e) => {
          const r = e.getBoundingClientRect();
          return {
            label: e.hasAttribute("data-label"),
            text: e.textContent,
            left: r.left + scrollX,
            right: r.right + scrollX,
            top: r.top + scrollY,
            bottom: r.bottom + scrollY,
          };
        }),
    );
    expect(texts.filter((t) => t.label).length, `chart ${i}: month labels`).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t.left, `${t.text}`).toBeGreaterThanOrEqual(box.x - 0.5);
      expect(t.right, `${t.text}`).toBeLessThanOrEqual(box.x + box.width + 0.5);
      expect(t.top, `${t.text}`).toBeGreaterThanOrEqual(box.y - 0.5);
      expect(t.bottom, `${t.text}`).toBeLessThanOrEqual(box.y + box.height + 0.5);
    }
    const months = texts.filter((t) => t.label);
    for (let j = 1; j < months.length; j++) expect(months[j]!.left, `${months[j]!.text} after ${months[j - 1]!.text}`).toBeGreaterThan(months[j - 1]!.right);
  }
}

/** At 390 px no chart is wider than the viewport. */
async function expectChartsFitPhone(page: Page) {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const charts = page.locator("figure svg[role=img]:visible, figure [data-chart]:visible");
  await charts.first().waitFor();
  for (let i = 0; i < (await charts.count()); i++) {
    const box = await charts.nth(i).boundingBox();
    expect(box, `chart ${i}`).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `chart ${i}`).toBeLessThanOrEqual(390);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function open(locale: Locale, user: TestUser, testId: string) {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const { page } = await newPage(browser, base, locale);
  await signInAs(page, user.email, TEST_PASSWORD);
  await page.goto("/");
  await page.getByTestId(testId).waitFor();
  return page;
}

describe("role dashboards in the browser", () => {
  for (const locale of ["zh-CN", "en"] as const satisfies readonly Locale[]) {
    const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);

    it(`dealer: charts, no raw keys, a bar opens the filtered order list, fits a phone (${locale})`, async () => {
      const w = await world();
      const page = await open(locale, w.a.dealer_sales, "dealer-dashboard");
      await expect.poll(() => page.textContent("h1")).toContain(t("dashboard.title"));
      await expectAccessibleCharts(page, 3); // open orders, pipeline, trend
      await expectColumnTextsInside(page);
      await expectNoRawKeys(page);
      await screenshot(page, `dashboard-dealer-${locale}`);
      await expectChartsFitPhone(page);
      await page.setViewportSize({ width: 390, height: 844 });
      await expectColumnTextsInside(page);
      await page.setViewportSize({ width: 1280, height: 900 });
      // Every figure's link answers with its list (none is refused as a bad filter).
      const links = await page
        .getByTestId("dealer-dashboard")
        .locator("a[href^='/']")
        .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute("href")!))]);
      for (const href of links) expect((await page.request.get(href)).status(), href).toBe(200);
      // The "submitted" bar of open orders → the order list filtered to submitted, with as many rows.
      await page.locator('[data-chart] a[href="/orders?status=submitted"]').first().click();
      await page.waitForURL(/\/orders\?status=submitted$/);
      await page.getByTestId("orders-table").waitFor();
      const rows = page.getByTestId("orders-table").locator("tbody tr");
      expect(await rows.count()).toBe(2);
      for (const text of await rows.allTextContents()) expect(text).toContain(t("orders.status.submitted"));
    });

    it(`account manager: pipeline chart, no raw keys, a stage opens the deal list, fits a phone (${locale})`, async () => {
      const w = await world();
      const page = await open(locale, w.staff.account_manager, "am-dashboard");
      await expectAccessibleCharts(page, 2); // pipeline, deal aging
      await expectNoRawKeys(page);
      await screenshot(page, `dashboard-am-${locale}`);
      await expectChartsFitPhone(page);
      const links = await page
        .getByTestId("am-dashboard")
        .locator("a[href^='/']")
        .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute("href")!))]);
      for (const href of links) expect((await page.request.get(href)).status(), href).toBe(200);
      await page.locator('[data-chart] a[href="/deals?stage=approved"]').first().click();
      await page.waitForURL(/\/deals\?stage=approved$/);
      await page.getByTestId("deals-table").waitFor();
      expect(await page.getByTestId("deals-table").locator("tbody tr").count()).toBe(1);
    });

    it(`order desk: backorders chart, no raw keys, the review queue figure opens the queue, fits a phone (${locale})`, async () => {
      const w = await world();
      const page = await open(locale, w.staff.ops, "ops-dashboard");
      await expectAccessibleCharts(page, 1); // backorders by product
      await expect.poll(() => page.locator("figure [data-chart] .sr-only").first().textContent()).toBe(t("dash.backorders"));
      await expectNoRawKeys(page);
      await screenshot(page, `dashboard-ops-${locale}`);
      await expectChartsFitPhone(page);
      await page
        .locator('a[href="/review/orders"]')
        .filter({ hasText: t("dash.reviewQueue") })
        .click();
      await page.waitForURL(/\/review\/orders$/);
      await page.getByTestId("review-table").waitFor();
      expect(await page.getByTestId("review-table").locator("tbody tr").count()).toBe(2);
    });

    it(`finance: utilisation chart, no raw keys, a dealer's bar opens its ledger, fits a phone (${locale})`, async () => {
      const w = await world();
      const page = await open(locale, w.staff.finance, "finance-dashboard");
      await expectAccessibleCharts(page, 1); // credit utilisation
      await expectNoRawKeys(page);
      await screenshot(page, `dashboard-finance-${locale}`);
      await expectChartsFitPhone(page);
      await page.locator(`[data-chart] a[href="/finance/ledger/${w.dealerA.id}"]`).first().click();
      await page.waitForURL(new RegExp(`/finance/ledger/${w.dealerA.id}$`));
      await expect.poll(() => page.textContent("body")).toContain(w.dealerA.code);
    });

    it(`finance: a dealer over its limit is marked in words and stripes, its long value whole at 390 px (${locale})`, async () => {
      const w = await world();
      // 38,520.00 used of 19,700.00: 195.5 %.
      await getDb().updateTable("organisations").set({ credit_limit_minor: 19_700_00 }).where("id", "=", w.dealerA.id).execute();
      await getDb().updateTable("users").set({ locale }).where("id", "=", w.staff.finance.id).execute();
      const { page } = await newPage(browser, base, locale);
      await page.setViewportSize({ width: 390, height: 844 });
      await signInAs(page, w.staff.finance.email, TEST_PASSWORD);
      await page.goto("/");
      await page.getByTestId("finance-dashboard").waitFor();
      const over = page.locator(`[data-chart] a[href="/finance/ledger/${w.dealerA.id}"]`);
      await over.getByText(t("dash.overLimit")).waitFor();
      expect(await over.locator("[data-alert]").count()).toBe(1);
      expect(await page.locator(`[data-chart] a[href="/finance/ledger/${w.dealerB.id}"] [data-alert]`).count()).toBe(0);
      const value = over.locator("[data-bar-value]");
      expect(await value.textContent()).toMatch(/195\.5\s?%/);
      // Nothing of the value is cut off: its box lies inside the chart's and the phone's width.
      const vb = (await value.boundingBox())!;
      const cb = (await page.locator("[data-chart]").first().boundingBox())!;
      expect(vb.x + vb.width).toBeLessThanOrEqual(Math.min(390, cb.x + cb.width) + 0.5);
      expect(await value.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      await screenshot(page, `dashboard-finance-over-limit-${locale}-390`);
    });

    it(`administrator: the order desk and finance panels, no raw keys, fits a phone (${locale})`, async () => {
      const w = await world();
      const page = await open(locale, w.staff.admin, "ops-dashboard");
      await page.getByTestId("finance-dashboard").waitFor();
      await expectAccessibleCharts(page, 2);
      await expectNoRawKeys(page);
      await screenshot(page, `dashboard-admin-${locale}`);
      await expectChartsFitPhone(page);
      for (const id of ["ops-dashboard", "finance-dashboard"]) {
        const links = await page
          .getByTestId(id)
          .locator("a[href^='/']")
          .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute("href")!))]);
        for (const href of links) expect((await page.request.get(href)).status(), href).toBe(200);
      }
      await page.locator('a[href="/statements?status=overdue"]').click();
      await page.waitForURL(/\/statements\?status=overdue$/);
      await expectNoRawKeys(page);
    });
  }
});
