/**
 * Negotiated quotes (报价 / 特价申请). Only the account manager who owns the key account
 * writes quote versions; an administrator approves a discount above the limit; only the
 * deal's dealer accepts, asks for a revision, or books the accepted quote as an order
 * (客户经理只管谈判不管签单).
 */
import { sql } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { isDealerRole, moverSide } from "~/modules/auth/permissions";
import { lineCodesOf } from "~/modules/deals/deals.queries.server";
import { scopes } from "~/modules/auth/access.server";
import { flagProtectedAccountActivity, moveDeal, today } from "~/modules/deals/deals.server";
import { PROTECTED_STAGES } from "~/modules/deals/state";
import { env } from "~/utils/env.server";
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError, type FieldErrors } from "~/utils/errors";
import { addDays, now, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { APPROVAL_PAGE_SIZE } from "./quotes.schema";
import { type ApprovalQueueFilter, type QuoteDraftInput } from "./quotes.schema.server";
import { approvalQueueChoices, approvalQueueRows, approvalQueueWhere } from "./quotes.queries.server";
import { minorToDecimal } from "~/utils/money";
import { SUPERSEDABLE, effectiveQuoteStatus, quoteTransition, type QuoteMover, type QuoteStatus } from "./state";

/** Statuses a dealer never sees: the manufacturer's internal drafts and discount approvals. */
const INTERNAL_STATUSES = ["draft", "pending_approval"] as const;

/** What bookQuote hands to orders: the accepted quote's lines at their fixed, server-trusted prices. */
export type BookingInput = {
  lines: { productId: number; quantity: number; unitPriceMinor: number; quoteLineId: number }[];
  dealId: number;
  quoteId: number;
};
export type CreateOrderFn = (tx: Tx, actor: Actor, input: BookingInput) => Promise<{ orderId: number; number: string | null }>;

/** Discount of a negotiated price against the tier price, in basis points (integer math, half away from zero). */
export function discountBasisPoints(tierPriceMinor: number, unitPriceMinor: number): number {
  if (tierPriceMinor <= 0) return 0;
  const num = (BigInt(tierPriceMinor) - BigInt(unitPriceMinor)) * 10000n;
  const den = BigInt(tierPriceMinor);
  const q = num / den;
  const r = num % den;
  const absR = r < 0n ? -r : r;
  return Number(q + (absR * 2n >= den ? (num < 0n ? -1n : 1n) : 0n));
}

const discountLimitBp = () => env().QUOTE_DISCOUNT_LIMIT_PCT * 100;

function quotesQuery(dbx: Executor, actor: Actor) {
  let q = dbx.selectFrom("quotes as q").innerJoin("deals as d", "d.id", "q.deal_id").where(scopes.quote.where(actor));
  if (isDealerRole(actor.role)) q = q.where("q.status", "not in", [...INTERNAL_STATUSES]);
  return q;
}

async function lockQuote(tx: Tx, actor: Actor, id: number) {
  const row = await quotesQuery(tx, actor)
    .selectAll("q")
    .select([
      "d.stage as deal_stage",
      "d.dealer_id as deal_dealer_id",
      "d.account_manager_id",
      "d.key_account_id",
      "d.title as deal_title",
      "d.protection_expires_on",
    ])
    .where("q.id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row;
}

type QuoteRow = Awaited<ReturnType<typeof lockQuote>>;

async function moveQuote(
  tx: Executor,
  actor: Actor,
  quote: QuoteRow,
  to: QuoteStatus,
  mover: QuoteMover,
  set: Record<string, unknown> = {},
  payload: Record<string, unknown> = {},
) {
  const t = quoteTransition(quote.status, to);
  if (!t || !t.by.includes(mover)) throw new ConflictError("quotes.badTransition");
  const res = await tx
    .updateTable("quotes")
    .set({ ...set, status: to, updated_at: now(), row_version: sql<number>`row_version + 1` })
    .where("id", "=", quote.id)
    .where("status", "=", quote.status)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new ConflictError();
  await audit(tx, actor, {
    action: t.event,
    entityType: "quote",
    entityId: quote.id,
    dealerId: quote.dealer_id,
    summary: { from: quote.status, to, dealId: quote.deal_id, version: quote.version, ...payload },
  });
  await emitEvent(tx, actor, {
    type: t.event,
    entityType: "quote",
    entityId: quote.id,
    dealerId: quote.dealer_id,
    accountManagerId: quote.account_manager_id,
    payload: { dealId: quote.deal_id, dealTitle: quote.deal_title, version: quote.version, total: quote.total_minor, currency: quote.currency, ...payload },
  });
  quote.status = to;
}

async function dealForMove(tx: Executor, dealId: number) {
  return tx
    .selectFrom("deals")
    .select(["id", "stage", "dealer_id", "account_manager_id", "title", "key_account_id"])
    .where("id", "=", dealId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

function assertDealOpenForQuotes(deal: { stage: string; protection_expires_on: string | null }) {
  if (!(PROTECTED_STAGES as readonly string[]).includes(deal.stage)) throw new ConflictError("quotes.dealNotOpen");
  if (!deal.protection_expires_on || deal.protection_expires_on < today()) throw new ConflictError("deals.protectionLapsed");
}

// ---------------------------------------------------------------- the account manager writes versions

/**
 * "New quote" on a deal: a draft version. A later version copies the previous one's lines and
 * supersedes it at once (the dealer can no longer accept the old one). While a draft or a version
 * awaiting approval exists, that one is edited instead.
 */
export async function createQuoteVersion(actor: Actor, dealId: number): Promise<{ id: number }> {
  requirePermission(actor, "quote:create");
  return transaction("quote.create", async (tx) => {
    const deal = await tx.selectFrom("deals as d").selectAll("d").where("d.id", "=", dealId).where(scopes.quote.where(actor)).forUpdate().executeTakeFirst();
    if (!deal) throw new NotFoundError();
    assertDealOpenForQuotes(deal);
    const latest = await tx.selectFrom("quotes").selectAll().where("deal_id", "=", dealId).orderBy("version", "desc").limit(1).forUpdate().executeTakeFirst();
    if (latest && (latest.status === "draft" || latest.status === "pending_approval")) throw new ConflictError("quotes.openDraft");
    if (latest && latest.status === "converted") throw new ConflictError("quotes.alreadyBooked");
    const t = today();
    // The dealer's acceptance binds the manufacturer: while they can book it, it is not replaced under them.
    if (latest && latest.status === "accepted" && latest.valid_until >= t) throw new ConflictError("quotes.alreadyAccepted");
    const validUntil = latest && latest.valid_until >= t ? latest.valid_until : addDays(t, 30);
    const res = await tx
      .insertInto("quotes")
      .values({
        deal_id: dealId,
        dealer_id: deal.dealer_id,
        version: (latest?.version ?? 0) + 1,
        status: "draft",
        currency: deal.currency,
        valid_until: validUntil,
        terms: latest?.terms ?? null,
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    if (latest) {
      const lines = await tx.selectFrom("quote_lines").selectAll().where("quote_id", "=", latest.id).orderBy("line_no").execute();
      if (lines.length)
        await writeLines(
          tx,
          id,
          deal.dealer_id,
          lines.map((l) => ({ productId: l.product_id, quantity: l.quantity, unitPrice: l.unit_price_minor })),
        );
      if (!(SUPERSEDABLE as readonly string[]).includes(latest.status)) throw new ConflictError("quotes.badTransition");
      const old = {
        ...latest,
        deal_stage: deal.stage,
        deal_dealer_id: deal.dealer_id,
        account_manager_id: deal.account_manager_id,
        key_account_id: deal.key_account_id,
        deal_title: deal.title,
        protection_expires_on: deal.protection_expires_on,
      };
      await moveQuote(tx, actor, old, "superseded", moverSide(actor), { superseded_by_id: id }, { supersededBy: id });
    }
    await audit(tx, actor, {
      action: "quote.created",
      entityType: "quote",
      entityId: id,
      dealerId: deal.dealer_id,
      summary: { dealId, version: (latest?.version ?? 0) + 1 },
    });
    const d = await dealForMove(tx, dealId);
    if (d.stage === "approved" || d.stage === "quoted") await moveDeal(tx, actor, d, "negotiating", moverSide(actor), { payload: { quoteId: id } });
    return { id };
  });
}

async function writeLines(tx: Executor, quoteId: number, dealerId: number, lines: { productId: number; quantity: number; unitPrice: number }[]) {
  const dealer = await tx.selectFrom("organisations").select("tier").where("id", "=", dealerId).executeTakeFirstOrThrow();
  const ids = [...new Set(lines.map((l) => l.productId))];
  const products = ids.length
    ? await tx
        .selectFrom("products as p")
        .leftJoin("product_tier_prices as tp", (j) => j.onRef("tp.product_id", "=", "p.id").on("tp.tier", "=", dealer.tier))
        .select(["p.id", "p.list_price_minor", "tp.price_minor as tier_price_minor"])
        .where("p.id", "in", ids)
        .execute()
    : [];
  const byId = new Map(products.map((p) => [p.id, p]));
  await tx.deleteFrom("quote_lines").where("quote_id", "=", quoteId).execute();
  let total = 0;
  let maxBp = 0;
  const rows = lines.map((l, i) => {
    const p = byId.get(l.productId)!;
    const tier = p.tier_price_minor ?? p.list_price_minor;
    const bp = discountBasisPoints(tier, l.unitPrice);
    const lineTotal = l.quantity * l.unitPrice;
    total += lineTotal;
    maxBp = Math.max(maxBp, bp);
    return {
      quote_id: quoteId,
      line_no: i + 1,
      product_id: l.productId,
      quantity: l.quantity,
      unit_price_minor: l.unitPrice,
      tier_price_minor: tier,
      discount_bp: bp,
      line_total_minor: lineTotal,
    };
  });
  if (rows.length) await tx.insertInto("quote_lines").values(rows).execute();
  await tx
    .updateTable("quotes")
    .set({ total_minor: total, max_discount_bp: maxBp, updated_at: now(), row_version: sql<number>`row_version + 1` })
    .where("id", "=", quoteId)
    .execute();
  return { total, maxBp };
}

/** Saves the lines, validity and terms of a draft. Prices: 0 < price ≤ list price; products of the deal's product lines. */
export async function saveDraft(actor: Actor, quoteId: number, input: QuoteDraftInput) {
  requirePermission(actor, "quote:create");
  const fe: FieldErrors = {};
  if (input.validUntil < today()) fe.validUntil = ["validation.dateFuture"];
  const ids = [...new Set(input.lines.map((l) => l.productId))];
  if (ids.length !== input.lines.length)
    for (const l of input.lines) if (input.lines.filter((x) => x.productId === l.productId).length > 1) fe[`productId_${l.row}`] = ["quotes.duplicateProduct"];
  await transaction("quote.save", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    if (quote.status !== "draft") throw new ConflictError("quotes.notDraft");
    const lines = await lineCodesOf(tx, quote.deal_id);
    const products = ids.length
      ? await tx.selectFrom("products").select(["id", "list_price_minor", "product_line_code", "status", "currency"]).where("id", "in", ids).execute()
      : [];
    const byId = new Map(products.map((p) => [p.id, p]));
    for (const l of input.lines) {
      const p = byId.get(l.productId);
      if (!p || p.status !== "active" || !lines.includes(p.product_line_code)) fe[`productId_${l.row}`] = ["quotes.productNotOnDeal"];
      else if (l.unitPrice <= 0 || l.unitPrice > p.list_price_minor) fe[`unitPrice_${l.row}`] = ["quotes.priceRange"];
    }
    if (Object.keys(fe).length) throw new ValidationError("validation.formErrors", fe);
    const { total, maxBp } = await writeLines(
      tx,
      quoteId,
      quote.dealer_id,
      input.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
    );
    await tx.updateTable("quotes").set({ valid_until: input.validUntil, terms: input.terms }).where("id", "=", quoteId).execute();
    await audit(tx, actor, {
      action: "quote.saved",
      entityType: "quote",
      entityId: quoteId,
      dealerId: quote.dealer_id,
      summary: { lines: input.lines.length, total, maxDiscountBp: maxBp, validUntil: input.validUntil },
    });
  });
}

/** Proposes a draft: within the discount limit straight to the dealer, above it to an administrator first. */
export async function proposeQuote(actor: Actor, quoteId: number): Promise<{ status: QuoteStatus }> {
  requirePermission(actor, "quote:create");
  return transaction("quote.propose", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    if (quote.status !== "draft") throw new ConflictError("quotes.notDraft");
    assertDealOpenForQuotes({ stage: quote.deal_stage, protection_expires_on: quote.protection_expires_on });
    const lines = await tx.selectFrom("quote_lines").select(["id"]).where("quote_id", "=", quoteId).execute();
    if (!lines.length) throw new ConflictError("quotes.noLines");
    if (quote.valid_until < today()) throw new ConflictError("quotes.validityPassed");
    if (quote.max_discount_bp > discountLimitBp()) {
      await moveQuote(
        tx,
        actor,
        quote,
        "pending_approval",
        moverSide(actor),
        { approval_requested_at: now() },
        { maxDiscountBp: quote.max_discount_bp, limitBp: discountLimitBp() },
      );
      return { status: "pending_approval" as const };
    }
    await publish(tx, actor, quote, moverSide(actor));
    return { status: "proposed" as const };
  });
}

async function publish(tx: Tx, actor: Actor, quote: QuoteRow, mover: QuoteMover, set: Record<string, unknown> = {}) {
  await moveQuote(tx, actor, quote, "proposed", mover, { ...set, proposed_at: now() });
  const deal = await dealForMove(tx, quote.deal_id);
  if (deal.stage === "approved" || deal.stage === "negotiating")
    await moveDeal(tx, actor, deal, "quoted", moverSide(actor), { payload: { quoteId: quote.id, version: quote.version } });
  const codes = await tx
    .selectFrom("quote_lines as l")
    .innerJoin("products as p", "p.id", "l.product_id")
    .select("p.product_line_code")
    .distinct()
    .where("l.quote_id", "=", quote.id)
    .execute();
  await flagProtectedAccountActivity(tx, actor, {
    keyAccountId: quote.key_account_id,
    dealerId: quote.dealer_id,
    refType: "quote",
    refId: quote.id,
    productLineCodes: codes.map((c) => c.product_line_code),
  });
}

export async function approveQuoteDiscount(actor: Actor, quoteId: number, note: string | null) {
  requirePermission(actor, "quote:approve_discount");
  await transaction("quote.approve", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    if (quote.status !== "pending_approval") throw new ConflictError("quotes.badTransition");
    assertDealOpenForQuotes({ stage: quote.deal_stage, protection_expires_on: quote.protection_expires_on });
    if (quote.valid_until < today()) throw new ConflictError("quotes.validityPassed");
    await publish(tx, actor, quote, "approver", { approved_by: actor.userId, approval_note: note });
  });
}

export async function refuseQuoteDiscount(actor: Actor, quoteId: number, note: string) {
  requirePermission(actor, "quote:approve_discount");
  await transaction("quote.refuse", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    await moveQuote(tx, actor, quote, "draft", "approver", { approval_note: note }, { note });
  });
}

// ---------------------------------------------------------------- the dealer answers

function assertAcceptable(quote: QuoteRow) {
  if (quote.status === "superseded") throw new ConflictError("quotes.superseded");
  if (effectiveQuoteStatus(quote.status, quote.valid_until, today()) === "expired") throw new ConflictError("quotes.expired");
}

export async function acceptQuote(actor: Actor, quoteId: number) {
  requirePermission(actor, "quote:accept");
  await transaction("quote.accept", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    assertAcceptable(quote);
    await moveQuote(tx, actor, quote, "accepted", moverSide(actor), { accepted_by: actor.userId, accepted_at: now() });
  });
}

export async function requestRevision(actor: Actor, quoteId: number, comment: string) {
  requirePermission(actor, "quote:accept");
  await transaction("quote.revision", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    if (quote.status === "superseded") throw new ConflictError("quotes.superseded");
    await moveQuote(tx, actor, quote, "revision_requested", moverSide(actor), { revision_comment: comment }, { comment });
    const deal = await dealForMove(tx, quote.deal_id);
    if (deal.stage === "quoted") await moveDeal(tx, actor, deal, "negotiating", moverSide(actor), { payload: { quoteId, comment } });
  });
}

