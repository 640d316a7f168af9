/**
 * Finance and order documents through the real server (issue #22, item 5): the print pages of the order
 * confirmation, the delivery note and the quotation, and the PDFs of the statement and the order confirmation —
 * linked from their records, in the language asked for, a private download, and the record's own access rule
 * (another dealer's record is a 404, a signed-out reader is sent to sign in).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { systemActor } from "../../app/modules/auth/actor";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { formattersFor } from "../../app/i18n/react";
import { addDays, monthBounds, todayIn } from "../../app/utils/time";
import { createSession, type TestUser } from "../factories";
import { matrixDealRecords } from "../factories/deals";
import { orderIn, orderRow, orderWorld } from "../factories/orders";
import { ARTIFACTS } from "../helpers/browser";
import { Client, startTestServer, stopTestServer } from "../helpers/http";
import { post } from "../helpers/ledger";
import { pdfText } from "../helpers/pdf";

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

async function clientFor(user: TestUser, locale: "en" | "zh-CN" = "zh-CN") {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  c.cookies.set("dd_lang", locale);
  return c;
}

function keep(name: string, bytes: Buffer) {
  mkdirSync(path.join(ARTIFACTS, "documents"), { recursive: true });
  writeFileSync(path.join(ARTIFACTS, "documents", name), bytes);
}

const TZ = "Asia/Shanghai";

describe("print pages", () => {
  it("the order confirmation, each shipment's delivery note and the quotation: linked, in the language asked for, scoped", async () => {
    const w = await orderWorld();
    const shipped = await orderIn(w, "shipped");
    const order = await orderRow(shipped.id);
    const shipment = await getDb().selectFrom("shipments").select(["id", "number"]).where("order_id", "=", shipped.id).executeTakeFirstOrThrow();
    const deals = await matrixDealRecords(w);
    const quote = await getDb().selectFrom("quotes").select(["id", "version", "total_minor"]).where("id", "=", deals.quoteId).executeTakeFirstOrThrow();
    const a = await clientFor(w.a.dealer_admin);
    const number = order.number!;
    const dealerName = (await getDb().selectFrom("organisations").select("name").where("id", "=", w.dealerA.id).executeTakeFirstOrThrow()).name;

    // Linked from their records.
    const orderPage = await a.get(`/orders/${number}`);
    expect(orderPage.text).toContain(`href="/orders/${number}/print"`);
    expect(orderPage.text).toContain(`href="/orders/${number}/pdf"`);
    expect(orderPage.text).toContain(`href="/orders/${number}/shipments/${shipment.id}/print"`);
    expect((await a.get(`/quotes/${quote.id}`)).text).toContain(`href="/quotes/${quote.id}/print"`);

    const zh = formattersFor("zh-CN", TZ);
    const en = formattersFor("en", TZ);
    const pages = [
      {
        path: `/orders/${number}/print`,
        testId: "order-print",
        zh: ["订单确认书", `编号 ${number}`, zh.money(order.total_minor, "CNY")],
        en: ["Order confirmation", `No. ${number}`, en.money(order.total_minor, "CNY")],
      },
      {
        path: `/orders/${number}/shipments/${shipment.id}/print`,
        testId: "delivery-note-print",
        zh: ["送货单", `编号 ${shipment.number}`, "本次发货", number],
        en: ["Delivery note", `No. ${shipment.number}`, "This delivery", number],
      },
      {
        path: `/quotes/${quote.id}/print`,
        testId: "quote-print",
        zh: ["报价单", `报价 #${quote.id} · 第 ${quote.version} 版`, zh.money(quote.total_minor, "CNY")],
        en: ["Quotation", `Quote #${quote.id} · version ${quote.version}`, en.money(quote.total_minor, "CNY")],
      },
    ];
    const other = await clientFor(w.b.dealer_admin);
    for (const p of pages) {
      const r = await a.get(p.path);
      expect(r.status, p.path).toBe(200);
      expect(r.headers.get("content-type"), p.path).toContain("text/html");
      expect(r.text, p.path).toContain(`data-testid="${p.testId}"`);
      expect(r.text, p.path).toMatch(new RegExp(`<article lang="zh-CN"[^>]*data-testid="${p.testId}"`));
      for (const s of p.zh) expect(r.text, `${p.path}: ${s}`).toContain(s.replace(/&/g, "&amp;"));
      // The manufacturer (issuer) and the dealer are named.
      expect(r.text, p.path).toContain("Haichuan Appliances");
      expect(r.text, p.path).toContain(dealerName);
      const english = await a.get(`${p.path}?lang=en`);
      expect(english.status, p.path).toBe(200);
      expect(english.text, p.path).toMatch(new RegExp(`<article lang="en"[^>]*data-testid="${p.testId}"`));
      for (const s of p.en) expect(english.text, `${p.path}?lang=en: ${s}`).toContain(s);
      expect((await a.get(`${p.path}?lang=fr`)).status, `${p.path}?lang=fr`).toBe(400);
      expect((await other.get(p.path)).status, `dealer B ${p.path}`).toBe(404);
      const anon = await new Client(base).get(p.path);
      expect(anon.status, `signed out ${p.path}`).toBe(302);
      expect(anon.location).toMatch(/^\/login/);
    }

    // A shipment of another order, under this order's number, is not found.
    const second = await orderIn(w, "shipped");
    const secondShipment = await getDb().selectFrom("shipments").select("id").where("order_id", "=", second.id).executeTakeFirstOrThrow();
    expect((await a.get(`/orders/${number}/shipments/${secondShipment.id}/print`)).status).toBe(404);
    expect((await a.get(`/orders/${number}/shipments/x/print`)).status).toBe(404);
    expect((await a.get(`/orders/SO-nope/print`)).status).toBe(404);
  });
});

describe("PDF downloads", () => {
  it("the statement and the order confirmation: a private PDF attachment named for the record, with its number and figures", async () => {
    const w = await orderWorld();
    const lastMonth = monthBounds(addDays(monthBounds(todayIn(TZ)).start, -1));
    await post(w.dealerA.id, "invoice", 123_456_78, lastMonth.start);
    await post(w.dealerA.id, "payment", -23_456_00, lastMonth.end);
    await issueStatements(systemActor(w.dealerA.id, "test"), { period: lastMonth.period, dealerIds: [w.dealerA.id] });
    const st = await getDb()
      .selectFrom("statements")
      .select(["id", "closing_minor"])
      .where("dealer_id", "=", w.dealerA.id)
      .where("period", "=", lastMonth.period)
      .executeTakeFirstOrThrow();
    expect(st.closing_minor).toBe(100_000_78);
    const order = await orderRow((await orderIn(w, "approved")).id);
    const number = order.number!;
    const fin = await clientFor(w.a.dealer_finance);
    expect((await fin.get(`/statements/${st.id}`)).text).toContain(`href="/statements/${st.id}/pdf"`);

    const statement = await fin.getBytes(`/statements/${st.id}/pdf`);
    expect(statement.status).toBe(200);
    expect(statement.headers.get("content-type")).toBe("application/pdf");
    expect(statement.headers.get("content-disposition")).toBe(`attachment; filename="statement-${w.dealerA.code}-${lastMonth.period}.pdf"`);
    expect(statement.headers.get("cache-control")).toContain("no-store");
    expect(statement.headers.get("cache-control")).toContain("private");
    expect(statement.body.subarray(0, 5).toString()).toBe("%PDF-");
    keep("http-statement-zh.pdf", statement.body);
    const zhText = (await pdfText(statement.body)).pages.flat();
    expect(zhText).toContain(`往来对账单 · ${lastMonth.period}`);
    expect(zhText).toContain(`编号 ${w.dealerA.code}-${lastMonth.period}`);
    expect(zhText).toContain("¥100,000.78");
    expect(zhText).toContain("期末余额");

    const english = await fin.getBytes(`/statements/${st.id}/pdf?lang=en`);
    expect(english.status).toBe(200);
    keep("http-statement-en.pdf", english.body);
    const enText = (await pdfText(english.body)).pages.flat();
    expect(enText).toContain(`Account statement · ${lastMonth.period}`);
    expect(enText).toContain("CN¥100,000.78");

    const sales = await clientFor(w.a.dealer_sales);
    const confirmation = await sales.getBytes(`/orders/${number}/pdf`);
    expect(confirmation.status).toBe(200);
    expect(confirmation.headers.get("content-type")).toBe("application/pdf");
    expect(confirmation.headers.get("content-disposition")).toBe(`attachment; filename="order-confirmation-${number}.pdf"`);
    expect(confirmation.headers.get("cache-control")).toContain("no-store");
    keep("http-order-zh.pdf", confirmation.body);
    const orderText = (await pdfText(confirmation.body)).pages.flat();
    expect(orderText).toContain("订单确认书");
    expect(orderText).toContain(`编号 ${number}`);
    expect(orderText).toContain(formattersFor("zh-CN", TZ).money(order.total_minor, "CNY"));
    keep("http-order-en.pdf", (await sales.getBytes(`/orders/${number}/pdf?lang=en`)).body);

    // The record's own access rule: another dealer 404, a role without the ledger 403, signed out → sign in.
    const other = await clientFor(w.b.dealer_admin);
    expect((await other.getBytes(`/statements/${st.id}/pdf`)).status).toBe(404);
    expect((await other.getBytes(`/orders/${number}/pdf`)).status).toBe(404);
    expect((await sales.getBytes(`/statements/${st.id}/pdf`)).status).toBe(403);
    for (const p of [`/statements/${st.id}/pdf`, `/orders/${number}/pdf`]) {
      const anon = await new Client(base).getBytes(p);
      expect(anon.status, p).toBe(302);
      expect(anon.location, p).toMatch(/^\/login/);
    }
    expect((await fin.getBytes(`/statements/${st.id}/pdf?lang=xx`)).status).toBe(400);
  });
});
