import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, type TestUser } from "../../../tests/factories";
import { openServiceCase } from "../../../tests/factories/service";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";
import { appSecret, signUnsubscribeToken } from "~/modules/notifications/unsubscribe.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { getCasePage, listCases, moveCase } from "./service.server";
import { ServiceListQuery } from "./service.schema.server";
import { answerSurvey, findSurveyInvariantViolations, recordCallback, surveySection, surveyView } from "./survey.server";

// Friday 4 December 2026, 10:00 in Shanghai.
clockForEachTest("2026-12-04T02:00:00Z");

type Cast = Awaited<ReturnType<typeof createCast>>;

/** A case opened by `opener`, worked and resolved by the desk; the survey token from the email it sent. */
async function resolvedCase(cast: Cast, opener: TestUser = cast.a.dealer_sales) {
  const desk = actorFor(cast.staff.service);
  const c = await openServiceCase(opener);
  await moveCase(desk, c.id, { action: "start", note: null });
  await moveCase(desk, c.id, { action: "resolve", outcome: "answer", note: null });
  return { ...c, token: await latestToken(c.id) };
}

async function surveyMails(caseId: number) {
  return getDb()
    .selectFrom("outbox_emails")
    .selectAll()
    .where("kind", "=", "service.survey")
    .where("dedupe_key", "like", `service-survey:${caseId}:%`)
    .execute();
}
async function latestToken(caseId: number): Promise<string> {
  const mails = await surveyMails(caseId);
  const text = mails.at(-1)!.text_body;
  return /\/survey\/([\w-]+\.[\w-]+)\?score=1/.exec(text)![1]!;
}
const answers = () => getDb().selectFrom("service_survey_answers").selectAll().execute();
const callbacks = () => getDb().selectFrom("service_callbacks").selectAll().execute();

