/**
 * The satisfaction survey and callback through the real server (issue #23, item 5): the public survey
 * page needs no sign-in, shows the clicked score and records nothing on GET; its POST records once;
 * a bad or expired link is a clear 400, junk input a field error or a 400, never a 500. The desk records
 * the callback on the case page before the case can close.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { actorFor, createCast } from "../factories";
import { openServiceCase } from "../factories/service";
import { setClock } from "../helpers/clock";
import { Client, clientFor, withTestServer } from "../helpers/http";
import { moveCase } from "../../app/modules/service/service.server";

let base = "";
withTestServer((url) => (base = url));

// Friday 4 December 2026, 10:00 in Shanghai.
const AT = "2026-12-04T02:00:00Z";

async function resolvedCase(cast: Awaited<ReturnType<typeof createCast>>) {
  const c = await openServiceCase(cast.a.dealer_sales, { subject: "Fan rattles" });
  await moveCase(actorFor(cast.staff.service), c.id, { action: "start", note: null });
  await moveCase(actorFor(cast.staff.service), c.id, { action: "resolve", outcome: "answer", note: null });
  const mail = await getDb().selectFrom("outbox_emails").select("text_body").where("kind", "=", "service.survey").executeTakeFirstOrThrow();
  const token = /\/survey\/([\w-]+\.[\w-]+)\?score=1/.exec(mail.text_body)![1]!;
  return { ...c, token };
}
const answerCount = async () => (await getDb().selectFrom("service_survey_answers").select("id").execute()).length;

describe("the public survey page", () => {
  it("needs no sign-in: GET shows the clicked score and records nothing; POST records once; a second answer is told so", async () => {
    setClock(AT);
    const cast = await createCast();
    await getDb().updateTable("users").set({ locale: "en" }).where("id", "=", cast.a.dealer_sales.id).execute();
    const c = await resolvedCase(cast);
    const anon = new Client(base);
    const page = await anon.get(`/survey/${c.token}?score=4`);
    expect(page.status).toBe(200);
    // The server's default policy comes first; a browser applies the last one it knows.
    expect(page.headers.get("referrer-policy")).toMatch(/(^|, )no-referrer$/);
    expect(page.text).toContain(c.number);
    const checked = [...page.text.matchAll(/<input[^>]*name="score"[^>]*>/g)].filter((m) => / checked=/.test(m[0])).map((m) => /value="(\d)"/.exec(m[0])![1]);
    expect(checked).toEqual(["4"]);
    // Junk in the link preselects nothing.
    for (const q of ["?score=9", "?score=abc", "?score=1&score=2", "?score=%00"]) expect((await anon.get(`/survey/${c.token}${q}`)).status).toBe(200);
    expect(await answerCount()).toBe(0);
    // Bad input: a field error in the recipient's language, nothing recorded.
    for (const form of [{}, { score: "0" }, { score: "abc" }, { score: ["4", "5"] }, { score: "4", comment: "x".repeat(2001) }]) {
      const bad = await anon.post(`/survey/${c.token}`, form as Record<string, string>);
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/id="f-(score|comment)-error"/);
    }
    expect((await anon.post(`/survey/${c.token}`, {})).text).toContain("Choose a score from 1 to 5.");
    expect(await answerCount()).toBe(0);
    const ok = await anon.post(`/survey/${c.token}`, { score: "4", comment: "Quick." });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("Thank you: your answer is recorded.");
    const again = await anon.post(`/survey/${c.token}`, { score: "1" });
    expect(again.status).toBe(409);
    expect(again.text).toContain("This survey has already been answered");
    expect((await anon.get(`/survey/${c.token}`)).text).toContain("already been answered");
    expect(await answerCount()).toBe(1);
    // The dealer sees its score on its case page.
    const dealerPage = await (await clientFor(base, cast.a.dealer_admin)).get(`/service/${c.id}`);
    expect(dealerPage.text).toContain("4 of 5");
    expect(dealerPage.text).toContain("Quick.");
  });

  it("a tampered, truncated or expired link is a clear 400 page; junk never answers 500", async () => {
    setClock(AT);
    const cast = await createCast();
    const c = await resolvedCase(cast);
    const anon = new Client(base);
    for (const path of [
      `/survey/${c.token.slice(0, -3)}AAA`,
      `/survey/${c.token.split(".")[0]}`,
      "/survey/x",
      `/survey/${"a".repeat(700)}.b`,
      "/survey/%E0%A4%A",
      "/survey/..%2F..%2Fetc",
    ]) {
      const r = await anon.get(path, { headers: { "Accept-Language": "en" } });
      expect([400, 404]).toContain(r.status);
      const p = await anon.post(path, { score: "1" });
      expect([400, 404]).toContain(p.status);
    }
    const tampered = await anon.get(`/survey/${c.token.slice(0, -3)}AAA`, { headers: { "Accept-Language": "en" } });
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain("This survey link is not valid");
    const body = await anon.request(`/survey/${c.token}`, {
      method: "POST",
      body: "\u0000\u0001garbage",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
    });
    expect(body.status).toBeLessThan(500);
    setClock("2027-01-05T02:00:00Z");
    const expired = await anon.get(`/survey/${c.token}`, { headers: { "Accept-Language": "en" } });
    expect(expired.status).toBe(400);
    expect(expired.text).toContain("This survey link has expired");
    expect((await anon.post(`/survey/${c.token}`, { score: "5" })).status).toBe(400);
    expect(await answerCount()).toBe(0);
  });

  it("a low score: the desk sees the callback, cannot close, records the call with field errors for bad input; the dealer never sees the call", async () => {
    setClock(AT);
    const cast = await createCast();
    const c = await resolvedCase(cast);
    setClock("2026-12-04T03:00:00Z");
    expect((await new Client(base).post(`/survey/${c.token}`, { score: "1", comment: "Nobody came." })).status).toBe(200);
    const desk = await clientFor(base, cast.staff.service);
    const queue = await desk.get("/service?callback=open");
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(c.number);
    expect(queue.text).toContain('data-callback="open"');
    const close = await desk.post(`/service/${c.id}`, { intent: "move", action: "close" });
    expect(close.status).toBe(409);
    expect(close.text).toContain("record the call before closing the case");
    setClock("2026-12-04T06:00:00Z"); // 14:00 in Shanghai
    for (const [form, field] of [
      [{ calledAt: "", outcome: "Called." }, "calledAt"],
      [{ calledAt: "yesterday", outcome: "Called." }, "calledAt"],
      [{ calledAt: "2026-02-31T10:00", outcome: "Called." }, "calledAt"],
      [{ calledAt: "2026-12-04T15:00", outcome: "Called." }, "calledAt"],
      [{ calledAt: "2026-12-04T13:00", outcome: "" }, "outcome"],
    ] as const) {
      const r = await desk.post(`/service/${c.id}`, { intent: "callback", ...form });
      expect(r.status).toBe(400);
      expect(r.text).toContain(`id="f-${field}-error"`);
    }
    const dealer = await clientFor(base, cast.a.dealer_sales);
    expect((await dealer.post(`/service/${c.id}`, { intent: "callback", calledAt: "2026-12-04T13:00", outcome: "x" })).status).toBe(403);
    expect((await getDb().selectFrom("service_callbacks").select("status").executeTakeFirstOrThrow()).status).toBe("open");
    const ok = await desk.post(`/service/${c.id}`, { intent: "callback", calledAt: "2026-12-04T13:30", outcome: "CALLNOTE apologised, visit booked." });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("Callback recorded.");
    expect((await desk.get(`/service/${c.id}`)).text).toContain("CALLNOTE apologised");
    const dealerPage = await dealer.get(`/service/${c.id}`);
    expect(dealerPage.text).toContain("Nobody came.");
    expect(dealerPage.text).not.toContain("CALLNOTE");
    expect((await dealer.get("/service?callback=open")).text).not.toContain('data-callback="open"');
    expect((await desk.post(`/service/${c.id}`, { intent: "move", action: "close" })).status).toBe(200);
  });
});
