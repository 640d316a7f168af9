/**
 * Issue 27: after finance resolves every dispute on a statement the dealer still may confirm it
 * (DESIGN.md: `disputed → resolved`; the server accepts the confirm), so the page offers Confirm —
 * and no longer offers to dispute a line. Renders the real page through the server. Needs `npx remix build`.
 */
import { describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { actorFor, createCast, TEST_PASSWORD } from "../factories";
import { Client, withTestServer } from "../helpers/http";
import { linesOf, post, statementOf, sys } from "../helpers/ledger";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { disputeLine, resolveDispute } from "../../app/modules/statements/statements.server";

let base = "";
withTestServer((b) => (base = b));

const confirmButton = /<button[^>]*name="intent"[^>]*value="confirm"/;
const disputeLink = /\?dispute=\d+/;

describe("a resolved statement", () => {
  it("offers the dealer Confirm (and no dispute), in both languages, and the confirm succeeds", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-12T03:00:00Z"));
    const cast = await createCast();
    await post(cast.dealerA.id, "invoice", 1000_00, "2026-10-05", { reference: "INV-1" });
    await post(cast.dealerA.id, "payment", -300_00, "2026-10-20");
    await issueStatements(sys(), { period: "2026-10" });
    const s = (await statementOf(cast.dealerA.id, "2026-10"))!;
    const [line1] = await linesOf(s.id);
    const { disputeId } = await disputeLine(actorFor(cast.a.dealer_finance), s.id, {
      lineId: line1!.id,
      reasonCode: "price_differs",
      amount: 100_00,
      comment: null,
    });
    const res = await resolveDispute(actorFor(cast.staff.finance), disputeId, { decision: "accept", note: null, version: 1 });
    expect(res.statementStatus).toBe("resolved");

    for (const locale of ["en", "zh-CN"] as const) {
      await getDb().updateTable("users").set({ locale }).where("id", "=", cast.a.dealer_finance.id).execute();
      const c = new Client(base);
      expect((await c.login(cast.a.dealer_finance.email, TEST_PASSWORD)).status).toBe(302);
      const page = await c.get(`/statements/${s.id}`);
      expect(page.status).toBe(200);
      expect(page.text, locale).toMatch(confirmButton);
      expect(page.text).toContain(locale === "en" ? "Every dispute on this statement is settled" : "本对账单的争议均已处理");
      expect(page.text).not.toMatch(disputeLink);
    }
    // Sales may not respond: no button for them (they cannot even read statements: 403).
    const sales = new Client(base);
    await sales.login(cast.a.dealer_sales.email, TEST_PASSWORD);
    expect((await sales.get(`/statements/${s.id}`)).status).toBe(403);

    const c = new Client(base);
    await c.login(cast.a.dealer_finance.email, TEST_PASSWORD);
    const st = (await statementOf(cast.dealerA.id, "2026-10"))!;
    const done = await c.post(`/statements/${s.id}`, { intent: "confirm", version: String(st.version) });
    expect(done.status).toBe(200);
    const after = (await statementOf(cast.dealerA.id, "2026-10"))!;
    expect(after.confirmed_at).toBeInstanceOf(Date);
    expect(after.confirmed_closing_minor).toBe(s.closing_minor - 100_00);
    // Once confirmed, the page offers nothing more.
    const again = await c.get(`/statements/${s.id}`);
    expect(again.text).not.toMatch(confirmButton);
  });
});
