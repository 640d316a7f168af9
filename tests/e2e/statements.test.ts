/**
 * Journey: finance issues statements; the dealer (in Chinese) disputes one line
 * and confirms the rest; finance (in English) accepts the dispute; the dealer
 * sees the credit note — then reads the statement again in English.
 * Needs `npx remix build` first (npm test does it).
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, TEST_PASSWORD } from "../factories";
import { newPage, screenshot, withServerAndBrowser, signInAs } from "../helpers/browser";
import { post, seedFeeTypes } from "../helpers/ledger";
import { addDays, monthBounds, todayIn } from "../../app/utils/time";

let browser: Browser;
let base: string;

withServerAndBrowser((s) => ({ base, browser } = s));

describe("statement reconciliation journey", () => {
  it("issue → dispute one line and confirm the rest → accept → the dealer sees the credit note, in both languages", async () => {
    const cast = await createCast();
    await seedFeeTypes();
    const db = getDb();
    await db.updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_finance.id).execute();
    // Last month (in Shanghai, on the clock the server and the browser share): it has ended, so it can be
    // issued, and the credit note lands in the open period.
    const period = monthBounds(addDays(monthBounds(todayIn("Asia/Shanghai")).start, -1)).period;
    const invoice = `INV-${period.replace("-", "")}-77`;
    await post(cast.dealerA.id, "invoice", 8_800_00, `${period}-08`, {
      reference: invoice,
      dueDate: addDays(`${period}-08`, 30),
      description: `Goods invoice ${invoice}`,
    });
    await post(cast.dealerA.id, "fee", 260_00, `${period}-09`, { feeTypeCode: "freight", description: "Freight of the month" });
    await post(cast.dealerA.id, "payment", -5_000_00, `${period}-20`, { reference: "BANK-9911", description: "Bank transfer" });

    // Finance (English) issues last month.
    const fin = await newPage(browser, base, "en-US");
    await signInAs(fin.page, cast.staff.finance.email, TEST_PASSWORD);
    await fin.page.goto("/finance/statements");
    await fin.page.fill("input[name=period]", period);
    await fin.page.getByRole("button", { name: "Issue for period" }).click();
    await fin.page.getByText(`${period}: 1 statements issued`).waitFor();
    await screenshot(fin.page, "statements-issued");

    // The dealer (Chinese) opens the statement, disputes the invoice line, confirms the rest.
    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, cast.a.dealer_finance.email, TEST_PASSWORD);
    await dealer.page.goto("/statements");
    await dealer.page.getByRole("link", { name: period }).click();
    await dealer.page.getByRole("heading", { name: `对账单 ${period}` }).waitFor();
    await dealer.page.getByTestId("statement-status").filter({ hasText: "待确认" }).first().waitFor();
    const line1 = dealer.page.getByTestId("line-1");
    await line1.getByText("对此行提出争议").first().click();
    await line1.getByLabel("原因").selectOption("price_differs");
    await line1.getByLabel("争议金额").fill("800");
    await line1.getByLabel("说明").fill("应按特价单价");
    await line1.getByRole("button", { name: "对此行提出争议" }).click();
    await dealer.page.getByText("第 1 行已提出争议").waitFor();
    await dealer.page.getByTestId("statement-status").filter({ hasText: "有争议" }).first().waitFor();
    await dealer.page.getByRole("button", { name: "确认其余部分" }).click();
    await dealer.page.getByText("余额已确认。").waitFor();
    await screenshot(dealer.page, "statement-disputed-confirmed-zh");

    // Finance accepts the dispute.
    await fin.page.goto("/finance/disputes");
    await fin.page.getByTestId("disputes-table").getByRole("link").first().click();
    await fin.page.getByRole("heading", { name: /Dispute #\d+/ }).waitFor();
    await fin.page.fill("input[name=note]", "Special bid price applies");
    await fin.page.getByRole("button", { name: "Accept and post credit" }).click();
    await fin.page.getByText(/Dispute accepted; entry #\d+ posted\./).waitFor();

    // The dealer sees the credit note in the open period, and the statement resolved.
    await dealer.page.goto("/statements");
    const open = dealer.page.getByTestId("open-period");
    await open.getByText("贷项通知").waitFor();
    await expect(open.textContent()).resolves.toMatch(/-?¥800\.00|¥-800\.00|-800\.00/);
    await dealer.page.getByRole("link", { name: period }).click();
    await dealer.page.getByTestId("statement-status").filter({ hasText: "已解决" }).first().waitFor();
    await dealer.page.getByTestId("line-1").filter({ hasText: "已接受" }).first().waitFor();
    await screenshot(dealer.page, "statement-resolved-zh");

    // Same statement in English (language switcher), and the printable page.
    await dealer.page.getByRole("button", { name: "English" }).click();
    await dealer.page.getByRole("heading", { name: `Statement ${period}` }).waitFor();
    await dealer.page.getByTestId("statement-status").filter({ hasText: "Resolved" }).first().waitFor();
    await dealer.page.goto(`/statements/${await statementId(cast.dealerA.id)}/print?lang=en`);
    await dealer.page.getByTestId("statement-print").getByText(`Account statement · ${period}`).waitFor();
    await dealer.page.emulateMedia({ media: "print" });
    await expect(dealer.page.locator("header.no-print").isVisible()).resolves.toBe(false);
    await screenshot(dealer.page, "statement-print-en");

    const credit = await db.selectFrom("ledger_entries").selectAll().where("entry_type", "=", "credit_note").executeTakeFirstOrThrow();
    expect(credit.amount_minor).toBe(-800_00);
    await fin.context.close();
    await dealer.context.close();
  }, 120_000);
});

async function statementId(dealerId: number) {
  const s = await getDb().selectFrom("statements").select("id").where("dealer_id", "=", dealerId).executeTakeFirstOrThrow();
  return s.id;
}
