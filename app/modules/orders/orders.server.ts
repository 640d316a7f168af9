/**
 * Orders: building and submitting (dealers), review (order desk), credit
 * holds (finance), shipments and delivery, tracking. Every unit of work is one
 * transaction that writes the status history, the audit log and a domain
 * event together with the change. The public functions open the transaction;
 * the `*Tx` variants run in a caller's transaction (seed, other domains).
 */
import { sql } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/scope.server";
import { statementLineHref } from "~/modules/statements/statements.schema";
import { isDealerRole } from "~/modules/auth/permissions";
import { isOrderable, orderableProductsByIds, searchOrderableProducts, type OrderableProduct } from "~/modules/catalog/pricing.server";
import { quantityFits, validateOptions, type OptionsSchema } from "~/modules/catalog/options";
import { workingDaysFrom } from "~/modules/catalog/calendar.server";
import { creditPosition, creditPositions } from "~/modules/ledger/credit.server";
import { postEntry } from "~/modules/ledger/post.server";
import { activeWarehouses, releaseLineReservations, reserveOrderLines, shipOrderLine } from "~/modules/stock/allocation.server";
import { env } from "~/utils/env.server";
import { markDealWonForOrder } from "~/modules/deals/deals.server";
import { minorToDecimal } from "~/utils/money";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { addDays, now, toBusinessDate, todayIn, type IsoDate } from "~/utils/time";
import { addMonthlyFigures, moveOrderCount, syncOrderKpis } from "./orders.derived.server";
import { transaction } from "~/utils/tx.server";
import {
  dealerAddresses,
  findOrder,
  afterKey,
  listColumns,
  type ListKey,
  lineReservations,
  lockOrder,
  orderDateChanges,
  orderHistory,
  orderLedgerEntries,
  orderLines,
  orderCountFromTotals,
  ordersFiltered,
  ordersListQuery,
  orderShipments,
  reviewQueueQuery,
  creditHoldDealers,
  creditHoldQuery,
  creditHoldRows,
  sortList,
  type LockedOrder,
} from "./orders.queries.server";
import { MAX_LINES, PAGE_SIZE, type CreditHoldFilter, type DraftForm, type OrderListFilter, type ShipmentForm } from "./orders.schema";
import { ACTIONS, actionPermissions, isTransitionAllowed, type OrderAction, type OrderStatus } from "./state";
import { systemDescription } from "~/modules/ledger/descriptions";
import type { DomainEventType } from "~/modules/audit/event-types";

/** Working days from approval to dispatch for lines served from stock. */
export const DISPATCH_WORKING_DAYS = 2;
/** Invoices from shipments fall due this many days after the ship date. */
export const INVOICE_DUE_DAYS = 30;

const tz = () => env().BUSINESS_TZ;
const businessDay = (at: Date) => toBusinessDate(at, tz());
const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

// ---------------------------------------------------------------- permissions

/** 403 unless the actor's role can do the action from at least one status. */
function authorize(actor: Actor, action: OrderAction): void {
  if (!ACTIONS.some((r) => r.action === action && can(actor, r.permission))) throw new ForbiddenError();
}

/** 409 unless the action is allowed from the order's status for this actor. */
function assertAllowedFrom(actor: Actor, action: OrderAction, status: string): void {
  const perms = actionPermissions(action, status as OrderStatus);
  if (!perms.some((p) => can(actor, p))) throw new ConflictError("orders.notAllowedInStatus", { status });
}

function assertVersion(order: { version: number }, expected: number | undefined): void {
  if (expected !== undefined && order.version !== expected) throw new ConflictError("orders.changed");
}

async function loadForChange(tx: Tx, actor: Actor, orderId: number, action: OrderAction, version: number | undefined): Promise<LockedOrder> {
  authorize(actor, action);
  const order = await lockOrder(tx, actor, orderId);
  if (!order) throw new NotFoundError();
  assertVersion(order, version);
  assertAllowedFrom(actor, action, order.status);
  return order;
}

// ---------------------------------------------------------------- status changes

const EVENT_FOR: Partial<Record<OrderStatus, DomainEventType>> = {
  submitted: "order.submitted",
  credit_hold: "order.credit_hold",
  approved: "order.approved",
  rejected: "order.rejected",
  draft: "order.sent_back",
  cancelled: "order.cancelled",
  partially_shipped: "order.partially_shipped",
  shipped: "order.shipped",
  delivered: "order.delivered",
};

type OrderRef = Pick<LockedOrder, "id" | "number" | "dealer_id" | "account_manager_id" | "status" | "total_minor" | "currency" | "deal_id" | "quote_id">;

/** Records a status change (history, audit, event); the caller has already updated the row. */
async function recordTransition(tx: Tx, actor: Actor, order: OrderRef, from: OrderStatus | null, to: OrderStatus, at: Date, note: string | null, payload: Record<string, unknown> = {}) {
  if (from !== null && from !== to && !isTransitionAllowed(from, to)) throw new ConflictError("orders.notAllowedInStatus", { status: from });
  await tx.insertInto("order_status_history").values({ order_id: order.id, from_status: from, to_status: to, note, actor_user_id: actor.userId, created_at: at }).execute();
  await audit(tx, actor, { action: `order.${to}`, entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: { number: order.number, from, to, note, ...payload } });
  const type = EVENT_FOR[to];
  if (type) {
    await emitEvent(tx, actor, {
      type,
      entityType: "order",
      entityId: order.id,
      dealerId: order.dealer_id,
      accountManagerId: order.account_manager_id,
      payload: { number: order.number, from, to, note, totalMinor: order.total_minor, currency: order.currency, dealId: order.deal_id, quoteId: order.quote_id, ...payload },
    });
  }
}

async function setStatus(tx: Tx, order: LockedOrder, to: OrderStatus, at: Date, extra: Record<string, unknown> = {}) {
  const res = await tx
    .updateTable("orders")
    .set({ status: to, version: order.version + 1, updated_at: at, ...extra })
    .where("id", "=", order.id)
    .where("version", "=", order.version)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) await moveOrderCount(tx, order.dealer_id, { status: order.status as OrderStatus, numbered: order.number !== null }, { status: to, numbered: order.number !== null });
  await syncOrderKpis(tx, order.id);
  // An order leaving the ordered figures (sent back, rejected, cancelled) leaves its submission month.
  if (order.submitted_at && !NOT_ORDERED.includes(order.status as OrderStatus) && NOT_ORDERED.includes(to)) {
    await addMonthlyFigures(tx, order.dealer_id, toBusinessDate(order.submitted_at, env().BUSINESS_TZ).slice(0, 7), { orderedMinor: -order.total_minor });
  }
}

/** Statuses whose orders are not in the dealer's ordered value (dealer_monthly_figures, the dashboard trend). */
const NOT_ORDERED: readonly OrderStatus[] = ["draft", "cancelled", "rejected"];


// ---------------------------------------------------------------- drafts

/** A line as trusted server code may give it: prices only from an accepted quote. */
export type TrustedLineInput = {
  productId: number;
  quantity: number;
  options?: Record<string, string | number>;
  specNotes?: string | null;
  /** A fixed unit price negotiated in a quote; never taken from a form. */
  unitPriceMinor?: number;
  quoteLineId?: number;
};

export type CreateDraftInput = {
  lines: TrustedLineInput[];
  dealId?: number | null;
  quoteId?: number | null;
  addressId?: number | null;
  requestedDate?: IsoDate | null;
  poReference?: string;
  notes?: string | null;
};

type PreparedLine = {
  productId: number;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
  madeToOrder: boolean;
  customOptions: string | null;
  specNotes: string | null;
  quoteLineId: number | null;
};

type Strictness = "draft" | "submit";

/**
 * Validates lines against the catalog and prices them. In a draft, required
 * custom options may still be empty; at submit everything must be complete.
 * Errors are keyed `lines.<index>.<field>` to match the form.
 */
async function prepareLines(tx: Executor, dealerId: number, lines: readonly (TrustedLineInput & { keepPrice?: { unitPriceMinor: number; quoteLineId: number | null } })[], mode: Strictness) {
  if (lines.length > MAX_LINES) throw new ValidationError("orders.tooManyLines", undefined, { max: MAX_LINES });
  const products = await orderableProductsByIds(tx, dealerId, lines.map((l) => l.productId));
  const errors: FieldErrors = {};
  const out: PreparedLine[] = [];
  lines.forEach((l, i) => {
    const p = products.get(l.productId);
    if (!isOrderable(p)) {
      errors[`lines.${i}.productId`] = [p ? "orders.productDiscontinued" : "orders.productUnknown"];
      return;
    }
    if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) {
      errors[`lines.${i}.quantity`] = ["orders.quantityPositive"];
      return;
    }
    if (l.quantity > 1_000_000) {
      errors[`lines.${i}.quantity`] = ["orders.quantityTooLarge"];
      return;
    }
    if (!quantityFits(p.optionsSchema, l.quantity)) errors[`lines.${i}.quantity`] = ["orders.quantityMultiple"];
    let customOptions: string | null = null;
    const given = Object.fromEntries(Object.entries(l.options ?? {}).map(([k, v]) => [k, String(v)]));
    if (p.madeToOrder) {
      const schema: OptionsSchema = p.optionsSchema ?? { options: [], quantityMultiple: 1, minQuantity: 1 };
      const r = validateOptions(schema, given);
      if (r.ok) customOptions = JSON.stringify(r.values);
      else {
        const relevant = Object.entries(r.errors).filter(([, e]) => mode === "submit" || e !== "validation.required");
        for (const [k, e] of relevant) errors[`lines.${i}.opt.${k}`] = [e];
        // Keep what was typed in a draft (the known keys only) so nothing is lost.
        const known = new Set(schema.options.map((o) => o.key));
        customOptions = JSON.stringify(Object.fromEntries(Object.entries(given).filter(([k, v]) => known.has(k) && v.trim() !== "").map(([k, v]) => [k, v.trim()])));
      }
    } else {
      for (const [k, v] of Object.entries(given)) if (v.trim() !== "") errors[`lines.${i}.opt.${k}`] = ["catalog.optionUnknown"];
    }
    const fixed = l.unitPriceMinor !== undefined ? { unitPriceMinor: l.unitPriceMinor, quoteLineId: l.quoteLineId ?? null } : l.keepPrice;
    const unitPriceMinor = fixed ? fixed.unitPriceMinor : p.priceMinor;
    if (!Number.isSafeInteger(unitPriceMinor) || unitPriceMinor < 0) throw new Error("invalid unit price");
    const lineTotalMinor = unitPriceMinor * l.quantity;
    if (!Number.isSafeInteger(lineTotalMinor)) {
      errors[`lines.${i}.quantity`] = ["orders.quantityTooLarge"];
      return;
    }
    out.push({
      productId: p.id,
      sku: p.sku,
      quantity: l.quantity,
      unitPriceMinor,
      lineTotalMinor,
      madeToOrder: p.madeToOrder,
      customOptions,
      specNotes: p.madeToOrder ? (l.specNotes?.trim() || null) : null,
      quoteLineId: fixed?.quoteLineId ?? null,
    });
  });
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors);
  return out;
}

