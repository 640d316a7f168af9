/**
 * The audit log page (/admin/audit) through the real server: actions and records named in the
 * reader's language (the code kept, marked not to translate, for support), records linked to pages
 * that open, the filter refusing unknown values with a 400 in the reader's language, and older rows
 * whose codes are no longer listed still shown. Needs `npx remix build`.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { AUDIT_ACTIONS } from "../../app/modules/audit/audit-actions";
import { audit } from "../../app/modules/audit/audit.server";
import { systemActor } from "../../app/modules/auth/actor";
import { createCast, createSession, type TestUser } from "../factories";
import { orderIn, type World } from "../factories/orders";
import { Client, withTestServer } from "../helpers/http";
import { post } from "../helpers/ledger";
import { todayIn } from "../../app/utils/time";
import { buildFixture } from "./route-matrix";

let base = "";
withTestServer((b) => (base = b));

/** A client signed in as the user, who reads the portal in the given language (their profile's). */
async function readerIn(user: TestUser, locale: "en" | "zh-CN") {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  return c;
}

/** The page's text a person reads and a translator would touch: no scripts, no tags, nothing marked translate="no". */
function translatableText(html: string): string {
  return html
    .slice(html.indexOf("<body"))
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<(code|span)\b[^>]*\btranslate="no"[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** The rows of the log's table. */
const tableOf = (html: string) => html.slice(html.indexOf("<tbody"), html.indexOf("</tbody>"));

describe("audit log page", () => {
  it("names a known action and its record in English and in Chinese, keeps the code aside for support, and links the record", async () => {
    const cast = await createCast();
    const entryId = await post(cast.dealerA.id, "fee", 5_000, todayIn("Asia/Shanghai"));
    for (const [locale, action, record] of [
      ["en", "Fee posted", "Ledger entry"],
      ["zh-CN", "费用已记账", "账户分录"],
    ] as const) {
      const c = await readerIn(cast.staff.admin, locale);
      const r = await c.get("/admin/audit?action=ledger.fee_posted");
      expect(r.status, locale).toBe(200);
      expect(r.text).toContain(`lang="${locale}"`);
      const rows = tableOf(r.text);
      expect(rows).toContain(action);
      expect(rows).toMatch(/<code translate="no"[^>]*>ledger\.fee_posted<\/code>/);
      expect(rows).toContain(`href="/finance/ledger/entries/${entryId}"`);
      expect(rows).toContain(record);
      // The summary is a technical record, kept out of translation.
      expect(rows).toMatch(/<code translate="no"[^>]*>\{[^<]*amountMinor[^<]*\}<\/code>/);
      // Read as text, the page shows no code: not the action's, not the record type's.
      const text = translatableText(r.text);
      expect(text).toContain(action);
      expect(text).not.toContain("ledger.fee_posted");
      expect(text).not.toContain("ledger_entry");
      for (const a of AUDIT_ACTIONS) expect(text.includes(a), a).toBe(false);
      // The filter keeps the choice, offered by its label.
      expect(r.text).toMatch(/<option value="ledger\.fee_posted" selected="">/);
      expect(r.text).toContain(`<option value="ledger.fee_posted" selected="">${action}</option>`);
    }
    // Filtering is by the exact action and record type.
    const en = await readerIn(cast.staff.admin, "en");
    expect(tableOf((await en.get("/admin/audit?action=ledger.invoice_posted")).text)).not.toContain("ledger.fee_posted");
    const byType = await en.get(`/admin/audit?entityType=ledger_entry&entityId=${entryId}`);
    expect(byType.status).toBe(200);
    expect(tableOf(byType.text)).toContain("ledger.fee_posted");
    // The CSV keeps the codes and adds the label last.
    const csv = await en.get("/admin/audit?format=csv&action=ledger.fee_posted");
    expect(csv.status).toBe(200);
    const [header, row] = csv.text.replace(/^\uFEFF/, "").split("\r\n");
    expect(header).toBe("occurred_at,actor,ip,action,entity_type,entity_id,summary,action_label");
    expect(row).toContain(`,ledger.fee_posted,ledger_entry,${entryId},`);
    expect(row!.endsWith(",Fee posted")).toBe(true);
  });

  it("refuses an unknown action or record type in the filter with a 400 in the reader's language, never a 500", async () => {
    const cast = await createCast();
    for (const [locale, noAction, noType] of [
      ["en", "There is no such action. Choose one from the list.", "There is no such record type. Choose one from the list."],
      ["zh-CN", "没有这种操作，请从列表中选择。", "没有这种记录类型，请从列表中选择。"],
    ] as const) {
      const c = await readerIn(cast.staff.admin, locale);
      for (const url of ["/admin/audit?action=order.teleported", "/admin/audit?action=order.", "/admin/audit?action=%3Cscript%3E"]) {
        const r = await c.get(url);
        expect(r.status, url).toBe(400);
        expect(r.text, url).toContain(noAction);
        expect(r.text, url).toContain(`lang="${locale}"`);
      }
      // The CSV export answers the message itself (no page around it).
      const csv = await c.get("/admin/audit?format=csv&action=nope");
      expect(csv.status).toBe(400);
      expect(csv.text).toContain(noAction);
      const r = await c.get("/admin/audit?entityType=widget");
      expect(r.status).toBe(400);
      expect(r.text).toContain(noType);
      // A bad date still says the request was not understood.
      expect((await c.get("/admin/audit?from=yesterday")).status).toBe(400);
    }
    // The data request of the page (client navigation) answers the same 400 with the message.
    const en = await readerIn(cast.staff.admin, "en");
    const data = await en.get("/admin/audit?action=order.teleported&_data=routes%2Fadmin.audit");
    expect(data.status).toBe(400);
    expect(JSON.parse(data.text)).toMatchObject({
      message: "There is no such action. Choose one from the list.",
      fieldErrors: { action: "There is no such action. Choose one from the list." },
    });
  });

  it("shows older rows whose action or record type is not listed as their codes", async () => {
    const cast = await createCast();
    const db = getDb();
    await db
      .insertInto("audit_log")
      .values({ actor_role: "system", action: "legacy.widget_frobbed", entity_type: "widget", entity_id: "7", summary: JSON.stringify({ knob: 3 }) })
      .execute();
    await db.insertInto("audit_log").values({ actor_role: "system", action: "order.teleported", entity_type: "order", entity_id: "999999" }).execute();
    for (const locale of ["en", "zh-CN"] as const) {
      const c = await readerIn(cast.staff.admin, locale);
      const r = await c.get("/admin/audit");
      expect(r.status).toBe(200);
      const rows = tableOf(r.text);
      expect(rows).toMatch(/<code translate="no"[^>]*>legacy\.widget_frobbed<\/code>/);
      expect(rows).toMatch(/<code translate="no"[^>]*>widget#7<\/code>/);
      expect(rows).toMatch(/<code translate="no"[^>]*>order\.teleported<\/code>/);
      // A known record type is named even when its action is not; an order that does not exist is not linked.
      expect(rows).toContain(locale === "en" ? "Order" : "订单");
      expect(rows).not.toContain('href="/orders/');
    }
  });

  it("every record it links opens for the administrator", { timeout: 180_000 }, async () => {
    const fx = await buildFixture();
    // More kinds of record: an order sent back for changes (it keeps its number), and entries about a user, a dealer and a product.
    await orderIn(fx.cast as unknown as World, "draft");
    const sys = systemActor(fx.cast.dealerA.id, "test");
    await audit(getDb(), sys, { action: "user.updated", entityType: "user", entityId: fx.cast.a.dealer_sales.id, summary: { name: { from: "A", to: "B" } } });
    await audit(getDb(), sys, { action: "credit_limit.changed", entityType: "dealer", entityId: fx.cast.dealerA.id, dealerId: fx.cast.dealerA.id });
    await audit(getDb(), sys, { action: "product.updated", entityType: "product", entityId: fx.product.id });
    const c = await readerIn(fx.cast.staff.admin, "en");
    const links = new Set<string>();
    for (let page = 1; page <= 10; page++) {
      const r = await c.get(`/admin/audit?page=${page}`);
      expect(r.status).toBe(200);
      const rows = tableOf(r.text);
      if (!rows.includes("<tr")) break;
      for (const m of rows.matchAll(/<a\b[^>]*\bhref="(\/[^"]*)"/g)) links.add(m[1]!.replace(/&amp;/g, "&"));
    }
    // Records of each kind are reached: orders by number, ledger entries, statements, disputes, deals, quotes, leads, users, dealers, products.
    for (const p of [
      /^\/orders\/SO-/,
      /^\/finance\/ledger\/entries\/\d+$/,
      /^\/statements\/\d+$/,
      /^\/finance\/disputes\/\d+$/,
      /^\/deals\/\d+$/,
      /^\/quotes\/\d+$/,
      /^\/leads\/\d+$/,
      /^\/admin\/users\/\d+$/,
      /^\/admin\/dealers\/\d+$/,
      /^\/admin\/products\/\d+$/,
    ]) {
      expect(
        [...links].some((l) => p.test(l)),
        String(p),
      ).toBe(true);
    }
    const broken: string[] = [];
    for (const href of links) {
      const r = await c.get(href);
      if (r.status !== 200) broken.push(`${href} → ${r.status}`);
    }
    expect(broken).toEqual([]);
  });
});
