/**
 * The deals pages' loaders and actions called directly (no server): the no-booking rule on
 * every quote/deal endpoint for every manufacturer role, scoping in both directions, and
 * bad input with localized errors and nothing changed.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { addDays } from "../../app/utils/time";
import { createQuoteVersion } from "../../app/modules/quotes/quotes.server";
import * as dealNew from "../../app/routes/deals.new";
import * as dealPage from "../../app/routes/deals.$id";
import * as quotePage from "../../app/routes/quotes.$id";
import * as leadPage from "../../app/routes/leads.$id";
import * as kaPage from "../../app/routes/key-accounts.$id";
import * as kaNew from "../../app/routes/key-accounts.new";
import { actorFor, requestAs, type TestUser } from "../factories";
import { matrixDealRecords, createDealWorld, createDeal, createProposedQuote, today, validCreditCode } from "../factories/deals";

type Route = { action?: (a: ActionFunctionArgs) => Promise<unknown>; loader?: (a: LoaderFunctionArgs) => Promise<unknown> };

async function post(route: Route, user: TestUser, path: string, form: Record<string, string | string[]>, params: Record<string, string> = {}) {
  const request = await requestAs(user, path, { form });
  try {
    const res = (await route.action!({ request, params, context: {} })) as Response;
    return {
      status: res.status,
      body: res.headers.get("content-type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : null,
      location: res.headers.get("location"),
    };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, body: null, location: err.headers.get("location") };
    throw err;
  }
}

async function get(route: Route, user: TestUser, path: string, params: Record<string, string>) {
  const request = await requestAs(user, path);
  try {
    const res = (await route.loader!({ request, params, context: {} })) as Response;
    return res.status;
  } catch (err) {
    if (err instanceof Response) return err.status;
    throw err;
  }
}

const snapshot = async () => {
  const db = getDb();
  return {
    deals: await db.selectFrom("deals").select(["id", "stage", "version"]).orderBy("id").execute(),
    quotes: await db.selectFrom("quotes").select(["id", "status", "row_version"]).orderBy("id").execute(),
    orders: await db.selectFrom("orders").select("id").execute(),
    leads: await db.selectFrom("leads").select(["id", "status"]).orderBy("id").execute(),
  };
};

describe("no manufacturer role can book, accept, close or mark won (客户经理只管谈判不管签单)", () => {
  it("answers 403 on every booking-related quote/deal/lead endpoint for account manager, ops, finance and admin, and changes nothing", async () => {
    const { cast } = await createDealWorld();
    const rec = await matrixDealRecords(cast);
    const qPath = `/quotes/${rec.quoteId}`;
    const dPath = `/deals/${rec.dealId}`;
    const probes: [Route, string, Record<string, string>, Record<string, string>][] = [
      [quotePage, qPath, { intent: "book" }, { id: String(rec.quoteId) }],
      [quotePage, qPath, { intent: "accept" }, { id: String(rec.quoteId) }],
      [quotePage, qPath, { intent: "revise", comment: "cheaper" }, { id: String(rec.quoteId) }],
      [dealPage, dPath, { intent: "won" }, { id: String(rec.dealId) }],
      [dealPage, dPath, { intent: "lost", reason: "x" }, { id: String(rec.dealId) }],
      [dealPage, dPath, { intent: "requestRenewal" }, { id: String(rec.dealId) }],
      [dealPage, dPath, { intent: "update", title: "x", estimatedValue: "1", expectedCloseDate: addDays(today(), 5) }, { id: String(rec.dealId) }],
      [dealNew, "/deals/new", { title: "x", accountName: "Y", productLines: "X", estimatedValue: "1", expectedCloseDate: addDays(today(), 5) }, {}],
      [leadPage, `/leads/${rec.leadId}`, { intent: "accept" }, { id: String(rec.leadId) }],
      [leadPage, `/leads/${rec.leadId}`, { intent: "decline", reason: "x" }, { id: String(rec.leadId) }],
    ];
    const before = await snapshot();
    for (const role of ["account_manager", "ops", "finance", "admin"] as const) {
      for (const [route, path, form, params] of probes) {
        const r = await post(route, cast.byRole[role], path, form, params);
        expect(r.status, `${role} POST ${path} ${JSON.stringify(form)}`).toBe(403);
      }
    }
    // The other account manager, too.
    for (const [route, path, form, params] of probes) expect((await post(route, cast.am2, path, form, params)).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // Nobody marks a deal won by hand, not even the dealer.
    expect((await post(dealPage, cast.a.dealer_sales, dPath, { intent: "won" }, { id: String(rec.dealId) })).status).toBe(403);
    // The dealer accepts and books: an order draft with exactly the quoted prices, the quote converted.
    expect((await post(quotePage, cast.a.dealer_sales, qPath, { intent: "accept" }, { id: String(rec.quoteId) })).status).toBe(200);
    for (const role of ["account_manager", "ops", "finance", "admin"] as const)
      expect((await post(quotePage, cast.byRole[role], qPath, { intent: "book" }, { id: String(rec.quoteId) })).status).toBe(403);
    expect(await getDb().selectFrom("orders").select("id").execute()).toEqual([]);
    const book = await post(quotePage, cast.a.dealer_admin, qPath, { intent: "book" }, { id: String(rec.quoteId) });
    expect(book.status).toBe(302);
    const orders = await getDb().selectFrom("orders").select(["id", "status", "dealer_id", "deal_id", "quote_id"]).execute();
    expect(orders).toEqual([{ id: orders[0]!.id, status: "draft", dealer_id: cast.dealerA.id, deal_id: rec.dealId, quote_id: rec.quoteId }]);
    expect(book.location).toBe(`/orders/drafts/${orders[0]!.id}`);
    const lines = await getDb()
      .selectFrom("order_lines")
      .select(["quantity", "unit_price_minor", "quote_line_id"])
      .where("order_id", "=", orders[0]!.id)
      .execute();
    const quoted = await getDb().selectFrom("quote_lines").select(["id", "quantity", "unit_price_minor"]).where("quote_id", "=", rec.quoteId).execute();
    expect(lines).toEqual(quoted.map((q) => ({ quantity: q.quantity, unit_price_minor: q.unit_price_minor, quote_line_id: q.id })));
    expect((await getDb().selectFrom("quotes").select("status").where("id", "=", rec.quoteId).executeTakeFirstOrThrow()).status).toBe("converted");
    // Booking again (double click) gives the same order, never a second one.
    const again = await post(quotePage, cast.a.dealer_admin, qPath, { intent: "book" }, { id: String(rec.quoteId) });
    expect(again.status).toBe(302);
    expect(await getDb().selectFrom("orders").select("id").execute()).toHaveLength(1);
  });
});

describe("scoping through the pages", () => {
  it("dealer B gets 404 on dealer A's deal, quote and lead (read and write); AM2 gets 404 on AM1's key account and deal", async () => {
    const w = await createDealWorld();
    const { cast } = w;
    const rec = await matrixDealRecords(cast);
    for (const u of [cast.b.dealer_admin, cast.b.dealer_sales]) {
      expect(await get(dealPage, u, `/deals/${rec.dealId}`, { id: String(rec.dealId) })).toBe(404);
      expect(await get(quotePage, u, `/quotes/${rec.quoteId}`, { id: String(rec.quoteId) })).toBe(404);
      expect(await get(leadPage, u, `/leads/${rec.leadId}`, { id: String(rec.leadId) })).toBe(404);
      expect((await post(dealPage, u, `/deals/${rec.dealId}`, { intent: "activity", kind: "note", body: "hi" }, { id: String(rec.dealId) })).status).toBe(404);
      expect((await post(dealPage, u, `/deals/${rec.dealId}`, { intent: "lost", reason: "x" }, { id: String(rec.dealId) })).status).toBe(404);
      expect((await post(quotePage, u, `/quotes/${rec.quoteId}`, { intent: "accept" }, { id: String(rec.quoteId) })).status).toBe(404);
      expect((await post(leadPage, u, `/leads/${rec.leadId}`, { intent: "decline", reason: "x" }, { id: String(rec.leadId) })).status).toBe(404);
    }
    const am2 = cast.am2;
    expect(await get(kaPage, am2, `/key-accounts/${rec.keyAccountId}`, { id: String(rec.keyAccountId) })).toBe(404);
    expect(await get(dealPage, am2, `/deals/${rec.dealId}`, { id: String(rec.dealId) })).toBe(404);
    expect(await get(quotePage, am2, `/quotes/${rec.quoteId}`, { id: String(rec.quoteId) })).toBe(404);
    expect((await post(kaPage, am2, `/key-accounts/${rec.keyAccountId}`, { intent: "addContact", name: "Spy" }, { id: String(rec.keyAccountId) })).status).toBe(
      404,
    );
    expect((await post(dealPage, am2, `/deals/${rec.dealId}`, { intent: "approve" }, { id: String(rec.dealId) })).status).toBe(404);
    expect((await post(dealPage, am2, `/deals/${rec.dealId}`, { intent: "newQuote" }, { id: String(rec.dealId) })).status).toBe(404);
    expect(await getDb().selectFrom("key_account_contacts").select("id").where("name", "=", "Spy").execute()).toEqual([]);
    // Dealers cannot open key accounts at all; ops and finance have no deal access.
    expect(await get(kaPage, cast.a.dealer_admin, `/key-accounts/${rec.keyAccountId}`, { id: String(rec.keyAccountId) })).toBe(403);
    expect(await get(dealPage, cast.staff.ops, `/deals/${rec.dealId}`, { id: String(rec.dealId) })).toBe(403);
    expect(await get(dealPage, cast.staff.finance, `/deals/${rec.dealId}`, { id: String(rec.dealId) })).toBe(403);
  });
});

describe("bad input: clear localized errors, nothing changed", () => {
  it("registration: invalid credit code, past close date, negative value, no product line", async () => {
    const { cast, lineA } = await createDealWorld();
    const base = {
      title: "Hospital wing",
      accountName: "新客户有限公司",
      productLines: lineA,
      [`quantity_${lineA}`]: "5",
      estimatedValue: "100000",
      expectedCloseDate: addDays(today(), 30),
    };
    const cases: [Record<string, string>, string, string][] = [
      [{ creditCode: "91350100M000100Y44" }, "creditCode", "The last character (check digit) does not match; check the code for a typo."],
      [{ creditCode: "9135" }, "creditCode", "A unified social credit code has 18 characters: digits and capital letters except I, O, Z, S, V."],
      [{ expectedCloseDate: addDays(today(), -1) }, "expectedCloseDate", "The date cannot be in the past."],
      [{ estimatedValue: "-5" }, "estimatedValue", "Enter an amount greater than zero."],
      [{ productLines: "" }, "productLines", "Choose at least one product line."],
      [{ [`quantity_${lineA}`]: "-2" }, "productLines.0.quantity", "Enter zero or more."],
    ];
    for (const [over, field, message] of cases) {
      const r = await post(dealNew, cast.a.dealer_sales, "/deals/new", { ...base, ...over });
      expect(r.status, JSON.stringify(over)).toBe(400);
      expect((r.body!.fieldErrors as Record<string, string>)[field]).toBe(message);
      expect((r.body!.values as Record<string, string>).title).toBe("Hospital wing");
    }
    // In Chinese too.
    const zhUser = { ...cast.a.dealer_sales };
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", zhUser.id).execute();
    const zh = await post(dealNew, zhUser, "/deals/new", { ...base, creditCode: "91350100M000100Y44" });
    expect((zh.body!.fieldErrors as Record<string, string>).creditCode).toBe("最后一位校验码不符，请检查是否输错。");
    expect(await getDb().selectFrom("deals").select("id").execute()).toEqual([]);
    expect(await getDb().selectFrom("key_accounts").select("id").where("name", "=", "新客户有限公司").execute()).toEqual([]);
    // A valid one goes through and redirects to the deal.
    const ok = await post(dealNew, cast.a.dealer_sales, "/deals/new", { ...base, creditCode: validCreditCode(777) });
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(/^\/deals\/\d+\?registered=registered$/);
  });

  it("key accounts: check digit and duplicates are refused", async () => {
    const { cast } = await createDealWorld();
    const am = cast.staff.account_manager;
    const form = { name: "苏州工业园区智能制造有限公司", creditCode: validCreditCode(31337), industry: "manufacturing", region: "east", size: "large" };
    expect(
      (await post(kaNew, am, "/key-accounts/new", { ...form, creditCode: form.creditCode.slice(0, 17) + (form.creditCode[17] === "0" ? "1" : "0") })).status,
    ).toBe(400);
    const created = await post(kaNew, am, "/key-accounts/new", form);
    expect(created.status).toBe(302);
    const dupCode = await post(kaNew, am, "/key-accounts/new", { ...form, name: "Another name" });
    expect(dupCode.status).toBe(400);
    expect((dupCode.body!.fieldErrors as Record<string, string>).creditCode).toBe("A key account with this credit code already exists.");
    const dupName = await post(kaNew, am, "/key-accounts/new", { ...form, name: "苏州工业园区智能制造（股份有限公司）", creditCode: "" });
    expect((dupName.body!.fieldErrors as Record<string, string>).name).toBe("A key account with this name already exists.");
    const row = await getDb().selectFrom("key_accounts").selectAll().where("credit_code", "=", form.creditCode).executeTakeFirstOrThrow();
    expect(row.owner_id).toBe(am.id); // an account manager always creates their own
  });

  it("quotes: prices below zero or above list, and accepting a superseded or expired version (409)", async () => {
    const w = await createDealWorld();
    const { cast, products } = w;
    const deal = await createDeal(cast.a.dealer_sales, w.ka, [w.lineA], { approveAs: cast.staff.account_manager });
    const v1 = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: products[0]!.id, quantity: 2, unitPrice: 90_000 }]);
    await post(quotePage, cast.a.dealer_sales, `/quotes/${v1.id}`, { intent: "revise", comment: "Need 5 % more" }, { id: String(v1.id) });
    const v2 = await createQuoteVersion(actorFor(cast.staff.account_manager), deal.id);
    const path = `/quotes/${v2.id}`;
    const params = { id: String(v2.id) };
    const am = cast.staff.account_manager;
    const save = (row: Record<string, string>) => post(quotePage, am, path, { intent: "save", validUntil: addDays(today(), 10), ...row }, params);
    const neg = await save({ productId_1: String(products[0]!.id), quantity_1: "2", unitPrice_1: "-1" });
    expect(neg.status).toBe(400);
    expect((neg.body!.fieldErrors as Record<string, string>).unitPrice_1).toBe("The price must be above zero and at most the list price.");
    const over = await save({ productId_0: String(products[0]!.id), quantity_0: "2", unitPrice_0: "1000.01" });
    expect((over.body!.fieldErrors as Record<string, string>).unitPrice_0).toBe("The price must be above zero and at most the list price.");
    const qty = await save({ productId_0: String(products[0]!.id), quantity_0: "0", unitPrice_0: "900" });
    expect((qty.body!.fieldErrors as Record<string, string>).quantity_0).toBe("Enter a number greater than zero.");
    const lines = await getDb().selectFrom("quote_lines").select(["unit_price_minor"]).where("quote_id", "=", v2.id).execute();
    expect(lines).toEqual([{ unit_price_minor: 90_000 }]); // copied from v1, unchanged by the refused saves
    expect((await save({ productId_0: String(products[0]!.id), quantity_0: "2", unitPrice_0: "855.50" })).status).toBe(200);
    expect((await post(quotePage, am, path, { intent: "propose" }, params)).status).toBe(200);
    const sup = await post(quotePage, cast.a.dealer_sales, `/quotes/${v1.id}`, { intent: "accept" }, { id: String(v1.id) });
    expect(sup.status).toBe(409);
    expect(sup.body!.formError).toBe("This version has been superseded by a newer one.");
    expect((await getDb().selectFrom("quotes").select("status").where("id", "=", v1.id).executeTakeFirstOrThrow()).status).toBe("superseded");
  });
});
