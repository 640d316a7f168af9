/**
 * A record page with several forms (intentAction) shows a failure on the form that was sent: its form
 * error and field errors beside it, with what was typed, and no error line at the top of the page
 * (key account, lead, quote and the quote's actions); a failure whose form the page no longer shows
 * is said at the top. Through the real server, in the reader's language; nothing is written.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { translate } from "../../app/i18n";
import { createQuoteVersion } from "../../app/modules/quotes/quotes.server";
import { addDays } from "../../app/utils/time";
import { actorFor, createCast } from "../factories";
import { createDeal, createKeyAccount, createProduct, createProductLine, createQuoteAwaitingApproval, matrixDealRecords, today } from "../factories/deals";
import { tableChecksums } from "../helpers/db";
import { clientFor, withTestServer } from "../helpers/http";
import { openServiceCase } from "../factories/service";

let base = "";
withTestServer((url) => (base = url));

/** The page's form posting `intent`, from its opening tag to its end. */
const formOf = (html: string, intent: string) =>
  html
    .split("<form")
    .find((s) => s.includes(`name="intent" value="${intent}"`))
    ?.split("</form>")[0] ?? "";
/** The page's forms, each from its opening tag to its end. */
const formsOf = (html: string) =>
  html
    .split("<form")
    .slice(1)
    .map((s) => s.split("</form>")[0]!);
/** How many error lines (FormError) say `message`. */
const errorLines = (html: string, message: string) => html.split(`${message}</div>`).length - 1;

/** `message` is said once, as the error line of the form posting `intent`, which also holds each of `shown`. */
function expectOnForm(html: string, intent: string, message: string, shown: string[]) {
  const form = formOf(html, intent);
  expect(form).toContain(`${message}</div>`);
  for (const s of shown) expect(form).toContain(s);
  expect(errorLines(html, message)).toBe(1);
}

const watched = (table: string) => ["key_account_contacts", "leads", "deals", "quotes", "quote_lines"].includes(table);
const MESSAGES = { en: "Please correct the highlighted fields.", "zh-CN": "请更正标出的字段。" } as const;

describe("record pages: each form's own error", () => {
  for (const locale of ["en", "zh-CN"] as const) {
    it(`key account, lead and quote forms (${locale})`, async () => {
      const cast = await createCast();
      const rec = await matrixDealRecords(cast);
      const draft = await createQuoteVersion(actorFor(cast.staff.account_manager), rec.dealId);
      await getDb().updateTable("users").set({ locale }).where("id", "in", [cast.staff.account_manager.id, cast.a.dealer_sales.id]).execute();
      const am = await clientFor(base, cast.staff.account_manager);
      const sales = await clientFor(base, cast.a.dealer_sales);
      const formError = MESSAGES[locale];
      const before = await tableChecksums(watched);

      const contact = await am.post(`/key-accounts/${rec.keyAccountId}`, { intent: "addContact", name: "李四 Li Si", email: "not-an-email" });
      expect(contact.status).toBe(400);
      expect(formOf(contact.text, "addContact")).toContain(formError);
      expect(formOf(contact.text, "addContact")).toContain('value="李四 Li Si"');
      expect(formOf(contact.text, "addContact")).toContain('id="c-email-error"');
      expect(errorLines(contact.text, formError)).toBe(1);

      const offer = await am.post(`/key-accounts/${rec.keyAccountId}`, { intent: "offerLead", estimatedValue: "1200", note: "Phase 3" });
      expect(offer.status).toBe(400);
      expect(formOf(offer.text, "offerLead")).toContain(formError);
      expect(formOf(offer.text, "offerLead")).toContain('value="Phase 3"');
      expect(formOf(offer.text, "addContact")).not.toContain(formError);
      expect(errorLines(offer.text, formError)).toBe(1);

      const accept = await sales.post(`/leads/${rec.leadId}`, { intent: "accept", title: "Phase 2 roll-out", expectedCloseDate: "2001-01-01" });
      expect(accept.status).toBe(400);
      expect(formOf(accept.text, "accept")).toContain(formError);
      expect(formOf(accept.text, "accept")).toContain('value="Phase 2 roll-out"');
      expect(formOf(accept.text, "accept")).toContain('id="f-expectedCloseDate-error"');
      expect(formOf(accept.text, "decline")).not.toContain(formError);
      expect(errorLines(accept.text, formError)).toBe(1);

      const save = await am.post(`/quotes/${draft.id}`, { intent: "save", validUntil: "2001-01-01", terms: "Net 30 EXW" });
      expect(save.status).toBe(400);
      expect(formOf(save.text, "save")).toContain(formError);
      expect(formOf(save.text, "save")).toContain('value="Net 30 EXW"');
      expect(errorLines(save.text, formError)).toBe(1);

      expect(await tableChecksums(watched)).toEqual(before);
    });
  }
});