async function assertHeader(tx: Executor, dealerId: number, h: { addressId?: number | null; requestedDate?: IsoDate | null }, at: Date, mode: Strictness) {
  const errors: FieldErrors = {};
  if (h.requestedDate && h.requestedDate < businessDay(at)) errors.requestedDate = ["validation.dateFuture"];
  if (mode === "submit" && !h.requestedDate) errors.requestedDate = ["validation.required"];
  if (h.addressId) {
    const a = await tx.selectFrom("dealer_addresses").select("id").where("id", "=", h.addressId).where("dealer_id", "=", dealerId).where("status", "=", "active").executeTakeFirst();
    if (!a) errors.addressId = ["orders.addressUnknown"];
  } else if (mode === "submit") errors.addressId = ["validation.required"];
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors);
}

/** Orders whose lines no longer hold anything of a quote (their quantity is free again). */
export const QUOTE_RELEASING_STATUSES = ["cancelled", "rejected"] as const;

/**
 * A quote line is the ceiling of its special price (issue 20, F1): the quantity on
 * lines carrying it, in this order and every other live order (drafts included), is
 * at most what was quoted. The quote lines are locked first, so two drafts saved at
 * once cannot both take the last units. Errors name the offending line's quantity,
 * with how many units are still free at the quoted price.
 */
async function assertQuoteCeilings(tx: Tx, orderId: number, lines: PreparedLine[]) {
  const byQuoteLine = new Map<number, number[]>();
  lines.forEach((l, i) => {
    if (l.quoteLineId !== null) byQuoteLine.set(l.quoteLineId, [...(byQuoteLine.get(l.quoteLineId) ?? []), i]);
  });
  if (!byQuoteLine.size) return;
  const ids = [...byQuoteLine.keys()];
  const quoted = await tx.selectFrom("quote_lines").select(["id", "quantity"]).where("id", "in", ids).orderBy("id").forUpdate().execute();
  const used = await tx
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .select(["l.quote_line_id", sql<string>`SUM(l.quantity)`.as("qty")])
    .where("l.quote_line_id", "in", ids)
    .where("o.id", "<>", orderId)
    .where("o.status", "not in", QUOTE_RELEASING_STATUSES)
    .groupBy("l.quote_line_id")
    .execute();
  const errors: FieldErrors = {};
  let max = 0;
  for (const q of quoted) {
    const free = q.quantity - Number(used.find((u) => u.quote_line_id === q.id)?.qty ?? 0);
    let taken = 0;
    for (const i of byQuoteLine.get(q.id)!) {
      taken += lines[i]!.quantity;
      if (taken > free) {
        errors[`lines.${i}.quantity`] = ["orders.quoteQuantityExceeded"];
        max = Math.max(0, free - (taken - lines[i]!.quantity));
      }
    }
  }
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors, { max });
}

/** Replaces a draft's lines (set-based: batched multi-row inserts) and its totals. */
async function writeLines(tx: Tx, orderId: number, lines: PreparedLine[], at: Date) {
  await assertQuoteCeilings(tx, orderId, lines);
  await tx.deleteFrom("order_lines").where("order_id", "=", orderId).execute();
  for (let i = 0; i < lines.length; i += 500) {
    await tx
      .insertInto("order_lines")
      .values(
        lines.slice(i, i + 500).map((l, j) => ({
          order_id: orderId,
          line_no: i + j + 1,
          product_id: l.productId,
          sku: l.sku,
          quantity: l.quantity,
          unit_price_minor: l.unitPriceMinor,
          line_total_minor: l.lineTotalMinor,
          made_to_order: l.madeToOrder ? 1 : 0,
          custom_options: l.customOptions,
          spec_notes: l.specNotes,
          quote_line_id: l.quoteLineId,
          created_at: at,
        })),
      )
      .execute();
  }
  const total = lines.reduce((s, l) => s + l.lineTotalMinor, 0);
  if (!Number.isSafeInteger(total)) throw new ValidationError("validation.formErrors", { _form: ["orders.totalTooLarge"] });
  return { total, count: lines.length, orderedQty: lines.reduce((s, l) => s + l.quantity, 0) };
}

function requireDealer(actor: Actor): number {
  requirePermission(actor, "order:create");
  if (!isDealerRole(actor.role) || actor.dealerId === null) throw new ForbiddenError();
  return actor.dealerId;
}

/**
 * Creates a draft. Trusted server code (e.g. turning an accepted quote into an
 * order) may pass fixed unit prices with their quote line; the order form never
 * can: routes call saveDraftFromForm, which has no price fields.
 */
export async function createDraft(actor: Actor, input: CreateDraftInput): Promise<{ id: number; version: number }> {
  return transaction("order.create_draft", (tx) => createDraftTx(tx, actor, input, now()));
}