describe("the satisfaction survey", () => {
  it("resolving sends one survey email to the opener, in the opener's language, with five one-click score links", async () => {
    const cast = await createCast();
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_sales.id).execute();
    await getDb().updateTable("users").set({ locale: "en" }).where("id", "=", cast.a.dealer_admin.id).execute();
    const zh = await resolvedCase(cast, cast.a.dealer_sales);
    const en = await resolvedCase(cast, cast.a.dealer_admin);
    const [zhMail] = await surveyMails(zh.id);
    const [enMail] = await surveyMails(en.id);
    expect((await surveyMails(zh.id)).length).toBe(1);
    expect(zhMail).toMatchObject({ user_id: cast.a.dealer_sales.id, locale: "zh-CN", to_address: cast.a.dealer_sales.email });
    expect(zhMail!.subject).toBe(`服务工单 ${zh.number} 满意度回访`);
    expect(enMail).toMatchObject({ user_id: cast.a.dealer_admin.id, locale: "en" });
    expect(enMail!.subject).toBe(`How did we do? Service case ${en.number}`);
    for (const n of [1, 2, 3, 4, 5]) {
      expect(enMail!.html).toContain(`/survey/${en.token}?score=${n}`);
      expect(enMail!.text_body).toContain(`/survey/${en.token}?score=${n}`);
    }
    expect(enMail!.html).toContain('lang="en"');
    // Closing sends nothing more.
    await moveCase(actorFor(cast.a.dealer_admin), en.id, { action: "close", note: null });
    expect((await surveyMails(en.id)).length).toBe(1);
  });

  it("opening the page records nothing; the answer is recorded once, audited; a second answer is refused", async () => {
    const cast = await createCast();
    const c = await resolvedCase(cast);
    const view = await surveyView(c.token);
    expect(view).toMatchObject({ state: "open", caseNumber: c.number, answer: null });
    await surveyView(c.token);
    expect(await answers()).toEqual([]);
    setClock("2026-12-04T05:00:00Z");
    const after = await answerSurvey(c.token, { score: 4, comment: "Quick and friendly." }, "203.0.113.9");
    expect(after).toMatchObject({ state: "answered", answer: { score: 4, comment: "Quick and friendly." } });
    await expect(answerSurvey(c.token, { score: 1, comment: null }, null)).rejects.toMatchObject({ messageKey: "survey.alreadyAnswered" });
    expect((await answers()).map((a) => [a.score, a.comment])).toEqual([[4, "Quick and friendly."]]);
    expect(await callbacks()).toEqual([]);
    const audit = await getDb().selectFrom("audit_log").select(["action", "actor_user_id", "ip"]).where("action", "=", "service.survey_answered").execute();
    expect(audit).toEqual([{ action: "service.survey_answered", actor_user_id: cast.a.dealer_sales.id, ip: "203.0.113.9" }]);
    expect((await surveyView(c.token)).state).toBe("answered");
    // The dealer sees its score and comment on its case page.
    const section = await surveySection(actorFor(cast.a.dealer_finance), c.id);
    expect(section.surveys.map((s) => [s.score, s.comment])).toEqual([[4, "Quick and friendly."]]);
  });

  it("a tampered, foreign or expired token records nothing", async () => {
    const cast = await createCast();
    const c = await resolvedCase(cast);
    const [body, sig] = c.token.split(".") as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ s: 999, x: 4102444800 })).toString("base64url")}.${sig}`;
    const flipped = `${body}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "AB" : "AA"}`;
    const unsubscribe = signUnsubscribeToken(await appSecret(), cast.a.dealer_sales.id);
    for (const bad of [forged, flipped, unsubscribe, "", "x", `${c.token}.x`, "%%%.@@@", "a".repeat(600)]) {
      expect((await surveyView(bad)).state).toBe("invalid");
      expect((await answerSurvey(bad, { score: 1, comment: null }, null)).state).toBe("invalid");
    }
    setClock("2027-01-04T02:00:01Z"); // 31 days after the resolution: past the 30 days
    expect((await surveyView(c.token)).state).toBe("expired");
    expect((await answerSurvey(c.token, { score: 5, comment: null }, null)).state).toBe("expired");
    expect(await answers()).toEqual([]);
  });

  it("reopening closes the old survey; resolving again sends a new one", async () => {
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const c = await resolvedCase(cast);
    await moveCase(actorFor(cast.a.dealer_sales), c.id, { action: "reopen", note: "Still noisy." });
    expect((await surveyView(c.token)).state).toBe("replaced");
    await expect(answerSurvey(c.token, { score: 1, comment: null }, null)).rejects.toMatchObject({ messageKey: "survey.replaced" });
    await moveCase(desk, c.id, { action: "resolve", outcome: "field_visit", note: null });
    expect((await surveyMails(c.id)).length).toBe(2);
    const second = await latestToken(c.id);
    expect(second).not.toBe(c.token);
    expect((await surveyView(second)).state).toBe("open");
    expect((await surveyView(c.token)).state).toBe("replaced");
  });
});

describe("the callback after a low score", () => {
  it("a score of 1–2 opens a callback; the case cannot close until the desk records who called, when and the outcome", async () => {
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const dealer = actorFor(cast.a.dealer_sales);
    const c = await resolvedCase(cast);
    setClock("2026-12-04T06:00:00Z");
    await answerSurvey(c.token, { score: 2, comment: "Took three visits." }, null);
    expect((await callbacks()).map((cb) => [cb.case_id, cb.status])).toEqual([[c.id, "open"]]);
    // The queue shows it to the desk, never to the dealer.
    const deskList = await listCases(desk, ServiceListQuery.parse({ callback: "open" }));
    expect(deskList.rows.map((r) => [r.id, r.openCallback])).toEqual([[c.id, true]]);
    expect(deskList.counts.callbacks).toBe(1);
    const dealerList = await listCases(dealer, ServiceListQuery.parse({}));
    expect(dealerList.rows.map((r) => r.openCallback)).toEqual([false]);
    expect((await surveySection(dealer, c.id)).callbacks).toEqual([]);
    // Closing is refused, for the dealer and for the desk.
    for (const who of [dealer, desk])
      await expect(moveCase(who, c.id, { action: "close", note: null })).rejects.toMatchObject({ messageKey: "service.callback.blocksClose" });
    // Bad records change nothing.
    setClock("2026-12-04T08:00:00Z"); // 16:00 in Shanghai
    await expect(recordCallback(desk, c.id, { calledAt: "2026-12-04T17:00", outcome: "Called." })).rejects.toMatchObject({
      fieldErrors: { calledAt: ["service.callback.future"] },
    });
    await expect(recordCallback(desk, c.id, { calledAt: "2026-12-04T09:00", outcome: "Called." })).rejects.toMatchObject({
      fieldErrors: { calledAt: ["service.callback.beforeAnswer"] },
    });
    await expect(recordCallback(dealer, c.id, { calledAt: "2026-12-04T15:00", outcome: "x" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await callbacks())[0]!.status).toBe("open");
    await recordCallback(desk, c.id, { calledAt: "2026-12-04T15:30", outcome: "Apologised; a technician checks the unit on Monday." });
    const [cb] = await callbacks();
    expect(cb).toMatchObject({ status: "done", called_by: cast.staff.service.id, outcome: "Apologised; a technician checks the unit on Monday." });
    expect(cb!.called_at?.toISOString()).toBe("2026-12-04T07:30:00.000Z");
    await expect(recordCallback(desk, c.id, { calledAt: "2026-12-04T15:30", outcome: "again" })).rejects.toBeInstanceOf(ConflictError);
    await moveCase(dealer, c.id, { action: "close", note: null });
    expect((await getDb().selectFrom("service_cases").select("status").where("id", "=", c.id).executeTakeFirstOrThrow()).status).toBe("closed");
    const audit = await getDb().selectFrom("audit_log").select("action").where("action", "like", "service.%").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toContain("service.callback_recorded");
    expect(await findSurveyInvariantViolations(getDb())).toEqual([]);
    // The desk and the account manager read the call; the dealer's page never carries it.
    expect((await surveySection(actorFor(cast.staff.account_manager), c.id)).callbacks.map((x) => x.status)).toEqual(["done"]);
    expect(JSON.stringify(await surveySection(dealer, c.id))).not.toContain("technician checks");
    expect(JSON.stringify(await getCasePage(dealer, c.id))).not.toContain("technician checks");
  });

  it("a low score after the dealer closed the case puts it back to resolved until the call is recorded", async () => {
    const cast = await createCast();
    const c = await resolvedCase(cast);
    await moveCase(actorFor(cast.a.dealer_sales), c.id, { action: "close", note: null });
    await answerSurvey(c.token, { score: 1, comment: null }, null);
    const row = await getDb().selectFrom("service_cases").select(["status", "closed_at"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "resolved", closed_at: null });
    expect(await findSurveyInvariantViolations(getDb())).toEqual([]);
  });

  it("another dealer's desk scope: a case outside the scope is 404; db:check finds a closed case with an unrecorded callback", async () => {
    const cast = await createCast();
    const c = await resolvedCase(cast);
    await answerSurvey(c.token, { score: 2, comment: null }, null);
    await expect(surveySection(actorFor(cast.b.dealer_admin), c.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(recordCallback(actorFor(cast.staff.service), 999_999, { calledAt: "2026-12-04T09:00", outcome: "x" })).rejects.toBeInstanceOf(NotFoundError);
    // Written around the domain: closed with the callback still open.
    await getDb().updateTable("service_cases").set({ status: "closed" }).where("id", "=", c.id).execute();
    expect((await findSurveyInvariantViolations(getDb())).map((v) => (v as { problem: string }).problem)).toEqual(["closed with the callback not recorded"]);
    await expect(recordCallback(actorFor(cast.staff.service), c.id, { calledAt: "bad", outcome: "x" })).rejects.toBeInstanceOf(ValidationError);
  });
});
