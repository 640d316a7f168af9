import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { addDays } from "~/utils/time";
import { actorFor, requestAs } from "../../../tests/factories";
import { translate } from "~/i18n";
import { createDeal, createDealWorld, createProduct, createProposedQuote, testCreateOrder, today } from "../../../tests/factories/deals";
import { getDealPage } from "~/modules/deals/deals.server";
import { QuoteDraftSchema } from "./quotes.schema.server";
import {
  acceptQuote,
  approveQuoteDiscount,
  bookQuote,
  createQuoteVersion,
  discountBasisPoints,
  expireLapsedQuotes,
  getQuotePage,
  proposeQuote,
  refuseQuoteDiscount,
  requestRevision,
  saveDraft,
} from "./quotes.server";
import { systemActor } from "~/modules/auth/actor";

const db = () => getDb();
const statusOf = async (id: number) => (await db().selectFrom("quotes").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;
const stageOf = async (id: number) => (await db().selectFrom("deals").select("stage").where("id", "=", id).executeTakeFirstOrThrow()).stage;

afterEach(() => vi.useRealTimers());

async function approvedDeal() {
  const w = await createDealWorld();
  const deal = await createDeal(w.cast.a.dealer_sales, w.ka, [w.lineA], { approveAs: w.cast.staff.account_manager });
  return { ...w, deal, am: actorFor(w.cast.staff.account_manager), dealer: actorFor(w.cast.a.dealer_sales) };
}

describe("discount arithmetic", () => {
  it("is basis points against the tier price, integer math, half away from zero", () => {
    expect(discountBasisPoints(100_000, 85_000)).toBe(1500);
    expect(discountBasisPoints(90_000, 76_500)).toBe(1500);
    expect(discountBasisPoints(30_000, 29_999)).toBe(0); // 0.33 bp → 0
    expect(discountBasisPoints(30_000, 29_995)).toBe(2); // 1.67 bp → 2
    expect(discountBasisPoints(3, 2)).toBe(3333);
    expect(discountBasisPoints(100_000, 110_000)).toBe(-1000); // above tier (but within list) is a negative discount
    expect(discountBasisPoints(0, 0)).toBe(0);
  });
});

describe("quote versions by the account manager", () => {
  it("within the limit: draft → proposed; the deal moves approved → negotiating → quoted; events carry dealer and account manager", async () => {
    const { deal, am, products, cast } = await approvedDeal();
    const p = products[0]!; // list 1000.00, gold tier 900.00
    const { id } = await createQuoteVersion(am, deal.id);
    expect(await stageOf(deal.id)).toBe("negotiating");
    await saveDraft(am, id, {
      lines: [{ row: 0, productId: p.id, quantity: 10, unitPrice: 81_000 }],
      validUntil: addDays(today(), 20),
      terms: "Delivery within 30 days",
    });
    const line = await db().selectFrom("quote_lines").selectAll().where("quote_id", "=", id).executeTakeFirstOrThrow();
    expect(line).toMatchObject({ tier_price_minor: 90_000, unit_price_minor: 81_000, discount_bp: 1000, line_total_minor: 810_000 });
    expect(await proposeQuote(am, id)).toEqual({ status: "proposed" });
    expect(await stageOf(deal.id)).toBe("quoted");
    const [ev] = await db().selectFrom("domain_events").selectAll().where("type", "=", "quote.proposed").execute();
    expect(ev).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id, entity_type: "quote" });
  });

  it("above QUOTE_DISCOUNT_LIMIT_PCT: pending approval; only an administrator approves or sends it back", async () => {
    const { deal, am, products, cast } = await approvedDeal();
    const p = products[0]!;
    const { id } = await createQuoteVersion(am, deal.id);
    await saveDraft(am, id, { lines: [{ row: 0, productId: p.id, quantity: 1, unitPrice: 75_000 }], validUntil: addDays(today(), 20), terms: null }); // 16.67 % off tier
    expect(await proposeQuote(am, id)).toEqual({ status: "pending_approval" });
    expect((await db().selectFrom("domain_events").selectAll().where("type", "=", "quote.pending_approval").execute())[0]).toMatchObject({
      dealer_id: cast.dealerA.id,
      account_manager_id: cast.staff.account_manager.id,
    });
    // The dealer does not see it yet.
    await expect(getQuotePage(actorFor(cast.a.dealer_sales), id)).rejects.toMatchObject({ status: 404 });
    expect((await getDealPage(actorFor(cast.a.dealer_sales), deal.id)).quotes).toEqual([]);
    await expect(approveQuoteDiscount(am, id, null)).rejects.toMatchObject({ status: 403 });
    await refuseQuoteDiscount(actorFor(cast.staff.admin), id, "Max 15 % on this line");
    expect(await statusOf(id)).toBe("draft");
    await saveDraft(am, id, { lines: [{ row: 0, productId: p.id, quantity: 1, unitPrice: 70_000 }], validUntil: addDays(today(), 20), terms: null });
    await proposeQuote(am, id);
    await approveQuoteDiscount(actorFor(cast.staff.admin), id, "Strategic account");
    const q = await db().selectFrom("quotes").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(q).toMatchObject({ status: "proposed", approved_by: cast.staff.admin.id, approval_note: "Strategic account" });
    expect(await stageOf(deal.id)).toBe("quoted");
  });

  it("refuses prices ≤ 0 or above list, products outside the deal's lines, past validity; nothing changes", async () => {
    const { deal, am, products } = await approvedDeal();
    const [p1, , pOther] = products;
    const { id } = await createQuoteVersion(am, deal.id);
    const until = addDays(today(), 10);
    const bad = [
      [{ row: 0, productId: p1!.id, quantity: 1, unitPrice: 0 }, { unitPrice_0: ["quotes.priceRange"] }],
      [{ row: 2, productId: p1!.id, quantity: 1, unitPrice: 100_001 }, { unitPrice_2: ["quotes.priceRange"] }],
      [{ row: 1, productId: pOther!.id, quantity: 1, unitPrice: 1_000 }, { productId_1: ["quotes.productNotOnDeal"] }],
    ] as const;
    for (const [line, fe] of bad)
      await expect(saveDraft(am, id, { lines: [line], validUntil: until, terms: null })).rejects.toMatchObject({ status: 400, fieldErrors: fe });
    await expect(saveDraft(am, id, { lines: [], validUntil: addDays(today(), -1), terms: null })).rejects.toMatchObject({
      fieldErrors: { validUntil: ["validation.dateFuture"] },
    });
    expect(await db().selectFrom("quote_lines").select("id").where("quote_id", "=", id).execute()).toEqual([]);
    await expect(proposeQuote(am, id)).rejects.toMatchObject({ status: 409, messageKey: "quotes.noLines" });
    // The price exactly at list is allowed.
    await saveDraft(am, id, { lines: [{ row: 0, productId: p1!.id, quantity: 1, unitPrice: 100_000 }], validUntil: until, terms: null });
    // Negative prices are refused by the form schema already.
    const parsed = QuoteDraftSchema.safeParse({ productId_0: String(p1!.id), quantity_0: "1", unitPrice_0: "-5", validUntil: until });
    expect(parsed.success).toBe(false);
    const parsed2 = QuoteDraftSchema.safeParse({ productId_0: String(p1!.id), quantity_0: "0", unitPrice_0: "5", validUntil: until });
    expect(parsed2.success).toBe(false);
  });

  it("only the owning account manager writes quotes", async () => {
    const { deal, cast } = await approvedDeal();
    for (const u of [cast.a.dealer_sales, cast.a.dealer_admin, cast.staff.admin, cast.staff.ops, cast.staff.finance])
      await expect(createQuoteVersion(actorFor(u), deal.id)).rejects.toMatchObject({ status: 403 });
    await expect(createQuoteVersion(actorFor(cast.am2), deal.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("the dealer answers: revision, new version supersedes, accept", () => {
  it("revision → new version supersedes → accept; superseded and expired versions cannot be accepted (409)", async () => {
    const { deal, am, dealer, products, cast } = await approvedDeal();
    const p = products[0]!;
    const v1 = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: p.id, quantity: 5, unitPrice: 86_000 }]);
    await requestRevision(dealer, v1.id, "Customer wants 4 % more off for 8 units");
    expect(await statusOf(v1.id)).toBe("revision_requested");
    expect(await stageOf(deal.id)).toBe("negotiating");
    await expect(acceptQuote(dealer, v1.id)).rejects.toMatchObject({ status: 409 });
    const v2 = await createQuoteVersion(am, deal.id);
    await expect(createQuoteVersion(am, deal.id)).rejects.toMatchObject({ status: 409, messageKey: "quotes.openDraft" });
    const v1row = await db().selectFrom("quotes").selectAll().where("id", "=", v1.id).executeTakeFirstOrThrow();
    expect(v1row).toMatchObject({ status: "superseded", superseded_by_id: v2.id });
    // The new version starts from the old lines.
    expect(await db().selectFrom("quote_lines").select(["product_id", "unit_price_minor"]).where("quote_id", "=", v2.id).execute()).toEqual([
      { product_id: p.id, unit_price_minor: 86_000 },
    ]);
    await saveDraft(am, v2.id, { lines: [{ row: 0, productId: p.id, quantity: 8, unitPrice: 83_000 }], validUntil: addDays(today(), 15), terms: null });
    await proposeQuote(am, v2.id);
    await expect(acceptQuote(dealer, v1.id)).rejects.toMatchObject({ status: 409, messageKey: "quotes.superseded" });
    await expect(acceptQuote(actorFor(cast.b.dealer_sales), v2.id)).rejects.toMatchObject({ status: 404 });
    await acceptQuote(dealer, v2.id);
    expect(await statusOf(v2.id)).toBe("accepted");
    const [ev] = await db().selectFrom("domain_events").selectAll().where("type", "=", "quote.accepted").execute();
    expect(ev).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
    // Side-by-side comparison: one row per product, one cell per version.
    const page = await getQuotePage(dealer, v2.id);
    expect(page.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(page.comparison).toEqual([
      expect.objectContaining({
        productId: p.id,
        cells: [
          { quantity: 5, unitPrice: 86_000, discountBp: 444 },
          { quantity: 8, unitPrice: 83_000, discountBp: 778 },
        ],
      }),
    ]);
  });

  it("an expired quote (valid_until before today in BUSINESS_TZ) cannot be accepted and shows expired; the job marks it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-04-01T02:00:00Z"));
    const { deal, dealer, products, cast } = await approvedDeal();
    const q = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: products[0]!.id, quantity: 1, unitPrice: 90_000 }], "2026-04-10");
    // 2026-04-10 23:30 in Shanghai is still valid; 2026-04-11 00:30 Shanghai (16:30 UTC on the 10th) is not.
    vi.setSystemTime(new Date("2026-04-10T15:30:00Z"));
    expect((await getQuotePage(dealer, q.id)).quote.effectiveStatus).toBe("proposed");
    vi.setSystemTime(new Date("2026-04-10T16:30:00Z"));
    expect((await getQuotePage(dealer, q.id)).quote.effectiveStatus).toBe("expired");
    await expect(acceptQuote(dealer, q.id)).rejects.toMatchObject({ status: 409, messageKey: "quotes.expired" });
    expect(await statusOf(q.id)).toBe("proposed");
    expect((await expireLapsedQuotes(systemActor(1), "2026-04-11")).expired).toEqual([q.id]);
    expect(await statusOf(q.id)).toBe("expired");
    // The account manager can issue a fresh version.
    const v2 = await createQuoteVersion(actorFor(cast.staff.account_manager), deal.id);
    expect(await statusOf(q.id)).toBe("superseded");
    expect(v2.id).toBeGreaterThan(0);
  });
});