export async function createDraftTx(
  tx: Tx,
  actor: Actor,
  input: CreateDraftInput,
  at: Date,
  submitKey: string | null = null,
  mode: Strictness = "draft",
): Promise<{ id: number; version: number; total: number; count: number }> {
  const dealerId = requireDealer(actor);
  const dealer = await tx.selectFrom("organisations").select(["currency"]).where("id", "=", dealerId).executeTakeFirstOrThrow();
  await assertHeader(tx, dealerId, input, at, mode);
  const lines = await prepareLines(tx, dealerId, input.lines, mode);
  const res = await tx
    .insertInto("orders")
    .values({
      dealer_id: dealerId,
      status: "draft",
      currency: dealer.currency,
      po_reference: input.poReference?.trim() ?? "",
      requested_date: input.requestedDate ?? null,
      address_id: input.addressId ?? null,
      notes: input.notes ?? null,
      deal_id: input.dealId ?? null,
      quote_id: input.quoteId ?? null,
      submit_key: submitKey,
      created_by: actor.userId,
      created_at: at,
      updated_at: at,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await moveOrderCount(tx, dealerId, null, { status: "draft", numbered: false });
  const { total, count, orderedQty } = await writeLines(tx, id, lines, at);
  await tx.updateTable("orders").set({ total_minor: total, line_count: count, ordered_qty: orderedQty }).where("id", "=", id).execute();
  await audit(tx, actor, { action: "order.draft_created", entityType: "order", entityId: id, dealerId, summary: { lines: count, totalMinor: total, dealId: input.dealId ?? null, quoteId: input.quoteId ?? null } });
  return { id, version: 1, total, count };
}

/** The form's lines as trusted input: quote-priced lines keep their price; their quantity is checked against the quote. */
async function formLinesToInput(tx: Executor, orderId: number | null, form: DraftForm) {
  const existing = orderId
    ? await tx.selectFrom("order_lines").select(["id", "product_id", "quantity", "unit_price_minor", "quote_line_id"]).where("order_id", "=", orderId).where("quote_line_id", "is not", null).execute()
    : [];
  const quoteLines = new Map(existing.map((l) => [l.id, l]));
  return form.lines.map((l) => {
    const q = l.lineId ? quoteLines.get(l.lineId) : undefined;
    const keep = q && q.product_id === l.productId ? q : undefined;
    return {
      productId: l.productId,
      // What was typed: a quote line may be ordered in part; more than quoted is refused (assertQuoteCeilings).
      quantity: l.quantity,
      options: l.options,
      specNotes: l.specNotes,
      keepPrice: keep ? { unitPriceMinor: keep.unit_price_minor, quoteLineId: keep.quote_line_id } : undefined,
    };
  });
}

/** Default quantity for a newly added product (its minimum, rounded up to its multiple). */
function defaultQuantity(p: OrderableProduct): number {
  const s = p.optionsSchema;
  if (!s) return 1;
  return Math.ceil(s.minQuantity / s.quantityMultiple) * s.quantityMultiple;
}

/**
 * Saves the builder form (creating the draft when orderId is null), optionally
 * adding one product as a new line. Prices come from the catalog (or stay as
 * the quote fixed them); anything price-like in the form is ignored.
 */
export async function saveDraftFromForm(actor: Actor, p: { orderId: number | null; form: DraftForm; addProductId?: number }): Promise<{ id: number; version: number }> {
  const dealerId = requireDealer(actor);
  return transaction("order.save_draft", async (tx) => {
    const at = now();
    const lines = await formLinesToInput(tx, p.orderId, p.form);
    if (p.addProductId) {
      const prod = (await orderableProductsByIds(tx, dealerId, [p.addProductId])).get(p.addProductId);
      if (!isOrderable(prod)) throw new ValidationError("orders.productUnavailable");
      lines.push({ productId: prod.id, quantity: defaultQuantity(prod), options: {}, specNotes: null, keepPrice: undefined });
    }
    if (p.orderId === null) return createDraftTx(tx, actor, { ...headerOf(p.form), lines }, at);
    const order = await loadDraft(tx, actor, p.orderId, p.form.version);
    return updateDraftTx(tx, actor, order, headerOf(p.form), lines, at, "draft");
  });
}

function headerOf(form: DraftForm) {
  return { addressId: form.addressId, requestedDate: form.requestedDate, poReference: form.poReference, notes: form.notes };
}

async function loadDraft(tx: Tx, actor: Actor, orderId: number, version: number | undefined) {
  requireDealer(actor);
  const order = await lockOrder(tx, actor, orderId);
  if (!order) throw new NotFoundError();
  if (order.status !== "draft") throw new ConflictError("orders.notDraft");
  assertVersion(order, version);
  return order;
}

async function updateDraftTx(
  tx: Tx,
  actor: Actor,
  order: LockedOrder,
  header: { addressId?: number | null; requestedDate?: IsoDate | null; poReference?: string; notes?: string | null },
  input: Parameters<typeof prepareLines>[2],
  at: Date,
  mode: Strictness,
) {
  await assertHeader(tx, order.dealer_id, header, at, mode);
  const lines = await prepareLines(tx, order.dealer_id, input, mode);
  const { total, count, orderedQty } = await writeLines(tx, order.id, lines, at);
  const version = order.version + 1;
  await tx
    .updateTable("orders")
    .set({
      address_id: header.addressId ?? null,
      requested_date: header.requestedDate ?? null,
      po_reference: header.poReference?.trim() ?? "",
      notes: header.notes ?? null,
      total_minor: total,
      line_count: count,
      ordered_qty: orderedQty,
      version,
      updated_at: at,
    })
    .where("id", "=", order.id)
    .execute();
  await audit(tx, actor, { action: "order.draft_saved", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: { lines: count, totalMinor: total } });
  return { id: order.id, version, total, lines };
}

/** Deletes a draft that was never submitted (a sent-back order keeps its number and history). */
export async function deleteDraft(actor: Actor, orderId: number, version: number): Promise<void> {
  await transaction("order.delete_draft", async (tx) => {
    const order = await loadDraft(tx, actor, orderId, version);
    if (order.number !== null) throw new ConflictError("orders.cannotDeleteSubmitted");
    await tx.deleteFrom("order_lines").where("order_id", "=", order.id).execute();
    await tx.deleteFrom("order_status_history").where("order_id", "=", order.id).execute();
    await tx.deleteFrom("orders").where("id", "=", order.id).execute();
    await moveOrderCount(tx, order.dealer_id, { status: "draft", numbered: false }, null);
    await audit(tx, actor, { action: "order.draft_deleted", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: { totalMinor: order.total_minor, lines: order.line_count } });
  });
}

// ---------------------------------------------------------------- submit

/** The next readable order number of the year (SO-2026-000123), allocated under a row lock. */
async function allocateNumber(tx: Tx, at: Date): Promise<string> {
  const year = Number(businessDay(at).slice(0, 4));
  // One upsert takes the row's exclusive lock at once. (INSERT IGNORE + SELECT … FOR UPDATE took a
  // shared lock first, so two concurrent submits deadlocked upgrading it.)
  await sql`INSERT INTO order_sequences (year, next_value) VALUES (${year}, 1) ON DUPLICATE KEY UPDATE next_value = next_value + 1`.execute(tx);
  const row = await tx.selectFrom("order_sequences").select("next_value").where("year", "=", year).executeTakeFirstOrThrow();
  const next = Number(row.next_value);
  return `SO-${year}-${String(next).padStart(6, "0")}`;
}

export type SubmitResult = { id: number; number: string; status: OrderStatus; duplicate: boolean };

/**
 * Submits an order exactly once per submit key: the same form sent again
 * (double click, retry, a second tab) returns the order already made.
 * With orderId the draft is saved from the form first (optimistic version
 * check); without it the order is created and submitted in one go.
 */
export async function submitOrder(actor: Actor, p: { orderId: number | null; submitKey: string; form?: DraftForm }): Promise<SubmitResult> {
  const dealerId = requireDealer(actor);
  const existing = async () => {
    const row = await db.selectFrom("orders").select(["id", "number", "status"]).where("dealer_id", "=", dealerId).where("submit_key", "=", p.submitKey).executeTakeFirst();
    return row && row.number ? { id: row.id, number: row.number, status: row.status as OrderStatus, duplicate: true } : null;
  };
  const before = await existing();
  if (before) return before;
  try {
    return await transaction("order.submit", (tx) => submitOrderTx(tx, actor, p, now()));
  } catch (err) {
    if (isDuplicate(err)) {
      const again = await existing();
      if (again) return again;
    }
    throw err;
  }
}

export async function submitOrderTx(tx: Tx, actor: Actor, p: { orderId: number | null; submitKey: string; form?: DraftForm; version?: number }, at: Date): Promise<SubmitResult> {
  const dealerId = requireDealer(actor);
  // One submission per dealer at a time: the credit check below must see every
  // other submission of this dealer (and the dealer row is locked before any
  // insert takes a shared lock on it through the foreign key).
  await tx.selectFrom("organisations").select("id").where("id", "=", dealerId).forUpdate().execute();
  const dup = await tx.selectFrom("orders").select(["id", "number", "status"]).where("dealer_id", "=", dealerId).where("submit_key", "=", p.submitKey).executeTakeFirst();
  if (dup?.number) return { id: dup.id, number: dup.number, status: dup.status as OrderStatus, duplicate: true };
  let orderId = p.orderId;
  // A new order straight from the form is written once, already checked strictly.
  let created: Awaited<ReturnType<typeof createDraftTx>> | null = null;
  if (orderId === null) {
    if (!p.form) throw new ValidationError("orders.noLines");
    created = await createDraftTx(tx, actor, { ...headerOf(p.form), lines: await formLinesToInput(tx, null, p.form) }, at, null, "submit");
    orderId = created.id;
  }
  const locked = await lockOrder(tx, actor, orderId);
  if (!locked) throw new NotFoundError();
  // A second tab or a retry after the order already went out: show it, never submit again.
  if (locked.status !== "draft" && locked.number) return { id: locked.id, number: locked.number, status: locked.status as OrderStatus, duplicate: true };
  if (!created) assertVersion(locked, p.form?.version ?? p.version);
  assertAllowedFrom(actor, "submit", locked.status);
  const header = p.form ? headerOf(p.form) : { addressId: locked.address_id, requestedDate: locked.requested_date, poReference: locked.po_reference, notes: locked.notes };
  // An existing draft: save what the form says, then check everything strictly.
  const saved = created
    ? { version: created.version, total: created.total, count: created.count }
    : await updateDraftTx(tx, actor, locked, header, p.form ? await formLinesToInput(tx, locked.id, p.form) : await currentLinesAsInput(tx, locked.id), at, "submit").then((r) => ({ version: r.version, total: r.total, count: r.lines.length }));
  if (saved.count === 0) throw new ValidationError("orders.noLines");
  // Credit (the dealer row is locked above, so two orders cannot both squeeze under the limit).
  const credit = await creditPosition(tx, dealerId, { excludeOrderId: locked.id });
  const exposure = credit.balanceMinor + credit.openOrdersMinor + saved.total;
  const to: OrderStatus = exposure <= credit.limitMinor ? "submitted" : "credit_hold";
  const number = locked.number ?? (await allocateNumber(tx, at));
  const address = await tx.selectFrom("dealer_addresses").selectAll().where("id", "=", header.addressId!).executeTakeFirstOrThrow();
  const snapshot = JSON.stringify({ label: address.label, recipient: address.recipient, phone: address.phone, province: address.province, city: address.city, line1: address.line1, postcode: address.postcode });
  await tx
    .updateTable("orders")
    .set({ status: to, number, submit_key: p.submitKey, submitted_at: at, address_snapshot: snapshot, version: saved.version + 1, updated_at: at })
    .where("id", "=", locked.id)
    .execute();
  await moveOrderCount(tx, dealerId, { status: locked.status as OrderStatus, numbered: locked.number !== null }, { status: to, numbered: true });
  await syncOrderKpis(tx, locked.id);
  await addMonthlyFigures(tx, dealerId, toBusinessDate(at, env().BUSINESS_TZ).slice(0, 7), { orderedMinor: saved.total });
  const ref = { ...locked, number, total_minor: saved.total };
  const creditInfo = { limitMinor: credit.limitMinor, balanceMinor: credit.balanceMinor, openOrdersMinor: credit.openOrdersMinor, orderMinor: saved.total, overByMinor: Math.max(0, exposure - credit.limitMinor) };
  await recordTransition(tx, actor, ref, "draft", to, at, null, to === "credit_hold" ? { credit: creditInfo } : {});
  return { id: locked.id, number, status: to, duplicate: false };
}

async function currentLinesAsInput(tx: Executor, orderId: number) {
  const rows = await tx.selectFrom("order_lines").select(["product_id", "quantity", "custom_options", "spec_notes", "unit_price_minor", "quote_line_id"]).where("order_id", "=", orderId).orderBy("line_no").execute();
  return rows.map((r) => ({
    productId: r.product_id,
    quantity: r.quantity,
    options: r.custom_options ? (JSON.parse(r.custom_options) as Record<string, string>) : {},
    specNotes: r.spec_notes,
    keepPrice: r.quote_line_id !== null ? { unitPriceMinor: r.unit_price_minor, quoteLineId: r.quote_line_id } : undefined,
  }));
}

// ---------------------------------------------------------------- credit hold

export async function releaseCreditHold(actor: Actor, orderId: number, input: { version: number; note: string | null }) {
  return transaction("order.release_hold", (tx) => releaseCreditHoldTx(tx, actor, orderId, input, now()));
}

/**
 * Finance releases a held order to review: an informed override, so the audit entry and the event carry
 * the dealer's credit position at that moment (limit, balance, other open orders, this order, how far over).
 * The dealer row is locked as a submission locks it, so a submission at the same time sees the released order.
 */
export async function releaseCreditHoldTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; note: string | null }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "release_hold", input.version);
  await tx.selectFrom("organisations").select("id").where("id", "=", order.dealer_id).forUpdate().execute();
  const credit = await creditPosition(tx, order.dealer_id, { excludeOrderId: order.id });
  const exposure = credit.balanceMinor + credit.openOrdersMinor + order.total_minor;
  const creditInfo = { limitMinor: credit.limitMinor, balanceMinor: credit.balanceMinor, openOrdersMinor: credit.openOrdersMinor, orderMinor: order.total_minor, overByMinor: Math.max(0, exposure - credit.limitMinor) };
  await setStatus(tx, order, "submitted", at);
  await recordTransition(tx, actor, order, "credit_hold", "submitted", at, input.note, { releasedFromHold: true, credit: creditInfo });
  return { number: order.number!, overByMinor: creditInfo.overByMinor };
}

