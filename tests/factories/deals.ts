/**
 * Factories for the deals area: product lines, products with tier prices, key accounts,
 * deals (through the domain functions, so the rows are the ones the portal makes), and a
 * test `createOrder` that stands in for orders' createDraft.
 */
import { getDb } from "../../db/client";
import type { Tx } from "../../db/client";
import { creditCodeCheckChar, normaliseAccountName } from "../../app/modules/deals/credit-code";
import { approveDeal, registerDeal } from "../../app/modules/deals/deals.server";
import { catalogChanged } from "../../app/modules/catalog/catalog.derived.server";
import { moveOrderCount, recomputeOrderKpis } from "../../app/modules/orders/orders.derived.server";
import type { CreateOrderFn } from "../../app/modules/quotes/quotes.server";
import { createQuoteVersion, proposeQuote, saveDraft } from "../../app/modules/quotes/quotes.server";
import { todayIn, addDays } from "../../app/utils/time";
import { actorFor, createCast, uniq, type TestUser } from "./index";

export const today = () => todayIn(process.env.BUSINESS_TZ ?? "Asia/Shanghai");

/** A valid unified social credit code built from a seed number (check digit computed). */
export function validCreditCode(n: number, region = "310000"): string {
  const body = `91${region}MA${String(n).padStart(7, "0")}`.slice(0, 17);
  return body + creditCodeCheckChar(body);
}

let lineSeq = 0;
export async function createProductLine(code?: string) {
  const db = getDb();
  const c = code ?? `PL${++lineSeq}${uniq().slice(-4).toUpperCase()}`;
  await db
    .insertInto("product_lines")
    .ignore()
    .values({ code: c, name_en: `Line ${c}`, name_zh: `产品线 ${c}`, sort_order: lineSeq })
    .execute();
  await db.insertInto("categories").ignore().values({ code: "TESTCAT", name_en: "Test category", name_zh: "测试类别" }).execute();
  return c;
}

