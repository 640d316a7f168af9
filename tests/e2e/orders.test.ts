/**
 * Browser journey, in both languages: a dealer builds a made-to-order order
 * and submits it; the order desk approves it from the queue and ships part of
 * it; the dealer sees the timeline, the shipment and its tracking number.
 */
import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { getDb } from "../../db/client";
import { TEST_PASSWORD } from "../factories";
import { inDays, orderWorld } from "../factories/orders";
import type { Page } from "playwright-core";
import { newPage, screenshot, withServerAndBrowser, signInAs } from "../helpers/browser";
import { translate, type Locale, type MessageKey } from "../../app/i18n";

let browser: Browser;

/** Signs in through the login form (and, for staff, the second step). */
const signIn = (page: Page, email: string) => signInAs(page, email, TEST_PASSWORD);
let base: string;

withServerAndBrowser((s) => ({ base, browser } = s));

describe("order journey", () => {
  for (const locale of ["zh-CN", "en"] as const satisfies readonly Locale[]) {
    it(`dealer orders a custom product, ops approves and ships part, dealer tracks it (${locale})`, async () => {
      const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
      const w = await orderWorld();
      await getDb().updateTable("users").set({ locale }).where("id", "in", [w.a.dealer_sales.id, w.staff.ops.id]).execute();

      // The dealer builds the order.
      const dealer = await newPage(browser, base, locale);
      const page = dealer.page;
      await signIn(page, w.a.dealer_sales.email);
      await page.goto("/orders/new");
      await page.fill("#product-q", w.custom.sku);
      await page.click("form[role=search] button[type=submit]");
      await page.click(`button[aria-label="${t("orders.addSku", { sku: w.custom.sku })}"]`);
      await page.waitForURL(/\/orders\/drafts\/\d+/);
      await page.waitForLoadState("networkidle");
      await page.selectOption("select[name='lines.0.opt.color']", "grey");
      await page.fill("input[name='lines.0.opt.width']", "1200");
      await page.fill("input[name='lines.0.opt.engraving']", "HC-01");
      await page.fill("textarea[name='lines.0.specNotes']", "RAL 7035, 按图纸");
      await page.fill("input[name='lines.0.quantity']", "2");
      // The live total follows the quantity before anything is saved (450.00 × 2).
      await expect.poll(() => page.textContent("[data-testid=order-total]")).toMatch(/900/);
      await page.fill("#product-q", w.widget.sku);
      await page.keyboard.press("Enter");
      await page.waitForSelector(`button[aria-label="${t("orders.addSku", { sku: w.widget.sku })}"]`);
      // The search has finished navigating, so the button clicked is not replaced by the results it was waiting for.
      await page.waitForLoadState("networkidle");
      await page.click(`button[aria-label="${t("orders.addSku", { sku: w.widget.sku })}"]`);
      await page.waitForSelector("input[name='lines.1.quantity']");
      // What was typed on the first line survived adding the second.
      expect(await page.inputValue("input[name='lines.0.opt.width']")).toBe("1200");
      await page.fill("input[name='lines.1.quantity']", "3");
      await page.fill("input[name=requestedDate]", inDays(21));
      await page.fill("input[name=poReference]", "PO-E2E-1");
      await screenshot(page, `orders-builder-${locale}`);
      await Promise.all([page.waitForURL(/\/orders\/SO-\d{4}-\d{6}/), page.click(`button[value=submit]`)]);
      const number = /\/orders\/(SO-\d{4}-\d{6})/.exec(page.url())![1]!;
      // React renders the new page just after the URL changes: wait for the content, not the URL.
      await expect.poll(() => page.textContent("body")).toContain(t("orders.submittedOk", { number }));
      expect(await page.textContent("body")).toContain(t("orders.status.submitted"));

      // The order desk approves from the queue and ships the widgets.
      const desk = await newPage(browser, base, locale);
      const ops = desk.page;
      await signIn(ops, w.staff.ops.email);
      await ops.goto("/review/orders");
      expect(await ops.textContent("[data-testid=review-table]")).toContain(number);
      await Promise.all([ops.waitForURL(/done=approve/), ops.click(`button[aria-label="${t("review.approveN", { number })}"]`)]);
      await ops.goto(`/orders/${number}`);
      await ops.waitForLoadState("networkidle");
      await expect.poll(() => ops.textContent("body")).toContain(t("orders.status.approved"));
      await ops.fill("input[name=carrier]", "SF Express");
      await ops.fill("input[name=trackingNumber]", "SF1234567890");
      await Promise.all([ops.waitForURL(/done=ship/), ops.click(`button:has-text("${t("orders.recordShipment")}") >> nth=-1`)]);
      await expect.poll(() => ops.textContent("body")).toContain(t("orders.done.ship"));
      expect(await ops.textContent("body")).toContain(t("orders.status.partially_shipped"));
      await screenshot(ops, `orders-ops-${locale}`);

      // The dealer tracks it.
      await page.goto(`/orders/${number}`);
      await page.waitForSelector("[data-testid=timeline]");
      const timeline = await page.textContent("[data-testid=timeline]");
      expect(timeline).toContain(t("orders.history.change", { from: t("orders.status.draft"), to: t("orders.status.submitted") }));
      expect(timeline).toContain(t("orders.history.change", { from: t("orders.status.submitted"), to: t("orders.status.approved") }));
      expect(timeline).toContain(t("orders.history.change", { from: t("orders.status.approved"), to: t("orders.status.partially_shipped") }));
      expect(await page.textContent("[data-testid=tracking]")).toContain("SF1234567890");
      expect(await page.textContent("[data-testid='line-2'] [data-testid=shipped]")).toBe("3");
      expect(await page.textContent("[data-testid='line-1'] [data-testid=production]")).toBe("2");
      expect(await page.textContent("[data-testid=promised-date]")).not.toBe("—");
      expect(await page.textContent("body")).toContain(t("orders.dateReason.approval"));
      await screenshot(page, `orders-tracking-${locale}`);
      await dealer.context.close();
      await desk.context.close();
    }, 90_000);
  }
});