describe("booking the sale (客户经理只管谈判不管签单)", () => {
  it("only the deal's dealer books; the quoted prices are carried exactly into the order; the quote becomes converted once", async () => {
    const { deal, dealer, products, cast, lineA } = await approvedDeal();
    const odd = await createProduct(lineA, { listPrice: 123_457, tiers: { gold: 111_111 } });
    const lines = [
      { productId: products[0]!.id, quantity: 7, unitPrice: 86_333 },
      { productId: products[1]!.id, quantity: 3, unitPrice: 212_543 },
      { productId: odd.id, quantity: 11, unitPrice: 99_999 },
    ];
    const q = await createProposedQuote(cast.staff.account_manager, deal.id, lines);
    // Not yet accepted: no booking.
    await expect(bookQuote(dealer, q.id, testCreateOrder)).rejects.toMatchObject({ status: 409, messageKey: "quotes.notAccepted" });
    await acceptQuote(dealer, q.id);
    // No manufacturer role can book, accept, or ask for a revision.
    for (const role of ["account_manager", "ops", "finance", "admin"] as const) {
      const who = actorFor(cast.byRole[role]);
      await expect(bookQuote(who, q.id, testCreateOrder)).rejects.toMatchObject({ status: 403 });
      await expect(acceptQuote(who, q.id)).rejects.toMatchObject({ status: 403 });
      await expect(requestRevision(who, q.id, "x")).rejects.toMatchObject({ status: 403 });
    }
    await expect(bookQuote(actorFor(cast.a.dealer_finance), q.id, testCreateOrder)).rejects.toMatchObject({ status: 403 });
    await expect(bookQuote(actorFor(cast.b.dealer_sales), q.id, testCreateOrder)).rejects.toMatchObject({ status: 404 });
    // Without orders wired: a clear 503, nothing changed.
    await expect(bookQuote(dealer, q.id, undefined)).rejects.toMatchObject({ status: 503, messageKey: "quotes.bookingUnavailable" });
    expect(await statusOf(q.id)).toBe("accepted");
    const booked = await bookQuote(dealer, q.id, testCreateOrder);
    const orderLines = await db().selectFrom("order_lines").selectAll().where("order_id", "=", booked.orderId).orderBy("line_no").execute();
    const quoteLines = await db().selectFrom("quote_lines").selectAll().where("quote_id", "=", q.id).orderBy("line_no").execute();
    expect(orderLines.map((l) => [l.product_id, l.quantity, l.unit_price_minor, l.line_total_minor, l.quote_line_id])).toEqual(
      quoteLines.map((l) => [l.product_id, l.quantity, l.unit_price_minor, l.line_total_minor, l.id]),
    );
    expect(orderLines.map((l) => l.unit_price_minor)).toEqual([86_333, 212_543, 99_999]);
    const order = await db().selectFrom("orders").selectAll().where("id", "=", booked.orderId).executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      dealer_id: cast.dealerA.id,
      deal_id: deal.id,
      quote_id: q.id,
      status: "draft",
      total_minor: 7 * 86_333 + 3 * 212_543 + 11 * 99_999,
    });
    const qrow = await db().selectFrom("quotes").selectAll().where("id", "=", q.id).executeTakeFirstOrThrow();
    expect(qrow).toMatchObject({ status: "converted", converted_order_id: booked.orderId });
    // A double click returns the same order.
    expect((await bookQuote(dealer, q.id, testCreateOrder)).orderId).toBe(booked.orderId);
    expect(await db().selectFrom("orders").select("id").where("quote_id", "=", q.id).execute()).toHaveLength(1);
    // A booked deal can no longer be lost, and the quote cannot be replaced.
    await expect(createQuoteVersion(actorFor(cast.staff.account_manager), deal.id)).rejects.toMatchObject({ status: 409 });
  });

  it("an accepted quote past its validity cannot be booked; a superseded one neither", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-04-01T02:00:00Z"));
    const { deal, dealer, products, cast } = await approvedDeal();
    const q = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: products[0]!.id, quantity: 1, unitPrice: 90_000 }], "2026-04-05");
    await acceptQuote(dealer, q.id);
    vi.setSystemTime(new Date("2026-04-06T02:00:00Z"));
    await expect(bookQuote(dealer, q.id, testCreateOrder)).rejects.toMatchObject({ status: 409, messageKey: "quotes.expired" });
    await createQuoteVersion(actorFor(cast.staff.account_manager), deal.id);
    await expect(bookQuote(dealer, q.id, testCreateOrder)).rejects.toMatchObject({ status: 409, messageKey: "quotes.superseded" });
    expect(await db().selectFrom("orders").select("id").execute()).toEqual([]);
  });
});

