/**
 * Journey (issue #23): a dealer (Chinese, JavaScript on) opens a service case about a shipped order line
 * with a photo; the service desk (English) replies, adds an internal note, authorises a return and
 * receives it into a warehouse, creates a replacement at no charge and reads the figures page (both
 * languages); the dealer sees the reply and the credited return but never the note.
 * Screenshots at 1366 and 390 px in both languages. Needs `npx remix build` first (npm test does it).
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { TEST_PASSWORD, createUser } from "../factories";
import { orderIn, orderWorld } from "../factories/orders";
import { PNG_BYTES, openServiceCase } from "../factories/service";
import { newPage, screenshotsAtBothWidths, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base: string;
withServerAndBrowser((s) => ({ base, browser } = s));

describe("after-sales service journey", () => {
  it("open with a photo → desk replies, notes, authorises and receives a return → the dealer sees the reply and the credit, not the note", async () => {
    const w = await orderWorld();
    const order = await orderIn(w, "shipped");
    const db = getDb();
    const line = await db
      .selectFrom("order_lines")
      .select(["id", "sku"])
      .where("order_id", "=", order.id)
      .where("product_id", "=", w.widget.id)
      .executeTakeFirstOrThrow();

    await db.updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_sales.id).execute();
    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, w.a.dealer_sales.email, TEST_PASSWORD);
    await dealer.page.goto("/service/new");
    await dealer.page.selectOption("select[name=caseType]", "wrong_or_damaged");
    await dealer.page.fill("input[name=subject]", "外箱破损 Damaged carton");
    await dealer.page.selectOption("select[name=about]", "order_line");
    await dealer.page.selectOption("select[name=orderLineId]", String(line.id));
    await dealer.page.fill("textarea[name=description]", "两台机器外壳凹陷。Two units dented.");
    await dealer.page.setInputFiles("input[name=files]", { name: "dent.png", mimeType: "image/png", buffer: Buffer.from(PNG_BYTES) });
    await screenshotsAtBothWidths(dealer.page, "service-new-zh");
    await Promise.all([dealer.page.waitForURL(/\/service\/\d+\?opened=1/), dealer.page.getByRole("button", { name: "提交服务工单" }).click()]);
    const id = Number(/\/service\/(\d+)/.exec(dealer.page.url())![1]);
    await dealer.page.getByText("dent.png").waitFor();

    const desk = await newPage(browser, base, "en-US");
    await signInAs(desk.page, w.staff.service.email, TEST_PASSWORD);
    await desk.page.goto("/service");
    await screenshotsAtBothWidths(desk.page, "service-queue-en");
    await desk.page.goto(`/service/${id}`);
    await desk.page.fill("textarea[name=body]", "Sorry for the dents: we take both units back.");
    await desk.page.getByRole("button", { name: "Send" }).click();
    await desk.page.getByText("Reply sent.").waitFor();
    await expect.poll(() => desk.page.inputValue("textarea[name=body]"), { timeout: 10_000 }).toBe("");
    await desk.page.fill("textarea[name=body]", "INTERNAL carrier claim 7731");
    await desk.page.selectOption("select[name=visibility]", "internal");
    await desk.page.getByRole("button", { name: "Send" }).click();
    await desk.page.getByText("INTERNAL carrier claim 7731").waitFor();
    await desk.page.fill(`input[name=qty_${line.id}]`, "2");
    await desk.page.getByRole("button", { name: "Authorise return" }).click();
    await desk.page.getByText("Return authorised.").waitFor();
    // Received without a warehouse: the return's own form says so.
    const receiveForm = desk.page.locator("form", { has: desk.page.locator("input[name=intent][value=receive]") });
    await receiveForm.getByRole("button", { name: "Receive into warehouse" }).click();
    await receiveForm.getByRole("alert").filter({ hasText: "Please correct the highlighted fields." }).waitFor();
    await desk.page.selectOption("select[name=warehouseId]", String(w.east.id));
    await desk.page.getByRole("button", { name: "Receive into warehouse" }).click();
    await desk.page.getByText("Goods received and the credit note posted.").waitFor();
    await screenshotsAtBothWidths(desk.page, "service-case-desk-en");
    // A replacement at no charge from the same case (issue #23, item 4).
    await desk.page.fill(`#f-replace-${line.id}`, "1");
    await desk.page.getByRole("button", { name: "Create replacement order" }).click();
    await desk.page.getByText("Replacement order created; the order desk ships it.").waitFor();
    await desk.page.getByTestId("service-replacements").getByRole("link").first().waitFor();
    await screenshotsAtBothWidths(desk.page, "service-case-replacement-en");
    // The figures page (issue #23, item 6) in both languages, at 1366 and 390 px, never wider than the phone.
    await desk.page.goto("/service/figures");
    await desk.page.getByTestId("service-figures").waitFor();
    await screenshotsAtBothWidths(desk.page, "service-figures-en");
    await db.updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.staff.service.id).execute();
    await desk.page.goto("/service/figures?by=region");
    await desk.page.getByRole("heading", { name: "服务指标" }).waitFor();
    await screenshotsAtBothWidths(desk.page, "service-figures-zh");
    await desk.page.setViewportSize({ width: 390, height: 844 });
    expect(await desk.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await desk.page.setViewportSize({ width: 1366, height: 900 });

    const credit = await db.selectFrom("ledger_entries").select(["amount_minor", "entry_type"]).where("source_type", "=", "rma").executeTakeFirstOrThrow();
    expect(credit.entry_type).toBe("credit_note");

    await dealer.page.goto(`/service/${id}`);
    await dealer.page.getByText("Sorry for the dents: we take both units back.").waitFor();
    await dealer.page.getByText("已入库并开具贷项").waitFor();
    expect(await dealer.page.content()).not.toContain("INTERNAL carrier claim");
    await screenshotsAtBothWidths(dealer.page, "service-case-dealer-zh");
    await dealer.context.close();
    await desk.context.close();
  }, 180_000);
  it("the desk's assign and link forms show their own error beside them, in Chinese and English, keeping what was typed and writing nothing", async () => {
    const w = await orderWorld();
    const foreign = await orderIn({ ...w, a: w.b, addrA: w.addrB }, "submitted");
    const db = getDb();
    const foreignNumber = (await db.selectFrom("orders").select("number").where("id", "=", foreign.id).executeTakeFirstOrThrow()).number!;
    const c = await openServiceCase(w.a.dealer_sales);
    const state = async () => ({
      assignee: (await db.selectFrom("service_cases").select("assignee_id").where("id", "=", c.id).executeTakeFirstOrThrow()).assignee_id,
      links: (await db.selectFrom("service_case_links").select("case_id").where("case_id", "=", c.id).execute()).length,
      audit: (await db.selectFrom("audit_log").select("id").where("entity_type", "=", "service_case").execute()).length,
    });
    const before = await state();
    for (const [locale, browserLocale, l] of [
      ["zh-CN", "zh-CN", { assign: "分派", link: "关联", formError: "请更正标出的字段。", choice: "请从列表中选择。", notFound: "该经销商没有此编号的记录。" }],
      [
        "en",
        "en-US",
        {
          assign: "Assign",
          link: "Link",
          formError: "Please correct the highlighted fields.",
          choice: "Choose one of the listed options.",
          notFound: "No record of this dealer has this number.",
        },
      ],
    ] as const) {
      // A colleague listed when the page opened leaves the desk before the form is sent.
      const colleague = await createUser("service", { name: `Leaving ${locale}` });
      await db.updateTable("users").set({ locale }).where("id", "=", w.staff.service.id).execute();
      const desk = await newPage(browser, base, browserLocale);
      await signInAs(desk.page, w.staff.service.email, TEST_PASSWORD);
      await desk.page.goto(`/service/${c.id}`);
      const assignForm = desk.page.locator("form", { has: desk.page.locator("input[name=intent][value=assign]") });
      await assignForm.locator("select[name=assigneeId]").selectOption(String(colleague.id));
      await db.updateTable("users").set({ status: "disabled" }).where("id", "=", colleague.id).execute();
      await assignForm.getByRole("button", { name: l.assign }).click();
      await assignForm.getByRole("alert").filter({ hasText: l.formError }).waitFor();
      await assignForm.getByText(l.choice).waitFor();
      const linkForm = desk.page.locator("form", { has: desk.page.locator("input[name=intent][value=link]") });
      await linkForm.locator("input[name=ref]").fill(foreignNumber);
      await linkForm.getByRole("button", { name: l.link }).click();
      await linkForm.getByRole("alert").filter({ hasText: l.formError }).waitFor();
      await linkForm.getByText(l.notFound).waitFor();
      expect(await linkForm.locator("input[name=ref]").inputValue()).toBe(foreignNumber);
      expect(await assignForm.getByRole("alert").count()).toBe(0);
      await screenshotsAtBothWidths(desk.page, `service-case-link-error-${locale}`);
      await desk.context.close();
    }
    expect(await state()).toEqual(before);
  }, 120_000);
});
