/**
 * The whole journey in a real browser, once in each language: a dealer registers a
 * deal → the account manager approves it and proposes a quote → the dealer accepts
 * and books the order → ops approves and ships it in two parts → the dealer confirms
 * delivery → (the month ends) finance issues the statement for the month of the
 * shipments → the dealer disputes one line and confirms the rest → finance accepts
 * the dispute → the dealer's digest reports it. Every invariant holds afterwards
 * (db:check). Screenshots of each step: tests/artifacts/journey-<locale>-NN-*.png.
 */
import type { Browser, Page } from "playwright-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { runChecks } from "../../db/check";
import { translate, type Locale, type MessageKey } from "../../app/i18n";
import { runDigest, digestDedupeKey } from "../../app/modules/notifications/digest.server";
import { nextPeriod, periodOf } from "../../app/modules/ledger/period";
import { addDays } from "../../app/utils/time";
import { createCast, TEST_PASSWORD } from "../factories";
import { createProduct, createProductLine, today, validCreditCode } from "../factories/deals";
import { addStock, createAddress, createWarehouse } from "../factories/ordering";
import { inDays } from "../factories/orders";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));
afterEach(() => {
  vi.useRealTimers();
});

/** Signs in through the login form (and, for staff, the second step with the factories' secret). */
const signIn = (page: Page, email: string) => signInAs(page, email, TEST_PASSWORD);

const intentButton = (intent: string) => `main form:has(input[name=intent][value=${intent}]) button[type=submit]`;