/** The order, locked, if it is still on credit hold; a form about an order that moved on meanwhile answers 409. */
async function lockHeldOrder(tx: Tx, actor: Actor, orderId: number) {
  const order = await lockOrder(tx, actor, orderId);
  if (!order) throw new NotFoundError();
  if (order.status !== "credit_hold") throw new ConflictError("creditHolds.notOnHold", { number: order.number ?? "" });
  return order;
}

/** The credit-hold queue's release (finance, admin): only an order still on hold. */
export async function releaseHeldOrder(actor: Actor, orderId: number, input: { version: number; note: string | null }) {
  requirePermission(actor, "credit:release");
  return transaction("order.release_hold", async (tx) => {
    await lockHeldOrder(tx, actor, orderId);
    return releaseCreditHoldTx(tx, actor, orderId, input, now());
  });
}

/** The credit-hold queue's cancel (finance, admin): only an order still on hold, always with a reason the dealer reads. */
export async function cancelHeldOrder(actor: Actor, orderId: number, input: { version: number; note: string | null }) {
  requirePermission(actor, "credit:release");
  return transaction("order.cancel", async (tx) => {
    await lockHeldOrder(tx, actor, orderId);
    return cancelOrderTx(tx, actor, orderId, input, now());
  });
}

// ---------------------------------------------------------------- review

type LineFulfilment = { id: number; reserved_qty: number; backordered_qty: number; backorder_eta: IsoDate | null; production_qty: number; promise_date: IsoDate | null };

/** The order's promise: the latest line promise, or null while any line has none. */
function orderPromise(lines: { promise_date: IsoDate | null; quantity: number; shipped_qty: number }[]): IsoDate | null {
  const open = lines.filter((l) => l.shipped_qty < l.quantity);
  if (!open.length) return null;
  if (open.some((l) => !l.promise_date)) return null;
  return open.map((l) => l.promise_date!).sort().at(-1)!;
}

export async function approveOrder(actor: Actor, orderId: number, input: { version: number }) {
  return transaction("order.approve", (tx) => approveOrderTx(tx, actor, orderId, input, now()));
}

export async function approveOrderTx(tx: Tx, actor: Actor, orderId: number, input: { version: number }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "approve", input.version);
  const today = businessDay(at);
  const lines = await tx
    .selectFrom("order_lines as l")
    .innerJoin("products as p", "p.id", "l.product_id")
    .select(["l.id", "l.product_id", "l.quantity", "l.shipped_qty", "l.made_to_order", "p.lead_time_days"])
    .where("l.order_id", "=", order.id)
    .execute();
  const stock = lines.filter((l) => !l.made_to_order);
  const reservations = await reserveOrderLines(tx, actor, {
    orderRef: order.number!,
    dealerRegion: order.dealer_region,
    today,
    lines: stock.map((l) => ({ orderLineId: l.id, productId: l.product_id, wanted: l.quantity })),
  });
  const dispatch = await workingDaysFrom(tx, today, DISPATCH_WORKING_DAYS);
  const updates: LineFulfilment[] = [];
  for (const r of reservations) {
    const promise = r.backordered === 0 ? dispatch : r.eta ? await workingDaysFrom(tx, r.eta, DISPATCH_WORKING_DAYS) : null;
    updates.push({ id: r.orderLineId, reserved_qty: r.reserved, backordered_qty: r.backordered, backorder_eta: r.eta, production_qty: 0, promise_date: promise });
  }
  for (const l of lines.filter((x) => x.made_to_order)) {
    const promise = await workingDaysFrom(tx, today, l.lead_time_days ?? 0);
    updates.push({ id: l.id, reserved_qty: 0, backordered_qty: 0, backorder_eta: null, production_qty: l.quantity, promise_date: promise });
  }
  for (const u of updates) {
    await tx
      .updateTable("order_lines")
      .set({ reserved_qty: u.reserved_qty, backordered_qty: u.backordered_qty, backorder_eta: u.backorder_eta, production_qty: u.production_qty, promise_date: u.promise_date })
      .where("id", "=", u.id)
      .execute();
  }
  const byId = new Map(updates.map((u) => [u.id, u]));
  const promised = orderPromise(lines.map((l) => ({ promise_date: byId.get(l.id)?.promise_date ?? null, quantity: l.quantity, shipped_qty: l.shipped_qty })));
  await setStatus(tx, order, "approved", at, { approved_at: at, promised_date: promised, review_note: null });
  if (promised) await tx.insertInto("order_date_changes").values({ order_id: order.id, order_line_id: null, old_date: null, new_date: promised, reason: "@approval", actor_user_id: actor.userId, created_at: at }).execute();
  const backordered = updates.reduce((s, u) => s + u.backordered_qty, 0);
  await recordTransition(tx, actor, order, "submitted", "approved", at, null, { promisedDate: promised, backorderedUnits: backordered });
  // An order booked from an accepted quote wins its deal when it is approved.
  await markDealWonForOrder(tx, actor, order.id);
  return { number: order.number!, promisedDate: promised, backorderedUnits: backordered, reservedUnits: updates.reduce((s, u) => s + u.reserved_qty, 0) };
}

export async function rejectOrder(actor: Actor, orderId: number, input: { version: number; note: string }) {
  return transaction("order.reject", (tx) => rejectOrderTx(tx, actor, orderId, input, now()));
}

export async function rejectOrderTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; note: string }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "reject", input.version);
  await setStatus(tx, order, "rejected", at, { review_note: input.note });
  await recordTransition(tx, actor, order, "submitted", "rejected", at, input.note);
  return { number: order.number! };
}

export async function sendBackOrder(actor: Actor, orderId: number, input: { version: number; note: string }) {
  return transaction("order.send_back", (tx) => sendBackOrderTx(tx, actor, orderId, input, now()));
}

export async function sendBackOrderTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; note: string }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "send_back", input.version);
  await setStatus(tx, order, "draft", at, { review_note: input.note });
  await recordTransition(tx, actor, order, "submitted", "draft", at, input.note);
  return { number: order.number! };
}

// ---------------------------------------------------------------- cancel

export async function cancelOrder(actor: Actor, orderId: number, input: { version: number; note: string | null }) {
  return transaction("order.cancel", (tx) => cancelOrderTx(tx, actor, orderId, input, now()));
}

export async function cancelOrderTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; note: string | null }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "cancel", input.version);
  if (order.status === "draft") throw new ConflictError("orders.notAllowedInStatus", { status: order.status });
  // The manufacturer cancelling a dealer's held order says why: the dealer reads it in the order's history.
  if (order.status === "credit_hold" && !isDealerRole(actor.role) && !input.note) throw new ValidationError("creditHolds.reasonRequired", { note: ["creditHolds.reasonRequired"] });
  const lines = await tx.selectFrom("order_lines").select(["id", "product_id", "shipped_qty", "reserved_qty"]).where("order_id", "=", order.id).execute();
  if (lines.some((l) => l.shipped_qty > 0)) throw new ConflictError("orders.cannotCancelShipped");
  let released = 0;
  for (const l of lines) {
    if (l.reserved_qty > 0) released += await releaseLineReservations(tx, actor, { orderLineId: l.id, productId: l.product_id, orderRef: order.number ?? String(order.id), reason: "order cancelled" });
  }
  if (order.status === "approved") {
    await tx.updateTable("order_lines").set({ reserved_qty: 0, backordered_qty: 0, backorder_eta: null, production_qty: 0 }).where("order_id", "=", order.id).execute();
  }
  await setStatus(tx, order, "cancelled", at, { cancelled_at: at });
  await recordTransition(tx, actor, order, order.status as OrderStatus, "cancelled", at, input.note, { releasedUnits: released });
  return { number: order.number!, releasedUnits: released };
}

// ---------------------------------------------------------------- shipments

