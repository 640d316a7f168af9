/**
 * Where the focus lands after a form comes back (issue #22 items 3 and "order-line focus"), in a real
 * browser: a refused dispute puts it on the amount (marked invalid, the limit beside it, the typed
 * amount kept); adding an order line puts it on the new line's quantity, selected, with JavaScript and
 * without (the URL's fragment names the new quantity); Enter in a quantity saves the draft instead of adding
 * whatever product the search lists first. Needs `npx remix build` first (npm test does it).
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, TEST_PASSWORD } from "../factories";
import { orderWorld } from "../factories/orders";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";
import { post, seedFeeTypes, statementOf, sys } from "../helpers/ledger";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { addDays, monthBounds, todayIn } from "../../app/utils/time";
import { translate, type Locale } from "../../app/i18n";

let browser: Browser;
let base: string;

withServerAndBrowser((s) => ({ base, browser } = s));

/** The focused element's id, once React has settled (the focus moves in an effect after the render). */
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

describe("focus after a form comes back", () => {
  for (const locale of ["zh-CN", "en"] as const satisfies readonly Locale[]) {
    it(`a dispute over the line amount: the amount is marked, keeps what was typed and has the focus (${locale})`, async () => {
      const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
      const cast = await createCast();
      await seedFeeTypes();
      await getDb().updateTable("users").set({ locale }).where("id", "=", cast.a.dealer_finance.id).execute();
      // Last month in Shanghai, on the clock the server and the browser share: it has ended, so it can be issued.
      const period = monthBounds(addDays(monthBounds(todayIn("Asia/Shanghai")).start, -1)).period;
      await post(cast.dealerA.id, "invoice", 500_00, `${period}-03`, { reference: "INV-F-1" });
      await issueStatements(sys(), { period });
      const s = (await statementOf(cast.dealerA.id, period))!;

      const { page, context } = await newPage(browser, base, locale);
      await signInAs(page, cast.a.dealer_finance.email, TEST_PASSWORD);
      await page.goto(`/statements/${s.id}`);
      await page.waitForLoadState("networkidle");
      const line1 = page.getByTestId("line-1");
      await line1.getByRole("link", { name: t("statements.dispute") }).click();
      const amount = line1.getByLabel(t("statements.amountInQuestion"));
      await amount.waitFor();
      await line1.getByLabel(t("statements.reason")).selectOption("price_differs");
      await amount.fill("9999.99");
      await line1.getByLabel(t("statements.comment")).fill("Price list says otherwise");
      await line1.getByRole("button", { name: t("statements.dispute") }).click();
      const message = t("disputes.amountTooLarge", { max: "500.00" });
      await line1.getByText(message).waitFor();
      await expect.poll(() => focusedId(page)).toBe(await amount.getAttribute("id"));
      expect(await amount.getAttribute("aria-invalid")).toBe("true");
      const describedBy = (await amount.getAttribute("aria-describedby")) ?? "";
      expect(await page.locator(`[id="${describedBy.split(" ")[0]}"]`).textContent()).toBe(message);
      expect(await amount.inputValue()).toBe("9999.99");
      expect(await line1.getByLabel(t("statements.comment")).inputValue()).toBe("Price list says otherwise");
      expect(await line1.getByLabel(t("statements.reason")).inputValue()).toBe("price_differs");
      expect(await getDb().selectFrom("disputes").select("id").execute()).toHaveLength(0);
      await screenshot(page, `focus-dispute-error-${locale}-1366`);
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, `focus-dispute-error-${locale}-390`);

      // Corrected, the same form goes through.
      await amount.fill("120");
      await line1.getByRole("button", { name: t("statements.dispute") }).click();
      await page.getByText(t("statements.disputed", { line: 1 })).waitFor();
      expect(await getDb().selectFrom("disputes").select("amount_minor").execute()).toEqual([{ amount_minor: 120_00 }]);
      await context.close();
    });
  }

  it("adding an order line focuses its quantity (with and without JavaScript); Enter in a quantity saves the draft", async () => {
    const w = await orderWorld();
    await getDb().updateTable("users").set({ locale: "en" }).where("id", "=", w.a.dealer_sales.id).execute();
    const addLabel = (sku: string) => translate("en", "orders.addSku", { sku });

    const { page, context } = await newPage(browser, base, "en");
    await signInAs(page, w.a.dealer_sales.email, TEST_PASSWORD);
    await page.goto("/orders/new");
    await page.waitForLoadState("networkidle");
    await page.fill("#product-q", w.widget.sku);
    await page.keyboard.press("Enter");
    await page.click(`button[aria-label="${addLabel(w.widget.sku)}"]`);
    await page.waitForURL(/\/orders\/drafts\/\d+\?.*#q-0$/);
    await expect.poll(() => focusedId(page)).toBe("q-0");
    // The quantity is selected: typing replaces it.
    await page.keyboard.type("7");
    expect(await page.inputValue("#q-0")).toBe("7");

    // The second line: the focus goes to the new line, not the first.
    await page.fill("#product-q", w.custom.sku);
    await page.keyboard.press("Enter");
    await page.click(`button[aria-label="${addLabel(w.custom.sku)}"]`);
    await page.waitForURL(/#q-1$/);
    await expect.poll(() => focusedId(page)).toBe("q-1");
    expect(await page.inputValue("#q-0")).toBe("7");
    await page.keyboard.type("2");
    await screenshot(page, "focus-order-line-added-1366");

    // Enter in a quantity saves the draft (the form's default button), never adds a product.
    await Promise.all([page.waitForURL(/saved=save/), page.keyboard.press("Enter")]);
    await expect.poll(() => page.locator("[data-testid=order-line]").count()).toBe(2);
    const draftId = Number(/\/orders\/drafts\/(\d+)/.exec(page.url())![1]);
    const saved = await getDb().selectFrom("order_lines").select("quantity").where("order_id", "=", draftId).orderBy("line_no").execute();
    expect(saved.map((l) => l.quantity)).toEqual([7, 2]);
    await context.close();

    // Without JavaScript: the redirect's fragment names the new line's quantity, which the browser focuses.
    const noJs = await browser.newContext({ baseURL: base, locale: "en", javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const p2 = await noJs.newPage();
    await signInAs(p2, w.a.dealer_sales.email, TEST_PASSWORD);
    await p2.goto(`/orders/drafts/${draftId}?q=${encodeURIComponent(w.widget.sku)}`);
    await p2.click(`button[aria-label="${addLabel(w.widget.sku)}"]`);
    await p2.waitForURL(/#q-2$/);
    expect(await focusedId(p2)).toBe("q-2");
    expect(await p2.locator("#q-2").getAttribute("autofocus")).not.toBeNull();
    await screenshot(p2, "focus-order-line-added-nojs-390");
    await noJs.close();
  });
});