describe("what the dealer's acceptance and the manufacturer's internals protect", () => {
  it("the account manager cannot replace a quote the dealer has accepted while it can be booked (409, localized)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-04-01T02:00:00Z"));
    const { deal, dealer, am, products, cast } = await approvedDeal();
    const q = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: products[0]!.id, quantity: 2, unitPrice: 85_000 }], "2026-04-20");
    await acceptQuote(dealer, q.id);
    await expect(createQuoteVersion(am, deal.id)).rejects.toMatchObject({ status: 409, messageKey: "quotes.alreadyAccepted" });
    expect(await statusOf(q.id)).toBe("accepted");
    expect(await db().selectFrom("quotes").select("id").where("deal_id", "=", deal.id).execute()).toHaveLength(1);
    // The page offers no "new version" to the account manager either.
    const { loader } = await import("~/routes/quotes.$id");
    const res = (await loader({
      request: await requestAs(cast.staff.account_manager, `/quotes/${q.id}`),
      params: { id: String(q.id) },
      context: {},
    })) as Response;
    expect(((await res.json()) as { caps: { newVersion: boolean } }).caps.newVersion).toBe(false);
    // Through the route: 409 with the message in the user's language.
    const { action } = await import("~/routes/quotes.$id");
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.staff.account_manager.id).execute();
    const refused = (await action({
      request: await requestAs(cast.staff.account_manager, `/quotes/${q.id}`, { form: { intent: "newVersion" } }),
      params: { id: String(q.id) },
      context: {},
    })) as Response;
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { formError: string }).formError).toBe(translate("zh-CN", "quotes.alreadyAccepted"));
    // The dealer books it as accepted.
    expect((await bookQuote(dealer, q.id, testCreateOrder)).orderId).toBeGreaterThan(0);
  });

  it("the dealer never gets the administrator's note on a discount approval, not even in the page's data", async () => {
    const { deal, am, products, cast } = await approvedDeal();
    const { id } = await createQuoteVersion(am, deal.id);
    await saveDraft(am, id, { lines: [{ row: 0, productId: products[0]!.id, quantity: 1, unitPrice: 70_000 }], validUntil: addDays(today(), 20), terms: null });
    await proposeQuote(am, id);
    await approveQuoteDiscount(actorFor(cast.staff.admin), id, "Margin floor overridden for the tender");
    const { loader } = await import("~/routes/quotes.$id");
    for (const who of [cast.a.dealer_sales, cast.a.dealer_admin]) {
      const res = (await loader({ request: await requestAs(who, `/quotes/${id}`), params: { id: String(id) }, context: {} })) as Response;
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).not.toContain("Margin floor");
      expect(JSON.parse(text).quote.approval_note).toBeNull();
    }
    for (const who of [cast.staff.account_manager, cast.staff.admin]) {
      expect((await getQuotePage(actorFor(who), id)).quote.approval_note).toBe("Margin floor overridden for the tender");
    }
  });
});