export type ShipmentInput = {
  version: number;
  warehouseId: number;
  carrier: string;
  trackingNumber: string;
  shippedOn: IsoDate;
  lines: { lineId: number; quantity: number }[];
};

/** ShipmentForm (qty.<lineId>) to ShipmentInput; empty quantities are left out. */
export function shipmentInputFromForm(form: ShipmentForm): ShipmentInput {
  const lines = Object.entries(form.lines)
    .filter(([, q]) => q !== "" && Number(q) > 0)
    .map(([id, q]) => ({ lineId: Number(id), quantity: Number(q) }));
  return { version: form.version, warehouseId: form.warehouseId, carrier: form.carrier, trackingNumber: form.trackingNumber, shippedOn: form.shippedOn, lines };
}

export async function recordShipment(actor: Actor, orderId: number, input: ShipmentInput) {
  return transaction("order.ship", (tx) => recordShipmentTx(tx, actor, orderId, input, now()));
}

/**
 * Ships some quantities of an order from one warehouse: reservations there
 * become shipment movements (on hand −q, reserved −q), the rest ships from free
 * stock; one invoice entry for the shipped value is posted in the same
 * transaction. Status → partially_shipped or shipped.
 */
export async function recordShipmentTx(tx: Tx, actor: Actor, orderId: number, input: ShipmentInput, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "ship", input.version);
  const errors: FieldErrors = {};
  const today = businessDay(at);
  if (input.shippedOn > today) errors.shippedOn = ["orders.shipDateFuture"];
  const approvedOn = order.approved_at ? businessDay(order.approved_at) : null;
  if (approvedOn && input.shippedOn < approvedOn) errors.shippedOn = ["orders.shipDateBeforeApproval"];
  const wh = await tx.selectFrom("warehouses").select(["id", "code"]).where("id", "=", input.warehouseId).where("status", "=", "active").executeTakeFirst();
  if (!wh) errors.warehouseId = ["orders.warehouseUnknown"];
  const lines = await tx
    .selectFrom("order_lines")
    .select(["id", "line_no", "product_id", "sku", "quantity", "shipped_qty", "reserved_qty", "backordered_qty", "production_qty", "made_to_order", "unit_price_minor", "promise_date"])
    .where("order_id", "=", order.id)
    .orderBy("product_id")
    .forUpdate()
    .execute();
  const byId = new Map(lines.map((l) => [l.id, l]));
  const wanted = new Map<number, number>();
  for (const l of input.lines) {
    const line = byId.get(l.lineId);
    if (!line) {
      errors[`qty.${l.lineId}`] = ["orders.lineUnknown"];
      continue;
    }
    if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) errors[`qty.${l.lineId}`] = ["orders.quantityPositive"];
    else if (l.quantity > line.quantity - line.shipped_qty) errors[`qty.${l.lineId}`] = ["orders.shipTooMuch"];
    else wanted.set(l.lineId, (wanted.get(l.lineId) ?? 0) + l.quantity);
  }
  if (!wanted.size && !Object.keys(errors).length) throw new ValidationError("orders.shipNothing");
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors);

  const seq = await tx.selectFrom("shipments").select(sql<number>`COUNT(*)`.as("n")).where("order_id", "=", order.id).executeTakeFirst();
  const number = `${order.number}-S${Number(seq?.n ?? 0) + 1}`;
  const value = [...wanted].reduce((s, [id, q]) => s + byId.get(id)!.unit_price_minor * q, 0);
  const sres = await tx
    .insertInto("shipments")
    .values({
      number,
      order_id: order.id,
      dealer_id: order.dealer_id,
      warehouse_id: input.warehouseId,
      carrier: input.carrier.trim(),
      tracking_number: input.trackingNumber.trim(),
      shipped_on: input.shippedOn,
      value_minor: value,
      created_by: actor.userId,
      created_at: at,
    })
    .executeTakeFirstOrThrow();
  const shipmentId = Number(sres.insertId);
  await tx
    .insertInto("shipment_lines")
    .values([...wanted].map(([lineId, quantity]) => ({ shipment_id: shipmentId, order_line_id: lineId, quantity })))
    .execute();

  for (const line of lines) {
    const q = wanted.get(line.id);
    if (!q) continue;
    await shipOrderLine(tx, actor, { orderLineId: line.id, productId: line.product_id, warehouseId: input.warehouseId, quantity: q, shipmentRef: number });
    const shipped = line.shipped_qty + q;
    const remaining = line.quantity - shipped;
    const reservedNow = await reservedOf(tx, line.id);
    let reserved = reservedNow;
    if (reserved > remaining) {
      // Shipped from elsewhere than reserved: the reservation is no longer needed.
      await releaseLineReservations(tx, actor, { orderLineId: line.id, productId: line.product_id, orderRef: order.number!, quantity: reserved - remaining, reason: "shipped from another warehouse" });
      reserved = remaining;
    }
    const rest = remaining - reserved;
    await tx
      .updateTable("order_lines")
      .set({
        shipped_qty: shipped,
        reserved_qty: reserved,
        backordered_qty: line.made_to_order ? 0 : rest,
        backorder_eta: line.made_to_order || rest > 0 ? undefined : null,
        production_qty: line.made_to_order ? rest : 0,
      })
      .where("id", "=", line.id)
      .execute();
  }

  let invoiceId: number | null = null;
  if (value > 0) {
    // The invoice is dated the ship date, unless that month's statement is already
    // issued: then it lands in the open period (statements never change after issue).
    const closed = await tx.selectFrom("statements").select("period").where("dealer_id", "=", order.dealer_id).where("period_end", ">=", input.shippedOn).limit(1).executeTakeFirst();
    const today = todayIn(env().BUSINESS_TZ);
    invoiceId = await postEntry(tx, actor, {
      dealerId: order.dealer_id,
      type: "invoice",
      amountMinor: value,
      currency: order.currency,
      businessDate: closed && input.shippedOn < today ? today : input.shippedOn,
      dueDate: addDays(input.shippedOn, INVOICE_DUE_DAYS),
      ...systemDescription({ key: "ledger.desc.invoice", params: { shipment: number, order: order.number ?? String(order.id) } }),
      reference: number,
      sourceType: "shipment",
      sourceId: shipmentId,
      orderId: order.id,
      shipmentId,
    });
  }
  await keepFulfilmentFigures(tx, order, wanted, input.shippedOn, value);
  const after = await tx.selectFrom("order_lines").select(["quantity", "shipped_qty", "promise_date"]).where("order_id", "=", order.id).execute();
  const complete = after.every((l) => l.shipped_qty >= l.quantity);
  const to: OrderStatus = complete ? "shipped" : "partially_shipped";
  await setStatus(tx, order, to, at, complete ? { shipped_at: at } : {});
  const payload = { shipment: number, shipmentId, trackingNumber: input.trackingNumber, carrier: input.carrier, valueMinor: value, invoiceEntryId: invoiceId };
  if (to !== order.status) await recordTransition(tx, actor, order, order.status as OrderStatus, to, at, null, payload);
  else {
    // Another partial shipment: no status change, but the dealer should hear of it.
    await tx.insertInto("order_status_history").values({ order_id: order.id, from_status: order.status, to_status: to, note: number, actor_user_id: actor.userId, created_at: at }).execute();
    await audit(tx, actor, { action: "order.shipment_recorded", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: payload });
    await emitEvent(tx, actor, { type: "order.partially_shipped", entityType: "order", entityId: order.id, dealerId: order.dealer_id, accountManagerId: order.account_manager_id, payload: { number: order.number, ...payload } });
  }
  return { shipmentId, number, valueMinor: value, invoiceEntryId: invoiceId, status: to };
}

/**
 * The order's maintained fulfilment figures (docs/decisions/008-kpi-definitions.md), in the
 * shipment's transaction: first and last ship date, value shipped, and the quantity shipped on or before each
 * line's first promise (the old date of its earliest date change, else its promise date, else
 * the order's promised, else its requested date). recomputeOrderKpis is the same from scratch.
 */
async function keepFulfilmentFigures(tx: Tx, order: LockedOrder, shipped: Map<number, number>, shippedOn: IsoDate, valueMinor: number) {
  const firsts = await tx
    .selectFrom("order_lines as l")
    .select(["l.id", "l.promise_date"])
    .select((eb) =>
      eb
        .selectFrom("order_date_changes as c")
        .select("c.old_date")
        .whereRef("c.order_line_id", "=", "l.id")
        .where("c.old_date", "is not", null)
        .orderBy("c.created_at")
        .orderBy("c.id")
        .limit(1)
        .as("first_old"),
    )
    .where("l.id", "in", [...shipped.keys()])
    .execute();
  let onPromise = 0;
  for (const l of firsts) {
    const first = l.first_old ?? l.promise_date ?? order.promised_date ?? order.requested_date;
    if (first !== null && shippedOn <= first) onPromise += shipped.get(l.id) ?? 0;
  }
  await tx
    .updateTable("orders")
    .set((eb) => ({
      on_promise_qty: eb("on_promise_qty", "+", onPromise),
      shipped_value_minor: eb("shipped_value_minor", "+", valueMinor),
      first_shipped_on: sql<string>`CASE WHEN first_shipped_on IS NULL OR first_shipped_on > ${shippedOn} THEN ${shippedOn} ELSE first_shipped_on END`,
      last_shipped_on: sql<string>`CASE WHEN last_shipped_on IS NULL OR last_shipped_on < ${shippedOn} THEN ${shippedOn} ELSE last_shipped_on END`,
    }))
    .where("id", "=", order.id)
    .execute();
  await addMonthlyFigures(tx, order.dealer_id, shippedOn.slice(0, 7), { shippedMinor: valueMinor });
}

