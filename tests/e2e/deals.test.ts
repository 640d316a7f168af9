/**
 * Browser journey of the deal desk, in both languages: the dealer registers a deal, the account
 * manager approves it and proposes a quote, the dealer asks for a revision, the account manager
 * revises, the dealer accepts and books the order, the order desk approves it, and the deal is won.
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { translate, type Locale, type MessageKey } from "../../app/i18n";
import { addDays } from "../../app/utils/time";
import { createCast, TEST_PASSWORD } from "../factories";
import { createProduct, createProductLine, today, validCreditCode } from "../factories/deals";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";
import { createAddress } from "../factories/ordering";
import { inDays } from "../factories/orders";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

async function submit(page: Page, selector: string) {
  await page.click(`main form button${selector}`);
}

/** The quote page's action form sending `intent` (an IntentForm: the intent is a hidden field). */
const quoteAction = (intent: string) => `main form:has(input[name=intent][value=${intent}])`;

describe("browser: the deal desk from registration to a won deal", () => {
  for (const locale of ["en", "zh-CN"] as const satisfies readonly Locale[]) {
    it(`dealer registers, account manager approves and quotes, dealer asks for a revision, account manager revises, dealer accepts (${locale})`, async () => {
      const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
      const cast = await createCast();
      await getDb().updateTable("users").set({ locale }).execute();
      const line = await createProductLine();
      const product = await createProduct(line, { listPrice: 120_000, tiers: { gold: 100_000 } });
      const title = locale === "en" ? "Metro depot chillers" : "地铁车辆段冷水机组";

      // 1. The dealer registers the deal, proposing a new customer by name and credit code.
      const dealer = await newPage(browser, base, locale);
      await signInAs(dealer.page, cast.a.dealer_sales.email, TEST_PASSWORD);
      await dealer.page.goto("/deals/new");
      await dealer.page.fill("input[name=accountName]", locale === "en" ? "Riverside Metro Operations Co., Ltd." : "江城地铁运营有限公司");
      await dealer.page.fill("input[name=creditCode]", validCreditCode(locale === "en" ? 8801 : 8802));
      await dealer.page.fill("input[name=title]", title);
      await dealer.page.check(`#pl-${line}`);
      await dealer.page.fill(`input[name=quantity_${line}]`, "12");
      await dealer.page.fill("input[name=estimatedValue]", "1,250,000.00");
      await dealer.page.fill("input[name=expectedCloseDate]", addDays(today(), 45));
      await screenshot(dealer.page, `deals-register-${locale}`);
      await submit(dealer.page, "[type=submit]");
      await dealer.page.locator("h1", { hasText: title }).waitFor();
      await dealer.page.locator("[role=status]", { hasText: tr("deals.registered") }).waitFor();
      expect(await dealer.page.locator("[data-testid=deal-stage]").innerText()).toBe(tr("deals.stage.registered"));
      const dealUrl = new URL(dealer.page.url()).pathname;
      // The dealer logs a visit on the shared timeline.
      await dealer.page.fill("[data-testid=activity-form] textarea[name=body]", locale === "en" ? "Site survey with the facilities team" : "与设施部现场踏勘");
      await dealer.page.click("[data-testid=activity-form] button[value=activity]");
      await dealer.page.locator("[data-testid=timeline]").waitFor();

      // 2. The account manager approves it and proposes a quote within the discount limit.
      const am = await newPage(browser, base, locale);
      await signInAs(am.page, cast.staff.account_manager.email, TEST_PASSWORD);
      await am.page.goto(dealUrl);
      expect(await am.page.locator("[data-testid=timeline]").innerText()).toContain(locale === "en" ? "Site survey" : "现场踏勘");
      await submit(am.page, "[value=approve]");
      await am.page.locator("[data-testid=deal-stage]", { hasText: tr("deals.stage.approved") }).waitFor();
      await submit(am.page, "[value=newQuote]");
      await am.page.locator("[data-testid=quote-editor]").waitFor();
      await am.page.selectOption("#productId_0", String(product.id));
      await am.page.fill("#quantity_0", "10");
      await am.page.fill("#unitPrice_0", "950.00");
      await am.page.click("form[data-testid=quote-editor] button");
      await am.page.locator("[role=status]", { hasText: tr("quotes.saved") }).waitFor();
      expect(await am.page.locator("[data-testid=quote-lines]").innerText()).toContain("5.00 %");
      await am.page.click(`${quoteAction("propose")} button`);
      await am.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.proposed") }).waitFor();
      const v1Url = new URL(am.page.url()).pathname;
      await screenshot(am.page, `deals-quote-v1-${locale}`);

      // 3. The dealer asks for a revision with a comment.
      await dealer.page.goto(v1Url);
      await dealer.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.proposed") }).waitFor();
      expect(await dealer.page.locator("main").innerText()).not.toContain(tr("quotes.save"));
      await dealer.page.fill("input[name=comment]", locale === "en" ? "Customer asks 3 % more for 12 units" : "客户要求 12 台再优惠 3%");
      await dealer.page.click(`${quoteAction("revise")} button`);
      await dealer.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.revision_requested") }).waitFor();

      // 4. The account manager issues version 2 with the new price; version 1 is superseded.
      await am.page.goto(v1Url);
      expect(await am.page.locator("main").innerText()).toContain(locale === "en" ? "Customer asks 3 %" : "客户要求");
      await am.page.click(`${quoteAction("newVersion")} button`);
      await am.page.locator("[data-testid=quote-editor]").waitFor();
      await am.page.fill("#quantity_0", "12");
      await am.page.fill("#unitPrice_0", "920.50");
      await am.page.click("form[data-testid=quote-editor] button");
      await am.page.locator("[role=status]", { hasText: tr("quotes.saved") }).waitFor();
      await am.page.click(`${quoteAction("propose")} button`);
      await am.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.proposed") }).waitFor();
      const v2Url = new URL(am.page.url()).pathname;
      expect(v2Url).not.toBe(v1Url);

      // 5. The dealer compares the versions side by side and accepts version 2.
      await dealer.page.goto(v2Url);
      const comparison = await dealer.page.locator("[data-testid=quote-versions]").innerText();
      expect(comparison).toContain(tr("quotes.status.superseded"));
      expect(comparison).toMatch(/950/);
      expect(comparison).toMatch(/920\.50/);
      await dealer.page.click(`${quoteAction("accept")} button`);
      await dealer.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.accepted") }).waitFor();
      await dealer.page.locator(quoteAction("book")).waitFor();
      await screenshot(dealer.page, `deals-accepted-${locale}`);
      // The account manager sees the accepted quote but has no way to book it.
      await am.page.goto(v2Url);
      await am.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.accepted") }).waitFor();
      expect(await am.page.locator(quoteAction("book")).count()).toBe(0);
      expect(await am.page.locator(quoteAction("accept")).count()).toBe(0);

      const rows = await getDb().selectFrom("quotes").select(["version", "status", "total_minor"]).orderBy("version").execute();
      expect(rows).toEqual([
        { version: 1, status: "superseded", total_minor: 10 * 95_000 },
        { version: 2, status: "accepted", total_minor: 12 * 92_050 },
      ]);
      const deal = await getDb().selectFrom("deals").select(["id", "stage", "dealer_id"]).executeTakeFirstOrThrow();
      expect(deal).toEqual({ id: deal.id, stage: "quoted", dealer_id: cast.dealerA.id });

      // 6. The dealer books the sale: an order draft with exactly the quoted prices, then submits it.
      await createAddress(cast.dealerA.id);
      await dealer.page.reload();
      await Promise.all([dealer.page.waitForURL(/\/orders\/drafts\/\d+/), dealer.page.click(`${quoteAction("book")} button`)]);
      await dealer.page.locator("select[name=addressId]").selectOption({ index: 1 });
      await dealer.page.fill("input[name=requestedDate]", inDays(30));
      await Promise.all([dealer.page.waitForURL(/\/orders\/SO-\d{4}-\d{6}(\?|$)/), submit(dealer.page, "[value=submit]")]);
      const number = new URL(dealer.page.url()).pathname.split("/").pop()!;
      const order = await getDb()
        .selectFrom("orders")
        .select(["id", "status", "deal_id", "quote_id", "total_minor"])
        .where("number", "=", number)
        .executeTakeFirstOrThrow();
      expect(order).toMatchObject({ status: "submitted", deal_id: deal.id, total_minor: 12 * 92_050 });
      const orderLines = await getDb().selectFrom("order_lines").select(["quantity", "unit_price_minor"]).where("order_id", "=", order.id).execute();
      expect(orderLines).toEqual([{ quantity: 12, unit_price_minor: 92_050 }]);
      await screenshot(dealer.page, `deals-booked-${locale}`);

      // 7. The order desk approves the order; the deal is won.
      const ops = await newPage(browser, base, locale);
      await signInAs(ops.page, cast.staff.ops.email, TEST_PASSWORD);
      await ops.page.goto(`/orders/${number}`);
      await ops.page.locator("main form:has(input[name=intent][value=approve]) button[type=submit]").click();
      await ops.page
        .locator("main", { hasText: tr("orders.status.approved") })
        .first()
        .waitFor();
      await dealer.page.goto(`/deals/${deal.id}`);
      await dealer.page.locator("[data-testid=deal-stage]", { hasText: tr("deals.stage.won") }).waitFor();
      await screenshot(dealer.page, `deals-won-${locale}`);
      expect((await getDb().selectFrom("deals").select("stage").where("id", "=", deal.id).executeTakeFirstOrThrow()).stage).toBe("won");
      await ops.context.close();
      await dealer.context.close();
      await am.context.close();
    }, 120_000);
  }
});