/**
 * The dealer books the accepted quote: the order is made by `createOrder` (orders' createDraft,
 * wired at merge) inside this transaction, with the quote's prices carried exactly, and the quote
 * becomes converted. A second call for a converted quote returns the same order.
 */
export async function bookQuote(
  actor: Actor,
  quoteId: number,
  createOrder: CreateOrderFn | undefined,
): Promise<{ orderId: number; number: string | null; dealId: number }> {
  requirePermission(actor, "order:create");
  requirePermission(actor, "quote:accept");
  if (!isDealerRole(actor.role) || actor.dealerId === null) throw new ForbiddenError();
  return transaction("quote.book", async (tx) => {
    const quote = await lockQuote(tx, actor, quoteId);
    // Scope already limits to the dealer's own deals; the deal's own dealer books, nobody else.
    if (quote.deal_dealer_id !== actor.dealerId || quote.dealer_id !== actor.dealerId) throw new NotFoundError();
    if (quote.status === "converted" && quote.converted_order_id) {
      const o = await tx.selectFrom("orders").select(["id", "number"]).where("id", "=", quote.converted_order_id).executeTakeFirst();
      if (o) return { orderId: o.id, number: o.number, dealId: quote.deal_id };
    }
    if (quote.status === "superseded") throw new ConflictError("quotes.superseded");
    if (quote.status !== "accepted") throw new ConflictError("quotes.notAccepted");
    if (quote.valid_until < today()) throw new ConflictError("quotes.expired");
    if (quote.deal_stage !== "quoted") throw new ConflictError("quotes.dealNotOpen");
    if (!createOrder) throw new UnavailableError("quotes.bookingUnavailable");
    const lines = await tx
      .selectFrom("quote_lines")
      .select(["id", "product_id", "quantity", "unit_price_minor"])
      .where("quote_id", "=", quoteId)
      .orderBy("line_no")
      .execute();
    const order = await createOrder(tx, actor, {
      lines: lines.map((l) => ({ productId: l.product_id, quantity: l.quantity, unitPriceMinor: l.unit_price_minor, quoteLineId: l.id })),
      dealId: quote.deal_id,
      quoteId,
    });
    await moveQuote(tx, actor, quote, "converted", moverSide(actor), { converted_order_id: order.orderId }, { orderId: order.orderId });
    return { orderId: order.orderId, number: order.number, dealId: quote.deal_id };
  });
}