async function reservedOf(tx: Tx, orderLineId: number): Promise<number> {
  const r = await tx.selectFrom("order_line_reservations").select(sql<string>`COALESCE(SUM(quantity), 0)`.as("q")).where("order_line_id", "=", orderLineId).executeTakeFirst();
  return Number(r?.q ?? 0);
}

// ---------------------------------------------------------------- delivery

export async function confirmDelivery(actor: Actor, orderId: number, input: { version: number; shipmentId: number }) {
  return transaction("order.confirm_delivery", (tx) => confirmDeliveryTx(tx, actor, orderId, input, now()));
}

/** The dealer confirms one shipment arrived; the order is delivered when it shipped whole and every shipment arrived. */
export async function confirmDeliveryTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; shipmentId: number }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "confirm_delivery", input.version);
  const shipment = await tx.selectFrom("shipments").select(["id", "number", "delivered_at"]).where("id", "=", input.shipmentId).where("order_id", "=", order.id).forUpdate().executeTakeFirst();
  if (!shipment) throw new NotFoundError();
  if (shipment.delivered_at) throw new ConflictError("orders.alreadyDelivered");
  await tx.updateTable("shipments").set({ delivered_at: at, delivered_by: actor.userId }).where("id", "=", shipment.id).execute();
  const slines = await tx.selectFrom("shipment_lines").select(["order_line_id", "quantity"]).where("shipment_id", "=", shipment.id).execute();
  for (const sl of slines) {
    await tx.updateTable("order_lines").set((eb) => ({ delivered_qty: eb("delivered_qty", "+", sl.quantity) })).where("id", "=", sl.order_line_id).execute();
  }
  const open = await tx.selectFrom("shipments").select("id").where("order_id", "=", order.id).where("delivered_at", "is", null).executeTakeFirst();
  const to: OrderStatus = order.status === "shipped" && !open ? "delivered" : (order.status as OrderStatus);
  await setStatus(tx, order, to, at, to === "delivered" ? { delivered_at: at } : {});
  if (to !== order.status) await recordTransition(tx, actor, order, order.status as OrderStatus, to, at, shipment.number, { shipment: shipment.number });
  else {
    await tx.insertInto("order_status_history").values({ order_id: order.id, from_status: order.status, to_status: to, note: `@delivered:${shipment.number}`, actor_user_id: actor.userId, created_at: at }).execute();
    await audit(tx, actor, { action: "order.shipment_delivered", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: { shipment: shipment.number } });
  }
  return { number: order.number!, status: to };
}

// ---------------------------------------------------------------- promise dates and backorders

export async function changePromiseDate(actor: Actor, orderId: number, input: { version: number; lineId: number | null; newDate: IsoDate; reason: string }) {
  return transaction("order.change_promise", (tx) => changePromiseDateTx(tx, actor, orderId, input, now()));
}

export async function changePromiseDateTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; lineId: number | null; newDate: IsoDate; reason: string }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "change_promise", input.version);
  if (input.newDate < businessDay(at)) throw new ValidationError("validation.formErrors", { newDate: ["validation.dateFuture"] });
  const changes: { lineId: number | null; old: IsoDate | null; new: IsoDate }[] = [];
  if (input.lineId !== null) {
    const line = await tx.selectFrom("order_lines").select(["id", "promise_date", "quantity", "shipped_qty"]).where("id", "=", input.lineId).where("order_id", "=", order.id).executeTakeFirst();
    if (!line) throw new ValidationError("validation.formErrors", { lineId: ["orders.lineUnknown"] });
    if (line.shipped_qty >= line.quantity) throw new ValidationError("validation.formErrors", { lineId: ["orders.lineShipped"] });
    if (line.promise_date !== input.newDate) {
      await tx.updateTable("order_lines").set({ promise_date: input.newDate }).where("id", "=", line.id).execute();
      changes.push({ lineId: line.id, old: line.promise_date, new: input.newDate });
    }
    const lines = await tx.selectFrom("order_lines").select(["promise_date", "quantity", "shipped_qty"]).where("order_id", "=", order.id).execute();
    const promised = orderPromise(lines);
    if (promised && promised !== order.promised_date) changes.push({ lineId: null, old: order.promised_date, new: promised });
  } else {
    if (input.newDate !== order.promised_date) changes.push({ lineId: null, old: order.promised_date, new: input.newDate });
    // The order's promise moves every open line whose promise was later or missing.
    await tx
      .updateTable("order_lines")
      .set({ promise_date: input.newDate })
      .where("order_id", "=", order.id)
      .where(sql<boolean>`shipped_qty < quantity`)
      .execute();
  }
  if (!changes.length) return { number: order.number!, changed: false };
  for (const c of changes) {
    await tx.insertInto("order_date_changes").values({ order_id: order.id, order_line_id: c.lineId, old_date: c.old, new_date: c.new, reason: input.reason, actor_user_id: actor.userId, created_at: at }).execute();
  }
  const orderChange = changes.find((c) => c.lineId === null);
  await tx
    .updateTable("orders")
    .set({ version: order.version + 1, updated_at: at, ...(orderChange ? { promised_date: orderChange.new } : {}) })
    .where("id", "=", order.id)
    .execute();
  await syncOrderKpis(tx, order.id);
  await audit(tx, actor, { action: "order.promise_changed", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: { number: order.number, changes, reason: input.reason } });
  await emitEvent(tx, actor, {
    type: "order.promise_changed",
    entityType: "order",
    entityId: order.id,
    dealerId: order.dealer_id,
    accountManagerId: order.account_manager_id,
    payload: { number: order.number, changes, reason: input.reason },
  });
  return { number: order.number!, changed: true };
}

/**
 * Tries to reserve stock for an order's backordered lines now (after stock
 * arrived). Emits order.backorder_available when anything was reserved.
 */
export async function recheckBackorders(actor: Actor, orderId: number, input: { version: number }) {
  return transaction("order.recheck_backorders", (tx) => recheckBackordersTx(tx, actor, orderId, input, now()));
}

export async function recheckBackordersTx(tx: Tx, actor: Actor, orderId: number, input: { version: number }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "recheck_backorders", input.version);
  return fillBackorders(tx, actor, order, at);
}

async function fillBackorders(tx: Tx, actor: Actor, order: LockedOrder, at: Date) {
  const today = businessDay(at);
  const lines = await tx
    .selectFrom("order_lines")
    .select(["id", "product_id", "quantity", "shipped_qty", "reserved_qty", "backordered_qty", "backorder_eta", "promise_date"])
    .where("order_id", "=", order.id)
    .where("made_to_order", "=", 0)
    .where("backordered_qty", ">", 0)
    .execute();
  if (!lines.length) return { number: order.number!, reservedUnits: 0 };
  const res = await reserveOrderLines(tx, actor, {
    orderRef: order.number!,
    dealerRegion: order.dealer_region,
    today,
    lines: lines.map((l) => ({ orderLineId: l.id, productId: l.product_id, wanted: l.backordered_qty })),
  });
  const dispatch = await workingDaysFrom(tx, today, DISPATCH_WORKING_DAYS);
  let total = 0;
  const changes: { lineId: number; old: IsoDate | null; new: IsoDate | null }[] = [];
  for (const r of res) {
    const line = lines.find((l) => l.id === r.orderLineId)!;
    total += r.reserved;
    const eta = r.backordered > 0 ? r.eta : null;
    const promise = r.backordered === 0 ? dispatch : eta ? await workingDaysFrom(tx, eta, DISPATCH_WORKING_DAYS) : line.promise_date;
    await tx
      .updateTable("order_lines")
      .set({ reserved_qty: line.reserved_qty + r.reserved, backordered_qty: r.backordered, backorder_eta: eta, promise_date: promise })
      .where("id", "=", line.id)
      .execute();
    if (promise !== line.promise_date && (r.reserved > 0 || eta !== line.backorder_eta)) changes.push({ lineId: line.id, old: line.promise_date, new: promise });
  }
  if (total === 0 && !changes.length) return { number: order.number!, reservedUnits: 0 };
  for (const c of changes) {
    await tx.insertInto("order_date_changes").values({ order_id: order.id, order_line_id: c.lineId, old_date: c.old, new_date: c.new, reason: "@stock_available", actor_user_id: actor.userId, created_at: at }).execute();
  }
  const all = await tx.selectFrom("order_lines").select(["promise_date", "quantity", "shipped_qty"]).where("order_id", "=", order.id).execute();
  const promised = orderPromise(all);
  if (promised !== order.promised_date && promised) {
    await tx.insertInto("order_date_changes").values({ order_id: order.id, order_line_id: null, old_date: order.promised_date, new_date: promised, reason: "@stock_available", actor_user_id: actor.userId, created_at: at }).execute();
  }
  await tx.updateTable("orders").set({ version: order.version + 1, updated_at: at, promised_date: promised ?? order.promised_date }).where("id", "=", order.id).execute();
  await audit(tx, actor, { action: "order.backorder_reserved", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: { number: order.number, reservedUnits: total } });
  if (total > 0) {
    await emitEvent(tx, actor, {
      type: "order.backorder_available",
      entityType: "order",
      entityId: order.id,
      dealerId: order.dealer_id,
      accountManagerId: order.account_manager_id,
      payload: { number: order.number, reservedUnits: total, promisedDate: promised },
    });
  }
  return { number: order.number!, reservedUnits: total };
}

/**
 * For stock receipts: reserves newly arrived stock of a product for the
 * oldest approved orders that wait for it. Call inside the receipt's transaction.
 */
