/**
 * Journey (issue #23, item 5): the desk resolves two cases; each opener gets the survey in their language
 * and answers it from the email's link without signing in (Chinese: 2 with a comment; English: 5); the
 * desk (English) finds the low score's callback in the queue, is refused closing, records the call and
 * closes; the dealer sees its score, never the call. Screenshots at 1366 and 390 px in both languages.
 * Needs `npx remix build` first (npm test does it).
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { actorFor, createCast, TEST_PASSWORD } from "../factories";
import { openServiceCase } from "../factories/service";
import { newPage, screenshotsAtBothWidths, signInAs, withServerAndBrowser } from "../helpers/browser";
import { moveCase } from "../../app/modules/service/service.server";
import { instantToLocal } from "../../app/modules/announcements/announcements.server";

let browser: Browser;
let base: string;
withServerAndBrowser((s) => ({ base, browser } = s));

async function surveyLink(caseId: number, score: number) {
  const mail = await getDb().selectFrom("outbox_emails").select("text_body").where("dedupe_key", "=", `service-survey:${caseId}:1`).executeTakeFirstOrThrow();
  return `${/\/survey\/[^?\s]+/.exec(mail.text_body)![0]}?score=${score}`;
}

describe("satisfaction survey and callback journey", () => {
  it("survey from the email (no sign-in, both languages) → low score → desk records the callback → the case closes", async () => {
    const cast = await createCast();
    const db = getDb();
    await db.updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_sales.id).execute();
    await db.updateTable("users").set({ locale: "en" }).where("id", "=", cast.a.dealer_admin.id).execute();
    const desk = actorFor(cast.staff.service);
    const low = await openServiceCase(cast.a.dealer_sales, { subject: "外机异响 Outdoor unit rattles" });
    const high = await openServiceCase(cast.a.dealer_admin, { subject: "Remote does not pair" });
    for (const c of [low, high]) for (const action of ["start", "resolve"] as const) await moveCase(desk, c.id, { action, note: null });

    // The Chinese opener clicks "2" in the email: a page in Chinese, 2 chosen, nothing recorded yet.
    const zh = await newPage(browser, base, "zh-CN");
    await zh.page.goto(await surveyLink(low.id, 2));
    expect(await zh.page.isChecked("input[name=score][value='2']")).toBe(true);
    await zh.page.getByText("您对本工单的处理是否满意？").waitFor();
    expect(await db.selectFrom("service_survey_answers").select("id").execute()).toEqual([]);
    await zh.page.fill("textarea[name=comment]", "等了三天才有人联系。We waited three days.");
    await screenshotsAtBothWidths(zh.page, "survey-zh");
    await zh.page.getByRole("button", { name: "提交评价" }).click();
    await zh.page.getByText("感谢您的反馈。很抱歉没有让您满意，售后服务台将致电回访。").waitFor();
    await screenshotsAtBothWidths(zh.page, "survey-done-zh");
    await zh.context.close();

    // The English opener clicks "5" and sends without a comment.
    const en = await newPage(browser, base, "en-US");
    await en.page.goto(await surveyLink(high.id, 5));
    await en.page.getByText("How satisfied are you with how we handled this case?").waitFor();
    await screenshotsAtBothWidths(en.page, "survey-en");
    await en.page.getByRole("button", { name: "Send my answer" }).click();
    await en.page.getByText("Thank you: your answer is recorded.").waitFor();
    // The same link again: already answered.
    await en.page.goto(await surveyLink(high.id, 1));
    await en.page.getByText("This survey has already been answered").waitFor();
    await en.context.close();

    // The desk: the queue shows the callback; closing is refused; the call is recorded; the case closes.
    const d = await newPage(browser, base, "en-US");
    await signInAs(d.page, cast.staff.service.email, TEST_PASSWORD);
    await d.page.goto("/service?callback=open");
    await d.page.locator(`tr[data-case="${low.number}"] [data-callback=open]`).waitFor();
    expect(await d.page.locator(`tr[data-case="${high.number}"]`).count()).toBe(0);
    await screenshotsAtBothWidths(d.page, "survey-queue-en");
    await d.page.goto(`/service/${low.id}`);
    await d.page.getByRole("button", { name: "Close", exact: true }).click();
    await d.page.getByText("record the call before closing the case").waitFor();
    // Bad input first: an empty outcome is a field error.
    await d.page.fill("input[name=calledAt]", instantToLocal(new Date(), "Asia/Shanghai"));
    await d.page.getByRole("button", { name: "Record the callback" }).click();
    await d.page.locator("#f-outcome-error").waitFor();
    await d.page.fill("input[name=calledAt]", instantToLocal(new Date(), "Asia/Shanghai"));
    await d.page.fill("textarea[name=outcome]", "CALLNOTE: apologised; a technician visits on Monday.");
    await d.page.getByRole("button", { name: "Record the callback" }).click();
    await d.page.getByText("Callback recorded.").waitFor();
    await screenshotsAtBothWidths(d.page, "survey-callback-desk-en");
    await d.page.getByRole("button", { name: "Close", exact: true }).click();
    await d.page.getByText("Status changed.").waitFor();
    const row = await db.selectFrom("service_cases").select("status").where("id", "=", low.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("closed");
    await d.context.close();

    // The dealer sees its score and comment, never the desk's note of the call.
    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, cast.a.dealer_sales.email, TEST_PASSWORD);
    await dealer.page.goto(`/service/${low.id}`);
    await dealer.page.getByText("2 分（满分 5 分）").waitFor();
    await dealer.page.getByText("等了三天才有人联系。").waitFor();
    expect(await dealer.page.content()).not.toContain("CALLNOTE");
    await screenshotsAtBothWidths(dealer.page, "survey-case-dealer-zh");
    await dealer.context.close();
  }, 180_000);
});