/** Daily (jobs): proposed quotes past their validity date become expired. */
export async function expireLapsedQuotes(actor: Actor, asOf: IsoDate = today()): Promise<{ expired: number[] }> {
  requirePermission(actor, "job:manage");
  const rows = await db
    .selectFrom("quotes")
    .select("id")
    .where("status", "=", "proposed")
    .where("valid_until", "<", asOf)
    .orderBy("valid_until")
    .orderBy("id")
    .execute();
  const expired: number[] = [];
  for (const { id } of rows) {
    await transaction("quote.expire", async (tx) => {
      const quote = await lockQuote(tx, actor, id);
      if (quote.status !== "proposed" || quote.valid_until >= asOf) return;
      await moveQuote(tx, actor, quote, "expired", "system", {}, { validUntil: quote.valid_until });
      expired.push(id);
    });
  }
  return { expired };
}

// ---------------------------------------------------------------- reading

/** The quote page: this version, every version side by side, and what the editor needs. */
export async function getQuotePage(actor: Actor, quoteId: number) {
  requirePermission(actor, "quote:read");
  const quote = await quotesQuery(db, actor)
    .innerJoin("key_accounts as ka", "ka.id", "d.key_account_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .leftJoin("users as ab", "ab.id", "q.approved_by")
    .leftJoin("users as acc", "acc.id", "q.accepted_by")
    .selectAll("q")
    .select([
      "d.title as deal_title",
      "d.stage as deal_stage",
      "d.account_manager_id",
      "d.protection_expires_on",
      "ka.name as key_account_name",
      "o.code as dealer_code",
      "o.name as dealer_name",
      "o.tier as dealer_tier",
      "ab.name as approved_by_name",
      "acc.name as accepted_by_name",
    ])
    .where("q.id", "=", quoteId)
    .executeTakeFirst();
  if (!quote) throw new NotFoundError();
  // The administrator's note on a discount approval is internal to the manufacturer.
  if (isDealerRole(actor.role)) quote.approval_note = null;
  const versions = await quotesQuery(db, actor)
    .select(["q.id", "q.version", "q.status", "q.valid_until", "q.total_minor", "q.max_discount_bp", "q.revision_comment", "q.proposed_at", "q.created_at"])
    .where("q.deal_id", "=", quote.deal_id)
    .orderBy("q.version", "asc")
    .execute();
  const versionIds = versions.map((v) => v.id);
  const allLines = versionIds.length
    ? await db
        .selectFrom("quote_lines as l")
        .innerJoin("products as p", "p.id", "l.product_id")
        .select([
          "l.id",
          "l.quote_id",
          "l.line_no",
          "l.product_id",
          "l.quantity",
          "l.unit_price_minor",
          "l.tier_price_minor",
          "l.discount_bp",
          "l.line_total_minor",
          "p.sku",
          "p.name_en",
          "p.name_zh",
          "p.unit",
          "p.list_price_minor",
          "p.product_line_code",
        ])
        .where("l.quote_id", "in", versionIds)
        .orderBy("l.quote_id")
        .orderBy("l.line_no")
        .execute()
    : [];
  const t = today();
  const editable = quote.status === "draft" && can(actor, "quote:create");
  const products = editable
    ? await db
        .selectFrom("products as p")
        .leftJoin("product_tier_prices as tp", (j) => j.onRef("tp.product_id", "=", "p.id").on("tp.tier", "=", quote.dealer_tier))
        .select(["p.id", "p.sku", "p.name_en", "p.name_zh", "p.list_price_minor", "p.product_line_code", "tp.price_minor as tier_price_minor"])
        .where("p.status", "=", "active")
        .where("p.product_line_code", "in", db.selectFrom("deal_product_lines").select("product_line_code").where("deal_id", "=", quote.deal_id))
        .orderBy("p.product_line_code")
        .orderBy("p.sku")
        .limit(500)
        .execute()
    : [];
  // Line-by-line comparison across versions, one row per product.
  const productOrder: number[] = [];
  for (const l of allLines) if (!productOrder.includes(l.product_id)) productOrder.push(l.product_id);
  const comparison = productOrder.map((pid) => {
    const any = allLines.find((l) => l.product_id === pid)!;
    return {
      productId: pid,
      sku: any.sku,
      name_en: any.name_en,
      name_zh: any.name_zh,
      cells: versions.map((v) => {
        const l = allLines.find((x) => x.quote_id === v.id && x.product_id === pid);
        return l ? { quantity: l.quantity, unitPrice: l.unit_price_minor, discountBp: l.discount_bp } : null;
      }),
    };
  });
  return {
    quote: { ...quote, effectiveStatus: effectiveQuoteStatus(quote.status, quote.valid_until, t) },
    lines: allLines.filter((l) => l.quote_id === quote.id),
    versions: versions.map((v) => ({ ...v, effectiveStatus: effectiveQuoteStatus(v.status, v.valid_until, t) })),
    comparison,
    products,
    limitBp: discountLimitBp(),
    today: t,
  };
}

// ---------------------------------------------------------------- the administrator's approval queue

function approvalRow<R extends { total_minor: number; list_total_minor: string | null; tier_total_minor: string | null; line_count: number | string }>(r: R) {
  const listTotal = Number(r.list_total_minor ?? 0);
  const tierTotal = Number(r.tier_total_minor ?? 0);
  return {
    ...r,
    list_total_minor: listTotal,
    tier_total_minor: tierTotal,
    line_count: Number(r.line_count),
    /** The whole quote against the same lines at list price, and at the dealer's tier prices (basis points). */
    list_discount_bp: discountBasisPoints(listTotal, r.total_minor),
    tier_discount_bp: discountBasisPoints(tierTotal, r.total_minor),
  };
}

/**
 * Quotes waiting for a discount approval (/quotes/approvals), oldest request first, with what the
 * administrator weighs: the discount against list and tier prices, the largest line discount against
 * the limit, the validity date and the deal's protection (an approval after either has passed is refused).
 */
export async function approvalQueue(actor: Actor, f: ApprovalQueueFilter) {
  requirePermission(actor, "quote:approve_discount");
  const [rows, total, choices] = await Promise.all([
    approvalQueueRows(db, actor, f)
      .limit(APPROVAL_PAGE_SIZE)
      .offset((f.page - 1) * APPROVAL_PAGE_SIZE)
      .execute(),
    approvalQueueWhere(db, actor, f)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
    approvalQueueChoices(db, actor),
  ]);
  return {
    rows: rows.map(approvalRow),
    total: Number(total?.n ?? 0),
    page: f.page,
    pageSize: APPROVAL_PAGE_SIZE,
    choices,
    limitBp: discountLimitBp(),
    now: now().toISOString(),
    today: today(),
  };
}

export const APPROVAL_CSV_HEADER = [
  "quote_id",
  "version",
  "deal_id",
  "deal",
  "key_account",
  "dealer_code",
  "dealer_name",
  "account_manager",
  "currency",
  "total",
  "list_total",
  "discount_vs_list_pct",
  "discount_vs_tier_pct",
  "max_line_discount_pct",
  "limit_pct",
  "valid_until",
  "requested_at",
  "waiting_hours",
];

/** The whole filtered queue as CSV rows, in batches. */
export async function* exportApprovalQueue(actor: Actor, f: Omit<ApprovalQueueFilter, "page">) {
  requirePermission(actor, "quote:approve_discount");
  const pct = (bp: number) => (bp / 100).toFixed(2);
  const limit = pct(discountLimitBp());
  const batch = 1000;
  for (let offset = 0; ; offset += batch) {
    const at = now().getTime();
    const rows = (await approvalQueueRows(db, actor, f).limit(batch).offset(offset).execute()).map(approvalRow);
    yield rows.map((r) => [
      r.id,
      r.version,
      r.deal_id,
      r.deal_title,
      r.key_account_name,
      r.dealer_code,
      r.dealer_name,
      r.account_manager_name,
      r.currency,
      minorToDecimal(r.total_minor, r.currency),
      minorToDecimal(r.list_total_minor, r.currency),
      pct(r.list_discount_bp),
      pct(r.tier_discount_bp),
      pct(r.max_discount_bp),
      limit,
      r.valid_until,
      r.approval_requested_at ? r.approval_requested_at.toISOString() : "",
      r.approval_requested_at ? Math.max(0, Math.floor((at - r.approval_requested_at.getTime()) / 3_600_000)) : "",
    ]);
    if (rows.length < batch) return;
  }
}

/** The dashboard's figure: how many quotes wait for approval and since when the oldest (the queue's total). */
export async function approvalQueueSummary(actor: Actor) {
  requirePermission(actor, "quote:approve_discount");
  const r = await approvalQueueWhere(db, actor)
    .select([sql<number>`COUNT(*)`.as("n"), sql<Date | null>`MIN(q.approval_requested_at)`.as("oldest")])
    .executeTakeFirst();
  return { count: Number(r?.n ?? 0), oldestRequestedAt: r?.oldest ? new Date(r.oldest).toISOString() : null, now: now().toISOString() };
}
