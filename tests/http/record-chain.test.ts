/**
 * The chain deal → quote → order → shipment → invoice → statement line, followed as a user would:
 * each link is read off the rendered page and must answer 200. Needs `npx remix build`.
 */
import { describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { actorFor, createSession, type TestUser } from "../factories";
import { createDealWorld, createDeal, createProposedQuote, testCreateOrder } from "../factories/deals";
import { orderIn, orderWorld } from "../factories/orders";
import { Client, withTestServer } from "../helpers/http";
import { sys } from "../helpers/ledger";
import { acceptQuote, bookQuote } from "../../app/modules/quotes/quotes.server";
import { issueStatements } from "../../app/modules/statements/issue.server";

let base = "";
withTestServer((b) => (base = b));

async function clientFor(user: TestUser, locale: "en" | "zh-CN" = "en") {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  c.cookies.set("dd_lang", locale);
  return c;
}

/** The href of the first anchor inside the element with this data-testid (or null when it shows text only). */
function linkIn(html: string, testId: string): { href: string | null; text: string } {
  const m = html.match(new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</(?:p|td|tr)>`));
  expect(m, testId).toBeTruthy();
  const a = m![1]!.match(/<a\b[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/);
  return { href: a ? a[1]!.replace(/&amp;/g, "&") : null, text: (a ? a[2]! : m![1]!).replace(/<[^>]+>/g, "").replace(/<!-- -->/g, "") };
}

describe("the record chain links", () => {
  it("a booked quote links its order draft for the dealer (text for the account manager), then the order it became for both", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-18T03:00:00Z"));
    const { cast, lineA, products, ka } = await createDealWorld();
    const deal = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const quote = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: products[0]!.id, quantity: 2, unitPrice: 90_000 }]);
    await acceptQuote(actorFor(cast.a.dealer_sales), quote.id);
    const { orderId } = await bookQuote(actorFor(cast.a.dealer_sales), quote.id, testCreateOrder);

    const dealer = await clientFor(cast.a.dealer_sales);
    let page = await dealer.get(`/quotes/${quote.id}`);
    expect(page.status).toBe(200);
    let booked = linkIn(page.text, "booked-order");
    expect(booked).toEqual({ href: `/orders/drafts/${orderId}`, text: `order draft #${orderId}` });
    expect((await dealer.get(booked.href!)).status).toBe(200);
    // The account manager may not open a dealer's draft: the page names it without a link.
    const am = await clientFor(cast.staff.account_manager, "zh-CN");
    booked = linkIn((await am.get(`/quotes/${quote.id}`)).text, "booked-order");
    expect(booked.href).toBeNull();
    expect(booked.text).toContain(`订单草稿 #${orderId}`);

    // Submitted, the draft became order SO-…: both now follow it to the order's page.
    await getDb().updateTable("orders").set({ number: "SO-2026-000777", status: "submitted", submitted_at: new Date() }).where("id", "=", orderId).execute();
    for (const c of [dealer, am]) {
      page = await c.get(`/quotes/${quote.id}`);
      booked = linkIn(page.text, "booked-order");
      expect(booked.href).toBe("/orders/SO-2026-000777");
      expect((await c.get(booked.href!)).status).toBe(200);
    }
    // Back up the chain: the order's page links its deal and quote… and the quote its deal.
    const order = await dealer.get("/orders/SO-2026-000777");
    expect(order.text).toContain(`href="/deals/${deal.id}"`);
    expect(page.text).toContain(`href="/deals/${deal.id}"`);
    expect((await dealer.get(`/deals/${deal.id}`)).text).toContain(`href="/quotes/${quote.id}"`);
  });

  it("an order's invoice links to its ledger entry until a statement holds it, then to the statement line, marked", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-10-20T03:00:00Z"));
    const w = await orderWorld();
    const shipped = await orderIn(w, "shipped");
    const { number } = await getDb().selectFrom("orders").select("number").where("id", "=", shipped.id).executeTakeFirstOrThrow();
    const entry = await getDb().selectFrom("ledger_entries").select(["id"]).where("order_id", "=", shipped.id).executeTakeFirstOrThrow();
    const fin = await clientFor(w.staff.finance);
    const dealer = await clientFor(w.a.dealer_admin);

    // Not in a statement yet: finance opens the entry's own page; the dealer (who cannot) sees the entry as text.
    const finOrder = await fin.get(`/orders/${number}`);
    expect(finOrder.status).toBe(200);
    let link = linkIn(finOrder.text, "invoice-entry");
    expect(link.href).toBe(`/finance/ledger/entries/${entry.id}`);
    expect((await fin.get(link.href!)).status).toBe(200);
    link = linkIn((await dealer.get(`/orders/${number}`)).text, "invoice-entry");
    expect(link.href).toBeNull();
    expect(link.text).toContain(`#${entry.id}`);

    // October is issued: both land on the statement line that holds the invoice, and it is marked.
    vi.setSystemTime(new Date("2026-11-03T03:00:00Z"));
    await issueStatements(sys(), { period: "2026-10" });
    const line = await getDb()
      .selectFrom("statement_lines")
      .select(["statement_id", "line_no"])
      .where("ledger_entry_id", "=", entry.id)
      .executeTakeFirstOrThrow();
    // (New sign-ins: two weeks later the first sessions have lapsed.)
    for (const c of [await clientFor(w.staff.finance), await clientFor(w.a.dealer_admin)]) {
      link = linkIn((await c.get(`/orders/${number}`)).text, "invoice-entry");
      expect(link.href).toBe(`/statements/${line.statement_id}?line=${line.line_no}#line-${line.line_no}`);
      const st = await c.get(link.href!.split("#")[0]!);
      expect(st.status).toBe(200);
      expect(st.text).toMatch(new RegExp(`<tr id="line-${line.line_no}"[^>]*aria-current="true"`));
      // …and the statement line links back to the order.
      expect(st.text).toContain(`href="/orders/${number}"`);
    }
  });
});