describe("quote page: each action's own error", () => {
  for (const locale of ["en", "zh-CN"] as const) {
    it(`revise, refuse and approve show their failure beside their form with what was typed; a form no longer shown, at the top (${locale})`, async () => {
      const cast = await createCast();
      const rec = await matrixDealRecords(cast);
      const line = await createProductLine();
      const product = await createProduct(line, { listPrice: 100_000 });
      const deal = await createDeal(cast.a.dealer_sales, await createKeyAccount(cast.staff.account_manager.id), [line], {
        approveAs: cast.staff.account_manager,
      });
      const pending = await createQuoteAwaitingApproval(cast.staff.account_manager, deal.id, [{ productId: product.id, quantity: 2, unitPrice: 60_000 }]);
      // Its validity passed while it waited: the state machine refuses the approval.
      await getDb()
        .updateTable("quotes")
        .set({ valid_until: addDays(today(), -1) })
        .where("id", "=", pending.id)
        .execute();
      await getDb()
        .updateTable("users")
        .set({ locale })
        .where("id", "in", [cast.staff.account_manager.id, cast.staff.admin.id, cast.a.dealer_sales.id])
        .execute();
      const sales = await clientFor(base, cast.a.dealer_sales);
      const admin = await clientFor(base, cast.staff.admin);
      const am = await clientFor(base, cast.staff.account_manager);
      const formError = MESSAGES[locale];
      const before = await tableChecksums(watched);

      // Too long a comment (the field allows 2,000 characters): on the revise form, the comment kept.
      const comment = "请再优惠 3% Customer asks 3 % more ".repeat(70);
      const revise = await sales.post(`/quotes/${rec.quoteId}`, { intent: "revise", comment });
      expect(revise.status).toBe(400);
      expectOnForm(revise.text, "revise", formError, ['id="f-comment-error"', `value="${comment}"`]);

      // A refusal needs its note: on the refuse form, not the approve form beside it.
      const refuse = await admin.post(`/quotes/${pending.id}`, { intent: "refuse", note: "  " });
      expect(refuse.status).toBe(400);
      expectOnForm(refuse.text, "refuse", formError, ['id="refuse-note-error"']);

      // The state machine refuses (validity passed): said on the approve form, the note as typed kept.
      const passed = translate(locale, "quotes.validityPassed");
      const approve = await admin.post(`/quotes/${pending.id}`, { intent: "approve", note: "同意 OK for Metro 5" });
      expect(approve.status).toBe(409);
      expectOnForm(approve.text, "approve", passed, ['value="同意 OK for Metro 5"']);

      // Proposing a quote that is proposed already: no propose form on the page, so the line is at the top.
      const notDraft = translate(locale, "quotes.notDraft");
      const propose = await am.post(`/quotes/${rec.quoteId}`, { intent: "propose" });
      expect(propose.status).toBe(409);
      expect(formOf(propose.text, "propose")).toBe("");
      expect(errorLines(propose.text, notDraft)).toBe(1);
      expect(formsOf(propose.text).some((f) => f.includes(notDraft))).toBe(false);

      expect(await tableChecksums(watched)).toEqual(before);
    });
  }
});

describe("a form gone since it was sent: its failure said at the top", () => {
  for (const locale of ["en", "zh-CN"] as const) {
    it(`a reply to a service case closed meanwhile, a lead answered meanwhile (${locale})`, async () => {
      const cast = await createCast();
      const rec = await matrixDealRecords(cast);
      await getDb().updateTable("users").set({ locale }).where("id", "=", cast.a.dealer_sales.id).execute();
      const sales = await clientFor(base, cast.a.dealer_sales);

      // The desk closed the case while the dealer was typing: the page has no reply form any more.
      const c = await openServiceCase(cast.a.dealer_sales);
      await getDb().updateTable("service_cases").set({ status: "closed" }).where("id", "=", c.id).execute();
      const messagesBefore = (await getDb().selectFrom("service_messages").select("id").where("case_id", "=", c.id).execute()).length;
      const closed = translate(locale, "service.closedNoReply");
      const reply = await sales.post(`/service/${c.id}`, { intent: "reply", body: "Still broken 仍然故障" });
      expect(reply.status).toBe(409);
      expect(formOf(reply.text, "reply")).toBe("");
      expect(errorLines(reply.text, closed)).toBe(1);
      expect(formsOf(reply.text).some((f) => f.includes(closed))).toBe(false);
      expect((await getDb().selectFrom("service_messages").select("id").where("case_id", "=", c.id).execute()).length).toBe(messagesBefore);

      // The lead was accepted (in another tab): a second answer is refused, said at the top.
      const accepted = await sales.post(`/leads/${rec.leadId}`, { intent: "accept", title: "Phase 2 roll-out", expectedCloseDate: addDays(today(), 30) });
      expect(accepted.status).toBeLessThan(400);
      const before = await tableChecksums(watched);
      const answered = translate(locale, "leads.answered");
      const again = await sales.post(`/leads/${rec.leadId}`, { intent: "decline", reason: "No budget" });
      expect(again.status).toBe(409);
      expect(formOf(again.text, "decline")).toBe("");
      expect(errorLines(again.text, answered)).toBe(1);
      expect(await tableChecksums(watched)).toEqual(before);
    });
  }
});
