/**
 * A record page with several forms (intentAction) shows a failure on the form that was sent: its form
 * error and field errors beside it, with what was typed, and no error line at the top of the page
 * (key account, lead, quote). Through the real server, in the reader's language; nothing is written.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createQuoteVersion } from "../../app/modules/quotes/quotes.server";
import { actorFor, createCast } from "../factories";
import { matrixDealRecords } from "../factories/deals";
import { tableChecksums } from "../helpers/db";
import { clientFor, withTestServer } from "../helpers/http";

let base = "";
withTestServer((url) => (base = url));

/** The page's form posting `intent`, from its opening tag to its end. */
const formOf = (html: string, intent: string) =>
  html
    .split("<form")
    .find((s) => s.includes(`name="intent" value="${intent}"`))
    ?.split("</form>")[0] ?? "";
/** How many error lines (FormError) say `message`. */
const errorLines = (html: string, message: string) => html.split(`${message}</div>`).length - 1;

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
