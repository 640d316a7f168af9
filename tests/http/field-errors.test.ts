/**
 * Field-level errors through the real server, posted as a browser without JavaScript posts them
 * (issue #22 item 3): a domain rule about one field (a dispute amount over the line, a credit limit
 * equal to the current one, closing a warehouse that holds reservations) answers with the page
 * again, that field marked (aria-invalid, aria-describedby to the message printed next to it), every
 * typed value back in its input, and nothing changed in the database. Needs `npx remix build`.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, createSession, type TestUser } from "../factories";
import { post, seedFeeTypes, statementOf, sys } from "../helpers/ledger";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { tableChecksums } from "../helpers/db";
import { Client, withTestServer } from "../helpers/http";
import { setClock } from "../helpers/clock";

let base = "";
withTestServer((b) => (base = b));

async function as(user: TestUser, locale: "en" | "zh-CN") {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  c.cookies.set("dd_lang", locale);
  return c;
}

/** The opening tag of the element with this id (attributes in any order). */
function tagWithId(html: string, id: string): string {
  const m = new RegExp(`<(input|select|textarea)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html);
  expect(m, `an input with id ${id}`).not.toBeNull();
  return m![0];
}

/** The field is marked invalid, described by its error, and the error reads `message`. */
function expectFieldError(html: string, id: string, message: string) {
  const tag = tagWithId(html, id);
  expect(tag).toContain('aria-invalid="true"');
  expect(tag).toMatch(new RegExp(`aria-describedby="[^"]*\\b${id}-error\\b`));
  const err = new RegExp(`<p id="${id}-error"[^>]*>([^<]*)</p>`).exec(html);
  expect(err?.[1]).toBe(message);
}

/** Sessions, sign-in challenges and throttles change on every request by design; every other table must not move on a refused write. */
const VOLATILE = new Set(["sessions", "login_throttles", "sign_in_challenges"]);
const snapshot = () => tableChecksums((t) => !VOLATILE.has(t) && !t.startsWith("kysely_"));

const unescape = (s: string) =>
  s
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
const valueOf = (tag: string) => unescape(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? "");

async function statementWorld() {
  // The period 2026-10 has ended at noon on 6 December 2026 in Shanghai.
  setClock("2026-12-06T04:00:00Z");
  const cast = await createCast();
  await seedFeeTypes();
  await post(cast.dealerA.id, "invoice", 500_00, "2026-10-03", { reference: "INV-A-1" });
  await post(cast.dealerA.id, "fee", 20_00, "2026-10-04", { feeTypeCode: "freight" });
  await issueStatements(sys(), { period: "2026-10" });
  const s = (await statementOf(cast.dealerA.id, "2026-10"))!;
  const lines = await getDb().selectFrom("statement_lines").selectAll().where("statement_id", "=", s.id).orderBy("line_no").execute();
  return { cast, s, lines };
}

describe("a rule about one field, answered without JavaScript", () => {
  it("a dispute amount over the line: 400, the amount marked with the limit beside it, reason, amount and comment as typed, nothing written (both languages)", async () => {
    const { cast, s, lines } = await statementWorld();
    const line = lines[0]!;
    const messages = {
      en: "Enter more than zero and at most the line amount (500.00).",
      "zh-CN": "请输入大于零且不超过该行金额（500.00）的数。",
    } as const;
    for (const locale of ["en", "zh-CN"] as const) {
      const c = await as(cast.a.dealer_finance, locale);
      const before = await snapshot();
      // The form posts to the page it is on: the statement with the line's dispute form open.
      const res = await c.post(`/statements/${s.id}?dispute=${line.id}`, {
        intent: "dispute",
        lineId: String(line.id),
        reasonCode: "price_differs",
        amount: "5,000.50",
        comment: "Special price <agreed> & signed",
      });
      expect(res.status, locale).toBe(400);
      expect(res.headers.get("content-type")).toContain("text/html");
      expectFieldError(res.text, `amount-${line.id}`, messages[locale]);
      expect(valueOf(tagWithId(res.text, `amount-${line.id}`))).toBe("5,000.50");
      expect(valueOf(tagWithId(res.text, `comment-${line.id}`))).toBe("Special price <agreed> & signed");
      expect(res.text).toMatch(/<option value="price_differs" selected="">/);
      // The form is on the line it was for, and the banner above the page is not used for it.
      const row = /<tr[^>]*data-testid="line-1"[\s\S]*?<\/tr>/.exec(res.text)![0];
      expect(row).toContain(`id="amount-${line.id}"`);
      expect(await snapshot()).toEqual(before);
    }
    expect(await getDb().selectFrom("disputes").select("id").execute()).toHaveLength(0);
    expect((await statementOf(cast.dealerA.id, "2026-10"))!.status).toBe("issued");
  });

  it("a dispute on a line of another statement is still a 404, shown above the page (no form to put it on)", async () => {
    const { cast, s } = await statementWorld();
    const c = await as(cast.a.dealer_finance, "en");
    const res = await c.post(`/statements/${s.id}`, { intent: "dispute", lineId: "999999", reasonCode: "other", amount: "1" });
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/role="alert"[^>]*>[^<]+<\/div>/);
  });

  it("a credit limit equal to the current one: 409 with the message next to the limit and the typed reason kept", async () => {
    const { cast } = await statementWorld();
    const dealer = await getDb().selectFrom("organisations").select(["id", "credit_limit_minor"]).where("id", "=", cast.dealerA.id).executeTakeFirstOrThrow();
    const c = await as(cast.staff.finance, "en");
    const before = await snapshot();
    const same = (dealer.credit_limit_minor / 100).toFixed(2);
    const res = await c.post(`/finance/ledger/${dealer.id}`, { creditLimit: same, reason: "Annual review, no change" });
    expect(res.status).toBe(409);
    expectFieldError(res.text, "f-creditLimit", "The new limit is the same as the current one.");
    expect(valueOf(tagWithId(res.text, "f-creditLimit"))).toBe(same);
    expect(valueOf(tagWithId(res.text, "f-reason"))).toBe("Annual review, no change");
    expect(await snapshot()).toEqual(before);
  });
});