export async function createProduct(
  lineCode: string,
  over: { listPrice?: number; tiers?: Partial<Record<"platinum" | "gold" | "silver", number>>; sku?: string } = {},
) {
  const db = getDb();
  const sku = over.sku ?? uniq("SKU-").toUpperCase();
  const listPrice = over.listPrice ?? 100_000;
  const r = await db
    .insertInto("products")
    .values({
      sku,
      name_en: `Product ${sku}`,
      name_zh: `产品 ${sku}`,
      category_code: "TESTCAT",
      product_line_code: lineCode,
      list_price_minor: listPrice,
      currency: "CNY",
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  const tiers = over.tiers ?? { platinum: Math.round(listPrice * 0.85), gold: Math.round(listPrice * 0.9), silver: Math.round(listPrice * 0.95) };
  for (const [tier, price] of Object.entries(tiers)) await db.insertInto("product_tier_prices").values({ product_id: id, tier, price_minor: price! }).execute();
  await catalogChanged(db);
  return { id, sku, listPrice, tiers };
}

let kaSeq = 0;
// Credit codes: a random start per test file (each file gets fresh module state), then consecutive numbers, so codes
// never repeat within a file and files sharing a database overlap only if their starts fall within a few codes.
const kaBase = Math.floor(Math.random() * 8_000_000);
export async function createKeyAccount(ownerId: number, over: { name?: string; creditCode?: string | null } = {}) {
  const db = getDb();
  const name = over.name ?? `测试大客户${++kaSeq}${uniq()}有限公司`;
  const r = await db
    .insertInto("key_accounts")
    .values({
      name,
      name_normalized: normaliseAccountName(name),
      credit_code: over.creditCode === undefined ? validCreditCode(1_000_000 + kaBase + kaSeq) : over.creditCode,
      industry: "it",
      region: "east",
      size: "large",
      owner_id: ownerId,
    })
    .executeTakeFirstOrThrow();
  return { id: Number(r.insertId), name };
}

/** The cast plus two product lines with products, and a key account owned by the first account manager. */
export async function createDealWorld() {
  const cast = await createCast();
  const lineA = await createProductLine();
  const lineB = await createProductLine();
  const p1 = await createProduct(lineA, { listPrice: 100_000 });
  const p2 = await createProduct(lineA, { listPrice: 250_050 });
  const p3 = await createProduct(lineB, { listPrice: 80_000 });
  const ka = await createKeyAccount(cast.staff.account_manager.id);
  return { cast, lineA, lineB, products: [p1, p2, p3], ka };
}

export function registration(over: Partial<Parameters<typeof registerDeal>[1]> & { lines?: string[] } = {}) {
  const { lines, ...rest } = over;
  return {
    keyAccountId: null,
    accountName: null,
    creditCode: null,
    industry: null,
    region: null,
    title: "Metro line 5 HVAC retrofit",
    productLines: (lines ?? []).map((code) => ({ code, quantity: 10 })),
    estimatedValue: 1_200_000_00,
    expectedCloseDate: addDays(today(), 60),
    competitors: "Gree, Midea",
    notes: null,
    ...rest,
  };
}

/** Registers a deal for `user` on the key account (matched by credit code) and optionally approves it. */
export async function createDeal(user: TestUser, ka: { id: number }, lines: string[], opts: { approveAs?: TestUser } = {}) {
  const code = await getDb().selectFrom("key_accounts").select(["credit_code", "name"]).where("id", "=", ka.id).executeTakeFirstOrThrow();
  const r = await registerDeal(actorFor(user), registration({ accountName: code.name, creditCode: code.credit_code, lines }));
  if (opts.approveAs) await approveDeal(actorFor(opts.approveAs), r.id);
  return r;
}

/** A proposed quote (v1) on an approved deal, one line per product at the given prices. */
export async function createProposedQuote(
  am: TestUser,
  dealId: number,
  lines: { productId: number; quantity: number; unitPrice: number }[],
  validUntil = addDays(today(), 30),
) {
  const { id } = await createQuoteVersion(actorFor(am), dealId);
  await saveDraft(actorFor(am), id, { lines: lines.map((l, row) => ({ ...l, row })), validUntil, terms: "Net 30" });
  const r = await proposeQuote(actorFor(am), id);
  return { id, status: r.status };
}

/** A quote whose discount is above the limit, sent to an administrator (pending_approval). */
export async function createQuoteAwaitingApproval(
  am: TestUser,
  dealId: number,
  lines: { productId: number; quantity: number; unitPrice: number }[],
  validUntil = addDays(today(), 30),
) {
  const q = await createProposedQuote(am, dealId, lines, validUntil);
  if (q.status !== "pending_approval") throw new Error(`expected a discount above the limit, got ${q.status}`);
  return q;
}

/** Stands in for orders' createDraft: inserts a draft order and its lines exactly as given. */
export const testCreateOrder: CreateOrderFn = async (tx: Tx, actor, input) => {
  const deal = await tx.selectFrom("deals").select(["dealer_id", "currency"]).where("id", "=", input.dealId).executeTakeFirstOrThrow();
  const total = input.lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0);
  const r = await tx
    .insertInto("orders")
    .values({
      dealer_id: deal.dealer_id,
      status: "draft",
      currency: deal.currency,
      total_minor: total,
      line_count: input.lines.length,
      deal_id: input.dealId,
      quote_id: input.quoteId,
      created_by: actor.userId,
    })
    .executeTakeFirstOrThrow();
  const orderId = Number(r.insertId);
  // As createDraftTx does: the dealer's count of drafts, through the orders' own function (db:check compares it).
  await moveOrderCount(tx, deal.dealer_id, null, { status: "draft", numbered: false });
  let n = 0;
  for (const l of input.lines) {
    const p = await tx.selectFrom("products").select("sku").where("id", "=", l.productId).executeTakeFirstOrThrow();
    await tx
      .insertInto("order_lines")
      .values({
        order_id: orderId,
        line_no: ++n,
        product_id: l.productId,
        sku: p.sku,
        quantity: l.quantity,
        unit_price_minor: l.unitPriceMinor,
        line_total_minor: l.quantity * l.unitPriceMinor,
        quote_line_id: l.quoteLineId,
      })
      .execute();
  }
  // The order's fulfilment figures (ordered quantity) as the orders module defines them.
  await recomputeOrderKpis(tx, [orderId]);
  return { orderId, number: null };
};

/**
 * Records for the role × route matrix: a key account owned by dealer A's account manager,
 * an approved deal of dealer A on it with a proposed quote, and a lead offered to dealer A.
 */
export async function matrixDealRecords(cast: Awaited<ReturnType<typeof createCast>>) {
  const lineA = await createProductLine();
  const lineB = await createProductLine();
  const p = await createProduct(lineA);
  const ka = await createKeyAccount(cast.staff.account_manager.id);
  await getDb()
    .insertInto("key_account_contacts")
    .values({ key_account_id: ka.id, name: "张经理", title: "采购经理", phone: "021-5555-0101", email: "buyer@example.cn" })
    .execute();
  const deal = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
  const quote = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: p.id, quantity: 4, unitPrice: 88_000 }]);
  const { offerLead } = await import("../../app/modules/deals/key-accounts.server");
  const lead = await offerLead(actorFor(cast.staff.account_manager), ka.id, {
    dealerId: cast.dealerA.id,
    productLineCode: lineB,
    estimatedValue: 300_000_00,
    note: "Phase 2",
  });
  return { keyAccountId: ka.id, dealId: deal.id, quoteId: quote.id, leadId: lead.id };
}
