/**
 * Every page of the ledger area renders (200, in both languages) on the demo
 * data through the real server; CSV exports stream. Needs `npx remix build`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { DEMO_PASSWORD, seedDemo } from "../../db/seed";
import { Client, startTestServer, stopTestServer } from "../helpers/http";

let base: string;
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

async function login(email: string, locale: "en" | "zh-CN") {
  await getDb().updateTable("users").set({ locale }).where("email", "=", email).execute();
  const c = new Client(base);
  const r = await c.login(email, DEMO_PASSWORD);
  expect(r.status).toBe(302);
  return c;
}

describe("ledger pages on the demo data", () => {
  it("render for finance and for the dealer, in both languages", async () => {
    const ids = await seedDemo(getDb());
    const d1 = ids.dealerIds.D001!;
    const st = await getDb().selectFrom("statements").select(["id", "status"]).where("dealer_id", "=", d1).orderBy("period").execute();
    const dispute = await getDb().selectFrom("disputes").select("id").where("dealer_id", "=", d1).executeTakeFirstOrThrow();
    const entry = await getDb().selectFrom("ledger_entries").select("id").where("dealer_id", "=", d1).executeTakeFirstOrThrow();
    for (const locale of ["en", "zh-CN"] as const) {
      const fin = await login("finance@demo.local", locale);
      for (const path of [
        "/finance/ledger",
        `/finance/ledger?dealerId=${d1}&type=payment`,
        `/finance/ledger/${d1}`,
        "/finance/ledger/new?type=fee",
        "/finance/ledger/new?type=adjustment",
        `/finance/ledger/entries/${entry.id}`,
        "/finance/fee-types",
        "/finance/payments/import",
        "/finance/statements",
        "/finance/disputes",
        "/finance/disputes?status=accepted",
        `/finance/disputes/${dispute.id}`,
        "/finance/aging",
        "/statements",
        `/statements?dealerId=${d1}&status=overdue`,
        `/statements/${st[1]!.id}`,
        `/statements/${st[1]!.id}/print`,
        "/fees",
      ]) {
        const r = await fin.get(path);
        expect(r.status, `${locale} ${path}`).toBe(200);
        expect(r.text).toContain(locale === "en" ? 'lang="en"' : 'lang="zh-CN"');
      }
      const dealer = await login("dealer_finance@demo.local", locale);
      for (const path of ["/statements", `/statements/${st[2]!.id}`, `/statements/${st[0]!.id}/print?lang=en`, "/fees"]) {
        const r = await dealer.get(path);
        expect(r.status, `${locale} ${path}`).toBe(200);
      }
      expect((await dealer.get("/finance/ledger")).status).toBe(403);
      expect((await dealer.get("/finance/aging")).status).toBe(403);
    }
    const fin = await login("finance@demo.local", "en");
    for (const path of [
      "/statements?format=csv",
      `/statements/${st[0]!.id}?format=csv`,
      "/finance/ledger?format=csv",
      "/finance/aging?format=csv",
      "/finance/disputes?format=csv&status=",
      "/fees?format=csv",
    ]) {
      const r = await fin.get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("content-type"), path).toContain("text/csv");
      expect(r.text.split("\r\n").length, path).toBeGreaterThan(2);
    }
    // Bank import through the real server (multipart upload on the upload path).
    const form = new FormData();
    form.append(
      "file",
      new Blob([`date,amount,reference,bank_ref\n2026-11-20,"1,000.00",D001 货款,HTTP-BANK-1\n2026-11-20,5,nobody,HTTP-BANK-2\n`], { type: "text/csv" }),
      "bank.csv",
    );
    const up = await fin.request("/finance/payments/import", { method: "POST", body: form });
    expect(up.status).toBe(200);
    expect(up.text).toContain("HTTP-BANK-2");
    const posted = await getDb()
      .selectFrom("ledger_entries")
      .select(["dealer_id", "amount_minor"])
      .where("source_id", "=", "HTTP-BANK-1")
      .executeTakeFirstOrThrow();
    expect(posted).toEqual({ dealer_id: d1, amount_minor: -1_000_00 });
    // The system's own descriptions read in the reader's language: an invoice of a shipment on the
    // entry page (finance) and on the dealer's printed statement; the accepted dispute's credit note.
    const keyed = await getDb()
      .selectFrom("ledger_entries as e")
      .innerJoin("shipments as s", "s.id", "e.shipment_id")
      .innerJoin("statement_lines as l", "l.ledger_entry_id", "e.id")
      .select(["e.id", "s.number", "l.statement_id"])
      .where("e.dealer_id", "=", d1)
      .where("e.description_key", "=", "ledger.desc.invoice")
      .executeTakeFirstOrThrow();
    const credit = await getDb()
      .selectFrom("ledger_entries")
      .select("id")
      .where("dealer_id", "=", d1)
      .where("description_key", "=", "ledger.desc.disputeAcceptedNote")
      .executeTakeFirstOrThrow();
    for (const [locale, invoiceText, creditText] of [
      ["en", `Invoice for shipment ${keyed.number} (order `, "accepted ("],
      ["zh-CN", `发货开票：发货单 ${keyed.number}（订单 `, "已接受（"],
    ] as const) {
      const f = await login("finance@demo.local", locale);
      expect((await f.get(`/finance/ledger/entries/${keyed.id}`)).text).toContain(invoiceText);
      expect((await f.get(`/finance/ledger/entries/${credit.id}`)).text).toContain(creditText);
      const d = await login("dealer_finance@demo.local", locale);
      const printed = await d.get(`/statements/${keyed.statement_id}/print`);
      expect(printed.text).toContain(invoiceText);
      // (The loader data for hydration still carries the stored English; the visible page does not.)
      if (locale === "zh-CN") expect(printed.text.replace(/<script[\s\S]*?<\/script>/g, "")).not.toContain(`Invoice for shipment ${keyed.number}`);
      // The CSV exports (the statement's lines, the ledger, fees and rebates) read the same way.
      const csvs = [
        [d, `/statements/${keyed.statement_id}?format=csv`, invoiceText],
        [f, `/finance/ledger/${d1}?format=csv`, invoiceText],
        [f, `/finance/ledger?format=csv&dealerId=${d1}`, creditText],
      ] as const;
      for (const [who, path, text] of csvs) {
        const csv = await who.get(path);
        expect(csv.status, path).toBe(200);
        expect(csv.text, `${locale} ${path}`).toContain(text);
        if (locale === "zh-CN") expect(csv.text, path).not.toContain(`Invoice for shipment ${keyed.number}`);
      }
    }
    const sales = await login("dealer_sales@demo.local", "zh-CN");
    expect((await sales.get("/statements")).status).toBe(403);
    expect((await sales.get(`/statements/${st[0]!.id}`)).status).toBe(403);
    const other = await login("dealer_finance@dealer2.demo.local", "en");
    expect((await other.get(`/statements/${st[0]!.id}`)).status).toBe(404);
  }, 120_000);
});