export async function allocateBackordersForProduct(tx: Tx, actor: Actor, productId: number, at: Date = now()) {
  const waiting = await tx
    .selectFrom("orders as o")
    .innerJoin("order_lines as l", "l.order_id", "o.id")
    .select("o.id")
    .distinct()
    .where("l.product_id", "=", productId)
    .where("l.backordered_qty", ">", 0)
    .where("o.status", "in", ["approved", "partially_shipped"])
    .orderBy("o.id")
    .execute();
  const ids = await tx.selectFrom("orders").select(["id", "approved_at"]).where("id", "in", waiting.length ? waiting.map((w) => w.id) : [0]).orderBy("approved_at").execute();
  let total = 0;
  for (const { id } of ids) {
    const order = await lockOrder(tx, actor, id);
    if (!order) continue;
    total += (await fillBackorders(tx, actor, order, at)).reservedUnits;
  }
  return total;
}

// ---------------------------------------------------------------- reading

function requireRead(actor: Actor) {
  requirePermission(actor, "order:read");
}

export async function listOrders(actor: Actor, filter: OrderListFilter) {
  requireRead(actor);
  const [rows, total] = await Promise.all([
    sortList(ordersListQuery(db, actor, filter), filter.sort)
      .select(listColumns)
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    // A status/dealer filter reads the maintained counts; any other filter counts the orders
    // (every order has its dealer: no join).
    (orderCountFromTotals(db, actor, filter) ?? ordersFiltered(db, actor, filter).select(sql<string>`COUNT(*)`.as("n"))).executeTakeFirst(),
  ]);
  return { rows, total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export const ORDER_CSV_HEADER = ["number", "status", "dealer_code", "dealer_name", "po_reference", "currency", "total", "lines", "requested_date", "promised_date", "deal_id", "quote_id", "submitted_at", "created_at"];

/**
 * CSV rows in batches of 1,000, each starting after the previous batch's last
 * sort key (keyset): constant memory and constant cost per batch, where OFFSET
 * made a 200,000-row export quadratic.
 */
export async function* exportOrders(actor: Actor, filter: OrderListFilter, batchSize = 1000) {
  requireRead(actor);
  let last: ListKey | null = null;
  for (;;) {
    const base = ordersListQuery(db, actor, filter);
    const rows = await sortList(last ? afterKey(base, filter.sort, last) : base, filter.sort).select(listColumns).limit(batchSize).execute();
    if (!rows.length) return;
    last = rows[rows.length - 1]!;
    yield rows.map((r) => [
      r.number ?? "",
      r.status,
      r.dealer_code,
      r.dealer_name,
      r.po_reference,
      r.currency,
      minorToDecimal(r.total_minor, r.currency),
      r.line_count,
      r.requested_date ?? "",
      r.promised_date ?? "",
      r.deal_id ?? "",
      r.quote_id ?? "",
      r.submitted_at ? r.submitted_at.toISOString() : "",
      r.created_at.toISOString(),
    ]);
    if (rows.length < batchSize) return;
  }
}

/** Dealers the actor may filter by (staff only). */
export async function dealerFilterOptions(actor: Actor) {
  if (isDealerRole(actor.role)) return [];
  let q = db.selectFrom("organisations").select(["id", "code", "name"]).where("kind", "=", "dealer");
  q = q.where(inDealerScope(actor, "organisations.id"));
  return q.orderBy("code").execute();
}

export async function reviewQueue(actor: Actor, p: { status: "submitted" | "credit_hold"; page: number }) {
  requirePermission(actor, "order:review");
  const base = reviewQueueQuery(db, actor, p.status);
  const [rows, total] = await Promise.all([
    base
      .select(["o.id", "o.number", "o.status", "o.version", "o.total_minor", "o.currency", "o.line_count", "o.requested_date", "o.submitted_at", "o.po_reference", "d.code as dealer_code", "d.name as dealer_name"])
      .select(sql<number>`(SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id AND l.made_to_order = 1)`.as("custom_lines"))
      .orderBy("o.submitted_at", "asc")
      .orderBy("o.id", "asc")
      .limit(PAGE_SIZE)
      .offset((p.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows: rows.map((r) => ({ ...r, custom_lines: Number(r.custom_lines) })), total: Number(total?.n ?? 0), page: p.page, pageSize: PAGE_SIZE, now: now().toISOString() };
}

export async function* exportReviewQueue(actor: Actor, p: { status: "submitted" | "credit_hold" }) {
  requirePermission(actor, "order:review");
  const rows = await reviewQueueQuery(db, actor, p.status)
    .select(["o.number", "o.status", "o.total_minor", "o.currency", "o.line_count", "o.requested_date", "o.submitted_at", "d.code as dealer_code", "d.name as dealer_name"])
    .orderBy("o.submitted_at", "asc")
    .execute();
  const t = now().getTime();
  yield rows.map((r) => [r.number ?? "", r.status, r.dealer_code, r.dealer_name, r.currency, minorToDecimal(r.total_minor, r.currency), r.line_count, r.requested_date ?? "", r.submitted_at?.toISOString() ?? "", r.submitted_at ? Math.floor((t - r.submitted_at.getTime()) / 3_600_000) : ""]);
}

// ---------------------------------------------------------------- the credit-hold queue (finance)

type HeldRow = Awaited<ReturnType<ReturnType<typeof creditHoldRows>["execute"]>>[number];

/** Each held order beside its dealer's credit now: what releasing it alone would leave (decision 003's definition). */
async function withCredit(rows: HeldRow[]) {
  const positions = await creditPositions(db, [...new Set(rows.map((r) => r.dealer_id))]);
  return rows.map((r) => {
    const c = positions.get(r.dealer_id) ?? { limitMinor: 0, balanceMinor: 0, openOrdersMinor: 0, availableMinor: 0, currency: r.currency };
    return { ...r, credit: c, overByMinor: Math.max(0, r.total_minor - c.availableMinor) };
  });
}

/** Orders on credit hold, longest held first, each with its dealer's limit, balance, available credit and how far over it the order goes. */
export async function creditHoldQueue(actor: Actor, f: CreditHoldFilter) {
  requirePermission(actor, "credit:release");
  const [rows, total, dealers] = await Promise.all([
    creditHoldRows(db, actor, f).limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE).execute(),
    creditHoldQuery(db, actor, f).select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
    creditHoldDealers(db, actor),
  ]);
  return { rows: await withCredit(rows), total: Number(total?.n ?? 0), page: f.page, pageSize: PAGE_SIZE, dealers, now: now().toISOString() };
}

export const CREDIT_HOLD_CSV_HEADER = ["number", "dealer_code", "dealer_name", "po_reference", "currency", "order_total", "credit_limit", "balance", "open_orders", "available_credit", "over_by", "held_since", "hours_held"];

/** The whole filtered credit-hold queue as CSV rows, in batches. */
export async function* exportCreditHoldQueue(actor: Actor, f: Omit<CreditHoldFilter, "page">) {
  requirePermission(actor, "credit:release");
  const batch = 1000;
  for (let offset = 0; ; offset += batch) {
    const at = now().getTime();
    const rows = await withCredit(await creditHoldRows(db, actor, f).limit(batch).offset(offset).execute());
    yield rows.map((r) => {
      const money = (m: number) => minorToDecimal(m, r.currency);
      return [
        r.number ?? "",
        r.dealer_code,
        r.dealer_name,
        r.po_reference,
        r.currency,
        money(r.total_minor),
        money(r.credit.limitMinor),
        money(r.credit.balanceMinor),
        money(r.credit.openOrdersMinor),
        money(r.credit.availableMinor),
        money(r.overByMinor),
        r.held_since ? r.held_since.toISOString() : "",
        r.held_since ? Math.max(0, Math.floor((at - r.held_since.getTime()) / 3_600_000)) : "",
      ];
    });
    if (rows.length < batch) return;
  }
}

function parseJson<T>(s: string | null): T | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

export type AddressSnapshot = { label: string; recipient: string; phone: string; province: string; city: string; line1: string; postcode: string };

/** Everything the tracking page shows, and what the actor may do with it. */
export async function getOrderPage(actor: Actor, number: string) {
  requireRead(actor);
  const order = await findOrder(db, actor, { number });
  if (!order) throw new NotFoundError();
  return orderPageData(actor, order);
}

export async function getOrderById(actor: Actor, id: number) {
  requireRead(actor);
  const order = await findOrder(db, actor, { id });
  if (!order) throw new NotFoundError();
  return orderPageData(actor, order);
}

async function orderPageData(actor: Actor, order: NonNullable<Awaited<ReturnType<typeof findOrder>>>) {
  const [lines, reservations, history, dateChanges, shipments] = await Promise.all([
    orderLines(db, order.id),
    lineReservations(db, order.id),
    orderHistory(db, order.id),
    orderDateChanges(db, order.id),
    orderShipments(db, order.id),
  ]);
  // Each entry links to the statement line that holds it (that page of the statement, the line marked), or,
  // before any statement holds it, to the entry's own page for who may read it there.
  const entries = can(actor, "ledger:read")
    ? (await orderLedgerEntries(db, order.id)).map((e) => ({
        ...e,
        href: e.statement_id !== null && e.line_no !== null ? statementLineHref(e.statement_id, e.line_no) : can(actor, "ledger:post") ? `/finance/ledger/entries/${e.id}` : null,
      }))
    : null;
  const status = order.status as OrderStatus;
  const mayDo = (a: OrderAction) => actionPermissions(a, status).some((p) => can(actor, p));
  const nothingShipped = lines.every((l) => l.shipped_qty === 0);
  const actions = {
    edit: status === "draft" && mayDo("submit"),
    delete: status === "draft" && order.number === null && mayDo("submit"),
    cancel: mayDo("cancel") && nothingShipped,
    // The manufacturer cancelling a held order gives the dealer a reason (cancelOrderTx).
    cancelNeedsReason: status === "credit_hold" && !isDealerRole(actor.role),
    releaseHold: mayDo("release_hold"),
    approve: mayDo("approve"),
    reject: mayDo("reject"),
    sendBack: mayDo("send_back"),
    ship: mayDo("ship"),
    confirmDelivery: mayDo("confirm_delivery"),
    changePromise: mayDo("change_promise"),
    recheckBackorders: mayDo("recheck_backorders") && lines.some((l) => l.backordered_qty > 0),
  };
  const credit = status === "credit_hold" && (isDealerRole(actor.role) || can(actor, "credit:release")) ? await creditPosition(db, order.dealer_id, { excludeOrderId: order.id }) : null;
  const warehouses = actions.ship ? await activeWarehouses(db) : [];
  const stockByWarehouse = actions.ship ? await freeStockForLines(lines.map((l) => l.product_id)) : {};
  return {
    order: { ...order, address: parseJson<AddressSnapshot>(order.address_snapshot) },
    // Parsed once here; the raw JSON columns are not sent to the page as well.
    lines: lines.map(({ custom_options, options_schema, ...l }) => ({
      ...l,
      options: parseJson<Record<string, string | number>>(custom_options) ?? {},
      reservations: reservations.filter((r) => r.order_line_id === l.id),
      optionsSchema: parseJson<OptionsSchema>(options_schema),
    })),
    history,
    dateChanges,
    shipments,
    entries,
    credit,
    actions,
    warehouses,
    stockByWarehouse,
    today: businessDay(now()),
  };
}

/** Free stock per warehouse per product ({ [warehouseId]: { [productId]: free } }), for the shipment form. */
async function freeStockForLines(productIds: number[]) {
  const out: Record<number, Record<number, number>> = {};
  if (!productIds.length) return out;
  const rows = await db.selectFrom("stock_levels").select(["warehouse_id", "product_id", "on_hand", "reserved"]).where("product_id", "in", [...new Set(productIds)]).execute();
  for (const r of rows) (out[r.warehouse_id] ??= {})[r.product_id] = r.on_hand - r.reserved;
  return out;
}

// ---------------------------------------------------------------- the builder

/** A line as the builder shows it: product facts from the catalog, quantities as typed. */
export type DisplayLine = {
  lineId: number | null;
  productId: number;
  sku: string;
  nameEn: string;
  nameZh: string;
  unit: string;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  optionsSchema: OptionsSchema | null;
  unitPriceMinor: number;
  fixedPrice: boolean;
  quantity: string;
  lineTotalMinor: number | null;
  options: Record<string, string>;
  specNotes: string;
  available: number;
  productStatus: string;
};

export type RawLine = { lineId?: unknown; productId?: unknown; quantity?: unknown; specNotes?: unknown; options?: unknown };

/** Builds display lines from what a form posted (after a validation error), keeping the user's text. */
export async function describeLines(actor: Actor, orderId: number | null, raw: RawLine[], addProductId?: number): Promise<DisplayLine[]> {
  const dealerId = requireDealer(actor);
  const ids = raw.map((l) => Number(l.productId)).filter((n) => Number.isSafeInteger(n) && n > 0);
  if (addProductId) ids.push(addProductId);
  const products = await orderableProductsByIds(db, dealerId, ids);
  const fixed = orderId
    ? new Map(
        (
          await db
            .selectFrom("orders as o")
            .innerJoin("order_lines as l", "l.order_id", "o.id")
            .select(["l.id", "l.product_id", "l.unit_price_minor", "l.quantity"])
            .where("o.id", "=", orderId)
            .where("o.dealer_id", "=", dealerId)
            .where("l.quote_line_id", "is not", null)
            .execute()
        ).map((l) => [l.id, l]),
      )
    : new Map();
  const out: DisplayLine[] = [];
  for (const l of raw) {
    const p = products.get(Number(l.productId));
    if (!p) {
      // Keep the position so errors keyed by line index still point at the right row.
      out.push({ lineId: null, productId: Number(l.productId) || 0, sku: "?", nameEn: "?", nameZh: "?", unit: "", madeToOrder: false, leadTimeDays: null, optionsSchema: null, unitPriceMinor: 0, fixedPrice: false, quantity: String(l.quantity ?? ""), lineTotalMinor: null, options: {}, specNotes: "", available: 0, productStatus: "unknown" });
      continue;
    }
    const lineId = Number(l.lineId) || null;
    const f = lineId ? fixed.get(lineId) : undefined;
    const q = f && f.product_id === p.id ? f : undefined;
    const quantity = q ? String(q.quantity) : String(l.quantity ?? "");
    const unit = q ? q.unit_price_minor : p.priceMinor;
    const n = /^\d{1,9}$/.test(quantity) ? Number(quantity) : null;
    out.push(displayOf(p, { lineId, quantity, unitPriceMinor: unit, fixedPrice: !!q, lineTotalMinor: n ? n * unit : null, options: stringRecord(l.options), specNotes: typeof l.specNotes === "string" ? l.specNotes : "" }));
  }
  if (addProductId) {
    const p = products.get(addProductId);
    if (p && isOrderable(p)) {
      const qty = defaultQuantity(p);
      out.push(displayOf(p, { lineId: null, quantity: String(qty), unitPriceMinor: p.priceMinor, fixedPrice: false, lineTotalMinor: qty * p.priceMinor, options: {}, specNotes: "" }));
    }
  }
  return out;
}

function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object") return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x ?? "")]));
}

function displayOf(p: OrderableProduct, l: Pick<DisplayLine, "lineId" | "quantity" | "unitPriceMinor" | "fixedPrice" | "lineTotalMinor" | "options" | "specNotes">): DisplayLine {
  return {
    ...l,
    productId: p.id,
    sku: p.sku,
    nameEn: p.nameEn,
    nameZh: p.nameZh,
    unit: p.unit,
    madeToOrder: p.madeToOrder,
    leadTimeDays: p.leadTimeDays,
    optionsSchema: p.optionsSchema,
    available: p.available,
    productStatus: p.status,
  };
}

/** The builder page: the draft (if any), its lines, the dealer's addresses, search results, a fresh submit key. */
export async function builderData(actor: Actor, p: { orderId: number | null; q?: string }) {
  const dealerId = requireDealer(actor);
  let order: { id: number; number: string | null; version: number; address_id: number | null; requested_date: string | null; po_reference: string; notes: string | null; review_note: string | null; deal_id: number | null; quote_id: number | null; currency: string } | null = null;
  let lines: DisplayLine[] = [];
  if (p.orderId !== null) {
    const o = await findOrder(db, actor, { id: p.orderId });
    if (!o) throw new NotFoundError();
    if (o.status !== "draft") throw new ConflictError("orders.notDraft");
    order = o;
    const rows = await orderLines(db, o.id);
    const products = await orderableProductsByIds(
      db,
      dealerId,
      rows.map((r) => r.product_id),
    );
    lines = rows.flatMap((r) => {
      const prod = products.get(r.product_id);
      if (!prod) return [];
      const fixedPrice = r.quote_line_id !== null;
      const unit = fixedPrice ? r.unit_price_minor : prod.priceMinor;
      return [
        displayOf(prod, {
          lineId: r.id,
          quantity: String(r.quantity),
          unitPriceMinor: unit,
          fixedPrice,
          lineTotalMinor: unit * r.quantity,
          options: stringRecord(parseJson(r.custom_options)),
          specNotes: r.spec_notes ?? "",
        }),
      ];
    });
  }
  const [addresses, results, dealer] = await Promise.all([
    dealerAddresses(db, dealerId),
    p.q ? searchOrderableProducts(db, dealerId, p.q, { limit: 20 }) : Promise.resolve([]),
    db.selectFrom("organisations").select(["currency", "credit_limit_minor"]).where("id", "=", dealerId).executeTakeFirstOrThrow(),
  ]);
  const credit = await creditPosition(db, dealerId, { excludeOrderId: order?.id });
  return {
    order,
    lines,
    addresses: addresses.map((a) => ({ id: a.id, label: a.label, recipient: a.recipient, city: a.city, line1: a.line1, is_default: a.is_default })),
    results,
    currency: order?.currency ?? dealer.currency,
    credit,
    submitKey: crypto.randomUUID(),
    today: businessDay(now()),
    canManageAddresses: can(actor, "address:manage"),
  };
}

/**
 * An order as another page links to it (a booked quote): its number and status, and where this reader
 * may open it — its page once numbered (in the reader's scope), its draft page for who may edit the
 * dealer's drafts — or null when the reader may not open it at all (then the page shows it as text).
 */
export async function orderLinkFor(actor: Actor, orderId: number) {
  const o = await db.selectFrom("orders").select(["id", "number", "status", "dealer_id"]).where("id", "=", orderId).executeTakeFirst();
  if (!o) return null;
  const visible = can(actor, "order:read") && (await db.selectFrom("orders").select("id").where("id", "=", orderId).where(inDealerScope(actor, "dealer_id")).executeTakeFirst()) !== undefined;
  let href: string | null = null;
  if (visible && o.number) href = `/orders/${encodeURIComponent(o.number)}`;
  else if (visible && o.status === "draft" && can(actor, "order:create") && actor.dealerId === o.dealer_id) href = `/orders/drafts/${o.id}`;
  return { id: o.id, number: o.number, status: o.status, href };
}
