/**
 * A page holds only its reader's language (decision 117): the browser fetches that language's messages
 * and no other, hydrates with them, and fetches the other language only when the reader switches, in
 * the same document (with JavaScript) or by a new one (without).
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { systemActor } from "../../app/modules/auth/actor";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { addDays, monthBounds, todayIn } from "../../app/utils/time";
import { createCast, TEST_PASSWORD } from "../factories";
import { matrixDealRecords } from "../factories/deals";
import { orderIn, orderRow, orderWorld } from "../factories/orders";
import { screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";
import { post } from "../helpers/ledger";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

/** The messages files the page requests, by language. */
function messageRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const m = /\/i18n\/(en|zh-CN)[.]/.exec(new URL(r.url()).pathname);
    if (m) seen.push(m[1]!);
  });
  return seen;
}

const hydrated = (page: Page) =>
  page.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized));

describe("browser: one language's messages per page", () => {
  it("a Chinese reader's pages load only Chinese messages; switching to English (JavaScript on) loads English in the same document", async () => {
    const cast = await createCast();
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_admin.id).execute();
    const context = await browser.newContext({ baseURL: base, locale: "zh-CN", viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    const requested = messageRequests(page);
    try {
      await signInAs(page, cast.a.dealer_admin.email, TEST_PASSWORD);
      await hydrated(page);
      await page.locator("h1", { hasText: "工作台" }).waitFor();
      // A client navigation renders Chinese from the messages the page holds.
      await page.evaluate(() => ((window as unknown as { ddMarker: number }).ddMarker = 1));
      await page.click("nav summary");
      await Promise.all([page.waitForURL((u) => u.pathname === "/orders"), page.click('nav details a[href="/orders"]')]);
      await page.locator("h1", { hasText: "订单" }).waitFor();
      expect(await page.title()).toContain("经销商工作台");
      expect(requested.every((l) => l === "zh-CN")).toBe(true);
      expect(requested.length).toBeGreaterThan(0);

      await page.click("button[name=locale][value=en]");
      await page.locator("h1", { hasText: "Orders" }).waitFor();
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
      expect(await page.title()).toBe("Orders · Dealer Desk");
      await expect(page.locator("nav[aria-label]").first().innerText()).resolves.toContain("Menu");
      // Still the same document: the marker set before the switch survived.
      await expect(page.evaluate(() => (window as unknown as { ddMarker?: number }).ddMarker)).resolves.toBe(1);
      expect(requested).toContain("en");
      await screenshot(page, "languages-switched-en-390");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("without JavaScript the switch is a new document in the other language", async () => {
    const cast = await createCast();
    await getDb().updateTable("users").set({ locale: "en" }).where("id", "=", cast.a.dealer_sales.id).execute();
    const context = await browser.newContext({ baseURL: base, locale: "en-US", javaScriptEnabled: false, viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    try {
      await signInAs(page, cast.a.dealer_sales.email, TEST_PASSWORD);
      await page.goto("/stock");
      await page.locator("h1", { hasText: "Stock" }).waitFor();
      await Promise.all([page.waitForURL((u) => u.pathname === "/stock"), page.click("button[name=locale][value=zh-CN]")]);
      await page.locator("h1", { hasText: "库存" }).waitFor();
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");
      await screenshot(page, "languages-nojs-zh-1366");
    } finally {
      await context.close();
    }
  });

  it("a document printed in the other language hydrates in that language: order confirmation, delivery note, quotation, statement", async () => {
    const w = await orderWorld();
    const order = await orderRow((await orderIn(w, "shipped")).id);
    const shipment = await getDb().selectFrom("shipments").select("id").where("order_id", "=", order.id).executeTakeFirstOrThrow();
    const { quoteId } = await matrixDealRecords(w);
    // Last month on the clock the server and the browser share: it has ended, so it can be issued.
    const { period, start } = monthBounds(addDays(monthBounds(todayIn("Asia/Shanghai")).start, -1));
    // Wide figures and a long reference: the statement's widest lines.
    await post(w.dealerA.id, "invoice", 104_930_00, addDays(start, 7), {
      reference: "INV-2026-000001-S1-0001",
      description: "Invoice for shipment SO-2026-000001-S1 (order SO-2026-000001)",
    });
    await post(w.dealerA.id, "credit_note", -4_654_00, addDays(start, 8), { reference: "CN-2026-000001-0001", description: "Credit note" });
    await issueStatements(systemActor(w.dealerA.id, "test"), { period, dealerIds: [w.dealerA.id] });
    const st = await getDb().selectFrom("statements").select("id").where("dealer_id", "=", w.dealerA.id).where("period", "=", period).executeTakeFirstOrThrow();
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_admin.id).execute();

    const context = await browser.newContext({ baseURL: base, locale: "zh-CN", viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    try {
      await signInAs(page, w.a.dealer_admin.email, TEST_PASSWORD);
      const documents = [
        { path: `/orders/${order.number}/print?lang=en`, heading: "Order confirmation" },
        { path: `/orders/${order.number}/shipments/${shipment.id}/print?lang=en`, heading: "Delivery note" },
        { path: `/quotes/${quoteId}/print?lang=en`, heading: "Quotation" },
        { path: `/statements/${st.id}/print?lang=en`, heading: `Account statement · ${period}` },
      ];
      for (const d of documents) {
        await page.goto(d.path);
        await hydrated(page);
        // The Print button appears only once the page has hydrated: in English, beside an English heading.
        await page.getByRole("button", { name: "Print", exact: true }).waitFor();
        await expect(page.locator("article h1").innerText(), d.path).resolves.toBe(d.heading);
        await expect(page.locator("article").getAttribute("lang"), d.path).resolves.toBe("en");
        expect(await page.locator("article").innerText(), d.path).not.toMatch(/\b(documents|common|orders|statements)\.[a-zA-Z]+/);
        // The application around the document stays in the reader's language.
        await expect(page.locator("html").getAttribute("lang"), d.path).resolves.toBe("zh-CN");
        // The lines fit the A4 sheet on a laptop and on paper: no column is cut off (the sheet scrolls only on a phone).
        for (const media of ["screen", "print"] as const) {
          await page.emulateMedia({ media });
          const overflow = await page
            .locator("article table")
            .evaluate((t) => t.getBoundingClientRect().right - t.closest("article")!.getBoundingClientRect().right);
          expect(overflow, `${d.path} (${media})`).toBeLessThanOrEqual(0);
        }
        await page.emulateMedia({ media: "screen" });
      }
      // A client navigation to the English copy from the Chinese statement page.
      await page.goto(`/statements/${st.id}`);
      await hydrated(page);
      await Promise.all([page.waitForURL((u) => u.pathname.endsWith("/print")), page.getByRole("link", { name: "Print (English)" }).click()]);
      await page.getByRole("button", { name: "Print", exact: true }).waitFor();
      await expect(page.locator("article h1").innerText()).resolves.toBe(`Account statement · ${period}`);
      await screenshot(page, "statement-print-en-from-zh");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