describe("browser: the whole journey from deal to digest", () => {
  for (const locale of ["en", "zh-CN"] as const satisfies readonly Locale[]) {
    it(`deal → quote → order → two shipments → delivery → statement → dispute → credit → digest (${locale})`, async () => {
      const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
      let step = 0;
      const shot = (page: Page, name: string) => screenshot(page, `journey-${locale}-${String(++step).padStart(2, "0")}-${name}`);
      const db = getDb();
      const cast = await createCast();
      await db.updateTable("users").set({ locale }).execute();
      const line = await createProductLine();
      const product = await createProduct(line, { listPrice: 120_000, tiers: { gold: 100_000 } });
      const wh = await createWarehouse({ region: "east" });
      await addStock(product.id, wh.id, 40);
      await createAddress(cast.dealerA.id);
      const title = locale === "en" ? "Harbour hospital chillers" : "港区医院冷水机组";
      const dealerUser = cast.a.dealer_admin;

      // 1. The dealer registers the deal.
      const dealer = await newPage(browser, base, locale);
      await signIn(dealer.page, dealerUser.email);
      await dealer.page.goto("/deals/new");
      await dealer.page.fill("input[name=accountName]", locale === "en" ? "Harbour General Hospital Co., Ltd." : "港区总医院有限公司");
      await dealer.page.fill("input[name=creditCode]", validCreditCode(locale === "en" ? 9901 : 9902));
      await dealer.page.fill("input[name=title]", title);
      await dealer.page.check(`#pl-${line}`);
      await dealer.page.fill(`input[name=quantity_${line}]`, "12");
      await dealer.page.fill("input[name=estimatedValue]", "1,100,000.00");
      await dealer.page.fill("input[name=expectedCloseDate]", addDays(today(), 45));
      await dealer.page.click("main form button[type=submit]");
      await dealer.page.locator("[role=status]", { hasText: tr("deals.registered") }).waitFor();
      const dealUrl = new URL(dealer.page.url()).pathname;
      await shot(dealer.page, "deal-registered");

      // 2. The account manager approves it and proposes a quote.
      const am = await newPage(browser, base, locale);
      await signIn(am.page, cast.staff.account_manager.email);
      await am.page.goto(dealUrl);
      await am.page.click("main form button[value=approve]");
      await am.page.locator("[data-testid=deal-stage]", { hasText: tr("deals.stage.approved") }).waitFor();
      await am.page.click("main form button[value=newQuote]");
      await am.page.locator("[data-testid=quote-editor]").waitFor();
      await am.page.selectOption("#productId_0", String(product.id));
      await am.page.fill("#quantity_0", "12");
      await am.page.fill("#unitPrice_0", "950.00");
      await am.page.click("form[data-testid=quote-editor] button");
      await am.page.locator("[role=status]", { hasText: tr("quotes.saved") }).waitFor();
      await am.page.click("main form:has(input[name=intent][value=propose]) button");
      await am.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.proposed") }).waitFor();
      const quoteUrl = new URL(am.page.url()).pathname;
      await shot(am.page, "quote-proposed");

      // 3. The dealer accepts the quote and books the order.
      await dealer.page.goto(quoteUrl);
      await dealer.page.click("main form:has(input[name=intent][value=accept]) button");
      await dealer.page.locator("[data-testid=quote-status]", { hasText: tr("quotes.status.accepted") }).waitFor();
      await shot(dealer.page, "quote-accepted");
      await Promise.all([dealer.page.waitForURL(/\/orders\/drafts\/\d+/), dealer.page.click("main form:has(input[name=intent][value=book]) button")]);
      await dealer.page.locator("select[name=addressId]").selectOption({ index: 1 });
      await dealer.page.fill("input[name=requestedDate]", inDays(30));
      await Promise.all([dealer.page.waitForURL(/\/orders\/SO-\d{4}-\d{6}(\?|$)/), dealer.page.click("main form button[value=submit]")]);
      const number = new URL(dealer.page.url()).pathname.split("/").pop()!;
      await expect.poll(() => dealer.page.textContent("body")).toContain(tr("orders.status.submitted"));
      await shot(dealer.page, "order-booked");
      const order = await db.selectFrom("orders").select(["id", "status", "total_minor"]).where("number", "=", number).executeTakeFirstOrThrow();
      expect(order).toMatchObject({ status: "submitted", total_minor: 12 * 95_000 });
      const [orderLine] = await db.selectFrom("order_lines").select(["id"]).where("order_id", "=", order.id).execute();

      // 4. Ops approves and ships it in two parts.
      const ops = await newPage(browser, base, locale);
      await signIn(ops.page, cast.staff.ops.email);
      await ops.page.goto(`/orders/${number}`);
      await Promise.all([ops.page.waitForURL(/done=approve/), ops.page.click(intentButton("approve"))]);
      await expect.poll(() => ops.page.textContent("body")).toContain(tr("orders.status.approved"));
      for (const [i, qty] of [
        [1, "5"],
        [2, "7"],
      ] as const) {
        await ops.page.fill("input[name=carrier]", "SF Express");
        await ops.page.fill("input[name=trackingNumber]", `SF-JOURNEY-${i}`);
        await ops.page.fill(`#ship-${orderLine!.id}`, qty);
        await Promise.all([ops.page.waitForURL(/done=ship/), ops.page.click(intentButton("ship"))]);
        await expect.poll(() => ops.page.textContent("body")).toContain(tr(i === 1 ? "orders.status.partially_shipped" : "orders.status.shipped"));
        await shot(ops.page, `shipment-${i}`);
        if (i === 1) await ops.page.goto(`/orders/${number}`);
      }
      const shipments = await db.selectFrom("shipments").select(["id"]).where("order_id", "=", order.id).execute();
      expect(shipments).toHaveLength(2);

      // 5. The dealer confirms delivery of both shipments.
      await dealer.page.goto(`/orders/${number}`);
      for (let i = 0; i < 2; i++) {
        await Promise.all([dealer.page.waitForURL(/done=confirm_delivery/), dealer.page.locator(intentButton("confirm_delivery")).first().click()]);
        await dealer.page.waitForLoadState("networkidle");
      }
      await expect.poll(() => dealer.page.textContent("body")).toContain(tr("orders.status.delivered"));
      await shot(dealer.page, "delivered");
      expect((await db.selectFrom("orders").select("status").where("id", "=", order.id).executeTakeFirstOrThrow()).status).toBe("delivered");

      // 6. The month ends: the clock moves to the 2nd of next month (10:00 in the business time zone).
      //    Sessions idle that long have expired, so everyone signs in again.
      const period = periodOf(today());
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date(`${nextPeriod(period)}-02T02:00:00Z`));
      await Promise.all([dealer.context.close(), am.context.close(), ops.context.close()]);

      // 7. Finance issues the statement for the month of the shipments.
      const fin = await newPage(browser, base, locale);
      await signIn(fin.page, cast.staff.finance.email);
      await fin.page.goto("/finance/statements");
      await fin.page.fill("input[name=period]", period);
      await fin.page.click("main form button[type=submit]");
      // Dealer B has no activity: one statement issued, for dealer A.
      await fin.page
        .locator("main", { hasText: tr("statements.issueResult", { period, issued: 1, already: 0, gaps: 0, none: 1 }) })
        .first()
        .waitFor();
      await shot(fin.page, "statement-issued");
      const statement = await db
        .selectFrom("statements")
        .selectAll()
        .where("dealer_id", "=", cast.dealerA.id)
        .where("period", "=", period)
        .executeTakeFirstOrThrow();
      const invoices = await db
        .selectFrom("ledger_entries")
        .select(["id", "amount_minor"])
        .where("order_id", "=", order.id)
        .where("entry_type", "=", "invoice")
        .orderBy("amount_minor")
        .execute();
      expect(invoices.map((e) => e.amount_minor)).toEqual([5 * 95_000, 7 * 95_000]);
      expect(statement.debit_minor).toBe(12 * 95_000);

      // 8. The dealer disputes the first shipment's invoice line and confirms the rest.
      const d2 = await newPage(browser, base, locale);
      await signIn(d2.page, dealerUser.email);
      await d2.page.goto(`/statements/${statement.id}`);
      const line1 = d2.page.getByTestId("line-1");
      await line1.getByText(tr("statements.dispute")).first().click();
      await line1.getByLabel(tr("statements.reason")).selectOption("price_differs");
      await line1.getByLabel(tr("statements.amountInQuestion")).fill("250");
      await line1.locator("input[name=comment]").fill(locale === "en" ? "Freight was included in the quote" : "报价已含运费");
      await line1.getByRole("button", { name: tr("statements.dispute") }).click();
      await d2.page
        .getByTestId("statement-status")
        .filter({ hasText: tr("statements.status.disputed") })
        .first()
        .waitFor();
      await d2.page.click(`main form button[value=confirm]`);
      await d2.page.getByText(tr("statements.confirmed")).first().waitFor();
      const confirmed = await db
        .selectFrom("statements")
        .select(["confirmed_at", "confirmed_closing_minor", "status"])
        .where("id", "=", statement.id)
        .executeTakeFirstOrThrow();
      expect(confirmed).toMatchObject({ status: "disputed", confirmed_closing_minor: 12 * 95_000 - 250_00 });
      expect(confirmed.confirmed_at).not.toBeNull();
      // Once confirmed, the page no longer offers to confirm.
      await d2.page
        .getByTestId("statement-summary")
        .filter({ hasText: tr("statements.agreedBalance") })
        .waitFor();
      expect(await d2.page.locator("main form button[value=confirm]").count()).toBe(0);
      await shot(d2.page, "disputed-and-confirmed");

      // 9. Finance accepts the dispute: a credit note in the open period.
      const dispute = await db.selectFrom("disputes").select(["id", "status"]).executeTakeFirstOrThrow();
      await fin.page.goto(`/finance/disputes/${dispute.id}`);
      await fin.page.fill("input[name=note]", locale === "en" ? "Quote included freight" : "报价含运费，同意");
      await fin.page.click("main form button[value=accept]");
      await fin.page.locator("main", { hasText: /#\d+/ }).first().waitFor();
      await expect
        .poll(async () => (await db.selectFrom("disputes").select("status").where("id", "=", dispute.id).executeTakeFirstOrThrow()).status)
        .toBe("accepted");
      await shot(fin.page, "dispute-accepted");
      const credit = await db.selectFrom("ledger_entries").selectAll().where("dispute_id", "=", dispute.id).executeTakeFirstOrThrow();
      expect(credit).toMatchObject({ entry_type: "credit_note", amount_minor: -250_00, dealer_id: cast.dealerA.id });
      expect(periodOf(credit.business_date as unknown as string)).toBe(nextPeriod(period));
      await d2.page.goto(`/statements/${statement.id}`);
      await d2.page
        .getByTestId("statement-status")
        .filter({ hasText: tr("statements.status.resolved") })
        .first()
        .waitFor();
      await shot(d2.page, "statement-resolved");
      await fin.context.close();
      await d2.context.close();

      // 10. The dealer's digest reports the accepted dispute (events carry the database's real clock).
      vi.useRealTimers();
      const r = await runDigest("daily", { period: `journey-${locale}`, until: new Date(Date.now() + 1000) });
      expect(r.emails).toBeGreaterThan(0);
      const mail = await db
        .selectFrom("outbox_emails")
        .selectAll()
        .where("dedupe_key", "=", digestDedupeKey(dealerUser.id, `journey-${locale}`))
        .executeTakeFirstOrThrow();
      expect(mail.locale).toBe(locale);
      expect(mail.text_body).toContain(tr("digest.section.disputes"));
      expect(mail.text_body).toContain(tr("digest.event.dispute.accepted", { ref: period }));

      // Nothing broke along the way.
      const checks = await runChecks(db);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    }, 150_000);
  }
});
