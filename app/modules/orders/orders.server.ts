/**
 * Orders' commands: building and submitting (dealers), review (order desk), credit
 * holds (finance), shipments and delivery, promise dates. Every unit of work is one
 * transaction that writes the status history, the audit log and a domain
 * event together with the change. The public functions open the transaction;
 * the `*Tx` variants run in a caller's transaction (seed, other domains).
 * Beside it: orders.views.server.ts (what pages show), orders.forms.server.ts
 * (form to input), orders.derived.server.ts (derived figures), orders.queries.server.ts.
 */
import { sql } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { isDealerRole } from "~/modules/auth/permissions";
import { isOrderable, orderableProductsByIds } from "~/modules/catalog/pricing.server";
import { quantityFits, validateOptions, type OptionsSchema } from "~/modules/catalog/options.server";
import { workingDaysFrom } from "~/modules/catalog/calendar.server";
import { creditPosition } from "~/modules/ledger/credit.server";
import { postEntry } from "~/modules/ledger/post.server";
import { releaseLineReservations, reserveOrderLines, shipOrderLine } from "~/modules/stock/allocation.server";
import { onStockArrival } from "~/modules/stock/arrivals.server";
import { env } from "~/utils/env.server";
import { markDealWonForOrder } from "~/modules/deals/deals.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { addDays, now, toBusinessDate, todayIn, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { lockOrder, type LockedOrder } from "./orders.queries.server";
import { addMonthlyFigures, keepFulfilmentFigures, keepPurchaseDays, moveOrderCount, NOT_ORDERED, syncOrderKpis } from "./orders.derived.server";
import { defaultQuantity, formLinesToInput, headerOf } from "./orders.forms.server";
import { MAX_LINES } from "./orders.schema";
import { type DraftForm } from "./orders.schema.server";
import { ACTIONS, actionPermissions, isTransitionAllowed, type OrderAction, type OrderStatus } from "./state";
import { systemDescription } from "~/modules/ledger/descriptions";
import type { DomainEventType } from "~/modules/audit/event-types";
import { queueWebhookEvent } from "~/modules/webhooks/events.server";
import { offersFor } from "~/modules/promotions/promotions.server";
import { restateAfterShipment } from "~/modules/sellout/sellout.derived.server";

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

/** A change of a promise date: a line's, or the order's (lineId null). */
type DateChange = { lineId: number | null; old: IsoDate | null; new: IsoDate | null };

/** Writes promise date changes to the order's date history, with their reason (a catalog key when it starts with '@'). */
async function recordDateChanges(tx: Tx, actor: Actor, orderId: number, changes: DateChange[], reason: string, at: Date) {
  for (const c of changes) {
    await tx
      .insertInto("order_date_changes")
      .values({ order_id: orderId, order_line_id: c.lineId, old_date: c.old, new_date: c.new, reason, actor_user_id: actor.userId, created_at: at })
      .execute();
  }
}

/** The webhook event of a promise date change (by hand or when backordered stock arrives). */
async function queuePromiseEvent(
  tx: Tx,
  order: Pick<LockedOrder, "dealer_id" | "number">,
  promised: IsoDate | null,
  changes: DateChange[],
  reason: string,
  at: Date,
) {
  await queueWebhookEvent(tx, {
    type: "order.promise_date_changed",
    dealerId: order.dealer_id,
    occurredAt: at,
    data: {
      order: { number: order.number, promised_date: promised },
      changes: changes.map((c) => ({ order_line_id: c.lineId, from: c.old, to: c.new })),
      reason: reason.startsWith("@") ? reason.slice(1) : reason,
    },
  });
}

/** Records a status change (history, audit, event); the caller has already updated the row. */
async function recordTransition(
  tx: Tx,
  actor: Actor,
  order: OrderRef,
  from: OrderStatus | null,
  to: OrderStatus,
  at: Date,
  note: string | null,
  payload: Record<string, unknown> = {},
) {
  if (from !== null && from !== to && !isTransitionAllowed(from, to)) throw new ConflictError("orders.notAllowedInStatus", { status: from });
  await tx
    .insertInto("order_status_history")
    .values({ order_id: order.id, from_status: from, to_status: to, note, actor_user_id: actor.userId, created_at: at })
    .execute();
  await audit(tx, actor, {
    action: `order.${to}`,
    entityType: "order",
    entityId: order.id,
    dealerId: order.dealer_id,
    summary: { number: order.number, from, to, note, ...payload },
  });
  if (from !== null && from !== to)
    await queueWebhookEvent(tx, {
      type: "order.status_changed",
      dealerId: order.dealer_id,
      occurredAt: at,
      data: { order: { number: order.number, status: to, previous_status: from, note, total_minor: order.total_minor, currency: order.currency } },
    });
  const type = EVENT_FOR[to];
  if (type) {
    await emitEvent(tx, actor, {
      type,
      entityType: "order",
      entityId: order.id,
      dealerId: order.dealer_id,
      accountManagerId: order.account_manager_id,
      payload: {
        number: order.number,
        from,
        to,
        note,
        totalMinor: order.total_minor,
        currency: order.currency,
        dealId: order.deal_id,
        quoteId: order.quote_id,
        ...payload,
      },
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
  if (Number(res.numUpdatedRows) === 1)
    await moveOrderCount(
      tx,
      order.dealer_id,
      { status: order.status as OrderStatus, numbered: order.number !== null },
      { status: to, numbered: order.number !== null },
    );
  await syncOrderKpis(tx, order.id);
  // An order leaving the ordered figures (sent back, rejected, cancelled) leaves its submission month.
  if (order.submitted_at && !NOT_ORDERED.includes(order.status as OrderStatus) && NOT_ORDERED.includes(to)) {
    await addMonthlyFigures(tx, order.dealer_id, toBusinessDate(order.submitted_at, env().BUSINESS_TZ).slice(0, 7), { orderedMinor: -order.total_minor });
  }
}

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
  /** The promotion the line uses (decision 141) and its discount per unit (0 for a rebate promotion). */
  promotionId: number | null;
  promotionDiscountMinor: number;
};

type Strictness = "draft" | "submit";

/**
 * Validates lines against the catalog and prices them. In a draft, required
 * custom options may still be empty; at submit everything must be complete.
 * Errors are keyed `lines.<index>.<field>` to match the form.
 */
async function prepareLines(
  tx: Executor,
  dealerId: number,
  lines: readonly (TrustedLineInput & { keepPrice?: { unitPriceMinor: number; quoteLineId: number | null } })[],
  mode: Strictness,
  at: Date,
) {
  if (lines.length > MAX_LINES) throw new ValidationError("orders.tooManyLines", undefined, { max: MAX_LINES });
  const products = await orderableProductsByIds(
    tx,
    dealerId,
    lines.map((l) => l.productId),
  );
  // Lines priced by the catalog get the promotion that targets the dealer on the order's day (a fixed price
  // from a quote or a replacement takes none): a price off lowers the unit price; a rebate is recorded.
  const offers = await offersFor(
    tx,
    dealerId,
    businessDay(at),
    lines.flatMap((l) => {
      const p = products.get(l.productId);
      return p && l.unitPriceMinor === undefined && !l.keepPrice ? [p] : [];
    }),
  );
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
        customOptions = JSON.stringify(
          Object.fromEntries(
            Object.entries(given)
              .filter(([k, v]) => known.has(k) && v.trim() !== "")
              .map(([k, v]) => [k, v.trim()]),
          ),
        );
      }
    } else {
      for (const [k, v] of Object.entries(given)) if (v.trim() !== "") errors[`lines.${i}.opt.${k}`] = ["catalog.optionUnknown"];
    }
    const fixed = l.unitPriceMinor !== undefined ? { unitPriceMinor: l.unitPriceMinor, quoteLineId: l.quoteLineId ?? null } : l.keepPrice;
    const offer = fixed ? undefined : offers.get(p.id);
    const unitPriceMinor = fixed ? fixed.unitPriceMinor : p.priceMinor - (offer?.discountMinor ?? 0);
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
      specNotes: p.madeToOrder ? l.specNotes?.trim() || null : null,
      quoteLineId: fixed?.quoteLineId ?? null,
      promotionId: offer?.promotionId ?? null,
      promotionDiscountMinor: offer?.discountMinor ?? 0,
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
    const a = await tx
      .selectFrom("dealer_addresses")
      .select("id")
      .where("id", "=", h.addressId)
      .where("dealer_id", "=", dealerId)
      .where("status", "=", "active")
      .executeTakeFirst();
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
          promotion_id: l.promotionId,
          promotion_discount_minor: l.promotionDiscountMinor,
          created_at: at,
        })),
      )
      .execute();
  }
  const total = lines.reduce((s, l) => s + l.lineTotalMinor, 0);
  if (!Number.isSafeInteger(total)) throw new ValidationError("validation.formErrors", { _form: ["orders.totalTooLarge"] });
  return { total, count: lines.length, orderedQty: lines.reduce((s, l) => s + l.quantity, 0) };
}

export function requireDealer(actor: Actor): number {
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
  const lines = await prepareLines(tx, dealerId, input.lines, mode, at);
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
  await audit(tx, actor, {
    action: "order.draft_created",
    entityType: "order",
    entityId: id,
    dealerId,
    summary: { lines: count, totalMinor: total, dealId: input.dealId ?? null, quoteId: input.quoteId ?? null },
  });
  return { id, version: 1, total, count };
}

/**
 * Saves the builder form (creating the draft when orderId is null), optionally
 * adding one product as a new line. Prices come from the catalog (or stay as
 * the quote fixed them); anything price-like in the form is ignored.
 */
export async function saveDraftFromForm(
  actor: Actor,
  p: { orderId: number | null; form: DraftForm; addProductId?: number },
): Promise<{ id: number; version: number }> {
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
  const lines = await prepareLines(tx, order.dealer_id, input, mode, at);
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
  await audit(tx, actor, {
    action: "order.draft_saved",
    entityType: "order",
    entityId: order.id,
    dealerId: order.dealer_id,
    summary: { lines: count, totalMinor: total },
  });
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
    await audit(tx, actor, {
      action: "order.draft_deleted",
      entityType: "order",
      entityId: order.id,
      dealerId: order.dealer_id,
      summary: { totalMinor: order.total_minor, lines: order.line_count },
    });
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

/** `bodyHash`: what the order was first submitted with under its key (the API's Idempotency-Key), else null. */
export type SubmitResult = { id: number; number: string; status: OrderStatus; duplicate: boolean; bodyHash: string | null };
type SubmitInput = { orderId: number | null; submitKey: string; form?: DraftForm; version?: number; bodyHash?: string };

/**
 * Submits an order exactly once per submit key: the same form sent again
 * (double click, retry, a second tab) returns the order already made.
 * With orderId the draft is saved from the form first (optimistic version
 * check); without it the order is created and submitted in one go.
 */
export async function submitOrder(actor: Actor, p: SubmitInput): Promise<SubmitResult> {
  const dealerId = requireDealer(actor);
  const existing = async () => {
    const row = await db
      .selectFrom("orders")
      .select(["id", "number", "status", "submit_body_hash"])
      .where("dealer_id", "=", dealerId)
      .where("submit_key", "=", p.submitKey)
      .executeTakeFirst();
    return row && row.number ? { id: row.id, number: row.number, status: row.status as OrderStatus, duplicate: true, bodyHash: row.submit_body_hash } : null;
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

export async function submitOrderTx(tx: Tx, actor: Actor, p: SubmitInput, at: Date): Promise<SubmitResult> {
  const dealerId = requireDealer(actor);
  // One submission per dealer at a time: the credit check below must see every
  // other submission of this dealer (and the dealer row is locked before any
  // insert takes a shared lock on it through the foreign key).
  await tx.selectFrom("organisations").select("id").where("id", "=", dealerId).forUpdate().execute();
  const dup = await tx
    .selectFrom("orders")
    .select(["id", "number", "status", "submit_body_hash"])
    .where("dealer_id", "=", dealerId)
    .where("submit_key", "=", p.submitKey)
    .executeTakeFirst();
  if (dup?.number) return { id: dup.id, number: dup.number, status: dup.status as OrderStatus, duplicate: true, bodyHash: dup.submit_body_hash };
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
  if (locked.status !== "draft" && locked.number)
    return { id: locked.id, number: locked.number, status: locked.status as OrderStatus, duplicate: true, bodyHash: null };
  if (!created) assertVersion(locked, p.form?.version ?? p.version);
  assertAllowedFrom(actor, "submit", locked.status);
  const header = p.form
    ? headerOf(p.form)
    : { addressId: locked.address_id, requestedDate: locked.requested_date, poReference: locked.po_reference, notes: locked.notes };
  // An existing draft: save what the form says, then check everything strictly.
  const saved = created
    ? { version: created.version, total: created.total, count: created.count }
    : await updateDraftTx(
        tx,
        actor,
        locked,
        header,
        p.form ? await formLinesToInput(tx, locked.id, p.form) : await currentLinesAsInput(tx, locked.id),
        at,
        "submit",
      ).then((r) => ({ version: r.version, total: r.total, count: r.lines.length }));
  if (saved.count === 0) throw new ValidationError("orders.noLines");
  // Credit (the dealer row is locked above, so two orders cannot both squeeze under the limit).
  const credit = await creditPosition(tx, dealerId, { excludeOrderId: locked.id });
  const exposure = credit.balanceMinor + credit.openOrdersMinor + saved.total;
  const to: OrderStatus = exposure <= credit.limitMinor ? "submitted" : "credit_hold";
  const address = await tx.selectFrom("dealer_addresses").selectAll().where("id", "=", header.addressId!).executeTakeFirstOrThrow();
  const snapshot = JSON.stringify({
    label: address.label,
    recipient: address.recipient,
    phone: address.phone,
    province: address.province,
    city: address.city,
    line1: address.line1,
    postcode: address.postcode,
  });
  await moveOrderCount(tx, dealerId, { status: locked.status as OrderStatus, numbered: locked.number !== null }, { status: to, numbered: true });
  await addMonthlyFigures(tx, dealerId, toBusinessDate(at, env().BUSINESS_TZ).slice(0, 7), { orderedMinor: saved.total });
  // The year's number counter is the one row every submission writes: taken as late as possible, so two
  // submissions hold it (and, on a cluster, race for it across nodes) for the shortest time.
  const number = locked.number ?? (await allocateNumber(tx, at));
  await tx
    .updateTable("orders")
    .set({
      status: to,
      number,
      submit_key: p.submitKey,
      submit_body_hash: p.bodyHash ?? null,
      submitted_at: at,
      address_snapshot: snapshot,
      version: saved.version + 1,
      updated_at: at,
    })
    .where("id", "=", locked.id)
    .execute();
  await syncOrderKpis(tx, locked.id);
  const ref = { ...locked, number, total_minor: saved.total };
  const creditInfo = {
    limitMinor: credit.limitMinor,
    balanceMinor: credit.balanceMinor,
    openOrdersMinor: credit.openOrdersMinor,
    orderMinor: saved.total,
    overByMinor: Math.max(0, exposure - credit.limitMinor),
  };
  await recordTransition(tx, actor, ref, "draft", to, at, null, to === "credit_hold" ? { credit: creditInfo } : {});
  return { id: locked.id, number, status: to, duplicate: false, bodyHash: p.bodyHash ?? null };
}

async function currentLinesAsInput(tx: Executor, orderId: number) {
  const rows = await tx
    .selectFrom("order_lines")
    .select(["product_id", "quantity", "custom_options", "spec_notes", "unit_price_minor", "quote_line_id"])
    .where("order_id", "=", orderId)
    .orderBy("line_no")
    .execute();
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
  const creditInfo = {
    limitMinor: credit.limitMinor,
    balanceMinor: credit.balanceMinor,
    openOrdersMinor: credit.openOrdersMinor,
    orderMinor: order.total_minor,
    overByMinor: Math.max(0, exposure - credit.limitMinor),
  };
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

type LineFulfilment = {
  id: number;
  reserved_qty: number;
  backordered_qty: number;
  backorder_eta: IsoDate | null;
  production_qty: number;
  promise_date: IsoDate | null;
};

/** The order's promise: the latest line promise, or null while any line has none. */
function orderPromise(lines: { promise_date: IsoDate | null; quantity: number; shipped_qty: number }[]): IsoDate | null {
  const open = lines.filter((l) => l.shipped_qty < l.quantity);
  if (!open.length) return null;
  if (open.some((l) => !l.promise_date)) return null;
  return open
    .map((l) => l.promise_date!)
    .sort()
    .at(-1)!;
}

export async function approveOrder(actor: Actor, orderId: number, input: { version: number }) {
  return transaction("order.approve", (tx) => approveOrderTx(tx, actor, orderId, input, now()));
}

export async function approveOrderTx(tx: Tx, actor: Actor, orderId: number, input: { version: number }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "approve", input.version);
  return approveLocked(tx, actor, order, at);
}

/** Approval of a submitted order the caller has locked and authorised: reservations, promise dates, status. */
async function approveLocked(tx: Tx, actor: Actor, order: LockedOrder, at: Date) {
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
    updates.push({
      id: r.orderLineId,
      reserved_qty: r.reserved,
      backordered_qty: r.backordered,
      backorder_eta: r.eta,
      production_qty: 0,
      promise_date: promise,
    });
  }
  for (const l of lines.filter((x) => x.made_to_order)) {
    const promise = await workingDaysFrom(tx, today, l.lead_time_days ?? 0);
    updates.push({ id: l.id, reserved_qty: 0, backordered_qty: 0, backorder_eta: null, production_qty: l.quantity, promise_date: promise });
  }
  for (const u of updates) {
    await tx
      .updateTable("order_lines")
      .set({
        reserved_qty: u.reserved_qty,
        backordered_qty: u.backordered_qty,
        backorder_eta: u.backorder_eta,
        production_qty: u.production_qty,
        promise_date: u.promise_date,
      })
      .where("id", "=", u.id)
      .execute();
  }
  const byId = new Map(updates.map((u) => [u.id, u]));
  const promised = orderPromise(lines.map((l) => ({ promise_date: byId.get(l.id)?.promise_date ?? null, quantity: l.quantity, shipped_qty: l.shipped_qty })));
  await setStatus(tx, order, "approved", at, { approved_at: at, promised_date: promised, review_note: null });
  if (promised) await recordDateChanges(tx, actor, order.id, [{ lineId: null, old: null, new: promised }], "@approval", at);
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

// ---------------------------------------------------------------- replacement orders (after-sales)

export type ReplacementOrderInput = {
  dealerId: number;
  serviceCaseId: number;
  caseNumber: string;
  /** The order whose goods are replaced: the replacement goes where it went. */
  sourceOrderId: number;
  lines: { productId: number; quantity: number; options: Record<string, string>; specNotes: string | null }[];
};

/**
 * A replacement shipment at no charge (issue #23, item 4; decision 136): an order the service desk creates for
 * the case's dealer, every line at a unit price of 0, linked to the case and delivered to the original order's
 * address. It moves through the state machine as any order (draft → submitted → approved, each step in the
 * history, audited) but skips the credit check, since nothing is owed, and is approved at once with the usual
 * reservations, so the order desk ships it from its queue; a shipment of zero value posts no invoice. What may
 * be replaced (products and quantities of the case's line or shipment) is the service domain's rule; it runs
 * this in its own transaction.
 */
export async function createReplacementOrderTx(
  tx: Tx,
  actor: Actor,
  input: ReplacementOrderInput,
  at: Date,
): Promise<{ id: number; number: string; lineIds: number[] }> {
  requirePermission(actor, "order:replace");
  const source = await tx
    .selectFrom("orders")
    .select(["id", "currency", "address_id", "address_snapshot"])
    .where("id", "=", input.sourceOrderId)
    .where("dealer_id", "=", input.dealerId)
    .where("number", "is not", null)
    .executeTakeFirst();
  if (!source) throw new NotFoundError();
  const lines = await prepareLines(
    tx,
    input.dealerId,
    input.lines.map((l) => ({ ...l, unitPriceMinor: 0 })),
    "submit",
    at,
  );
  if (!lines.length) throw new ValidationError("orders.noLines");
  const res = await tx
    .insertInto("orders")
    .values({
      dealer_id: input.dealerId,
      status: "draft",
      currency: source.currency,
      po_reference: input.caseNumber,
      requested_date: businessDay(at),
      address_id: source.address_id,
      address_snapshot: source.address_snapshot,
      notes: null,
      service_case_id: input.serviceCaseId,
      created_by: actor.userId,
      created_at: at,
      updated_at: at,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await moveOrderCount(tx, input.dealerId, null, { status: "draft", numbered: false });
  const { count, orderedQty } = await writeLines(tx, id, lines, at);
  const number = await allocateNumber(tx, at);
  await moveOrderCount(tx, input.dealerId, { status: "draft", numbered: false }, { status: "submitted", numbered: true });
  await tx
    .updateTable("orders")
    .set({ status: "submitted", number, submitted_at: at, total_minor: 0, line_count: count, ordered_qty: orderedQty, version: 2, updated_at: at })
    .where("id", "=", id)
    .execute();
  await syncOrderKpis(tx, id);
  const locked = await lockOrder(tx, actor, id);
  if (!locked) throw new NotFoundError();
  await recordTransition(tx, actor, locked, "draft", "submitted", at, input.caseNumber, { replacementFor: input.caseNumber });
  await approveLocked(tx, actor, locked, at);
  const written = await tx.selectFrom("order_lines").select("id").where("order_id", "=", id).orderBy("line_no").execute();
  return { id, number, lineIds: written.map((l) => l.id) };
}

// ---------------------------------------------------------------- cancel

export async function cancelOrder(actor: Actor, orderId: number, input: { version: number; note: string | null }) {
  return transaction("order.cancel", (tx) => cancelOrderTx(tx, actor, orderId, input, now()));
}

export async function cancelOrderTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; note: string | null }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "cancel", input.version);
  if (order.status === "draft") throw new ConflictError("orders.notAllowedInStatus", { status: order.status });
  // The manufacturer cancelling a dealer's held order says why: the dealer reads it in the order's history.
  if (order.status === "credit_hold" && !isDealerRole(actor.role) && !input.note)
    throw new ValidationError("creditHolds.reasonRequired", { note: ["creditHolds.reasonRequired"] });
  const lines = await tx.selectFrom("order_lines").select(["id", "product_id", "shipped_qty", "reserved_qty"]).where("order_id", "=", order.id).execute();
  if (lines.some((l) => l.shipped_qty > 0)) throw new ConflictError("orders.cannotCancelShipped");
  let released = 0;
  for (const l of lines) {
    if (l.reserved_qty > 0)
      released += await releaseLineReservations(tx, actor, {
        orderLineId: l.id,
        productId: l.product_id,
        orderRef: order.number ?? String(order.id),
        reason: "order cancelled",
      });
  }
  if (order.status === "approved") {
    await tx
      .updateTable("order_lines")
      .set({ reserved_qty: 0, backordered_qty: 0, backorder_eta: null, production_qty: 0 })
      .where("order_id", "=", order.id)
      .execute();
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
    .select([
      "id",
      "line_no",
      "product_id",
      "sku",
      "quantity",
      "shipped_qty",
      "reserved_qty",
      "backordered_qty",
      "production_qty",
      "made_to_order",
      "unit_price_minor",
      "promise_date",
    ])
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

  const seq = await tx
    .selectFrom("shipments")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("order_id", "=", order.id)
    .executeTakeFirst();
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
      await releaseLineReservations(tx, actor, {
        orderLineId: line.id,
        productId: line.product_id,
        orderRef: order.number!,
        quantity: reserved - remaining,
        reason: "shipped from another warehouse",
      });
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
    const closed = await tx
      .selectFrom("statements")
      .select("period")
      .where("dealer_id", "=", order.dealer_id)
      .where("period_end", ">=", input.shippedOn)
      .limit(1)
      .executeTakeFirst();
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
  await keepPurchaseDays(
    tx,
    order,
    input.shippedOn,
    [...wanted].map(([id, quantity]) => ({ productId: byId.get(id)!.product_id, quantity, unitPriceMinor: byId.get(id)!.unit_price_minor })),
  );
  const after = await tx.selectFrom("order_lines").select(["quantity", "shipped_qty", "promise_date"]).where("order_id", "=", order.id).execute();
  const complete = after.every((l) => l.shipped_qty >= l.quantity);
  const to: OrderStatus = complete ? "shipped" : "partially_shipped";
  await setStatus(tx, order, to, at, complete ? { shipped_at: at } : {});
  const payload = { shipment: number, shipmentId, trackingNumber: input.trackingNumber, carrier: input.carrier, valueMinor: value, invoiceEntryId: invoiceId };
  await queueWebhookEvent(tx, {
    type: "shipment.created",
    dealerId: order.dealer_id,
    occurredAt: at,
    data: {
      shipment: {
        number,
        shipped_on: input.shippedOn,
        carrier: input.carrier,
        tracking_number: input.trackingNumber,
        value_minor: value,
        currency: order.currency,
        lines: [...wanted].map(([lineId, quantity]) => ({ order_line_id: lineId, quantity })),
      },
      order: { number: order.number, status: to },
    },
  });
  // The dealer's sell-out periods whose purchase window holds the date are costed anew (decision 144).
  await restateAfterShipment(tx, order.dealer_id, input.shippedOn);
  if (to !== order.status) await recordTransition(tx, actor, order, order.status as OrderStatus, to, at, null, payload);
  else {
    // Another partial shipment: no status change, but the dealer should hear of it.
    await tx
      .insertInto("order_status_history")
      .values({ order_id: order.id, from_status: order.status, to_status: to, note: number, actor_user_id: actor.userId, created_at: at })
      .execute();
    await audit(tx, actor, { action: "order.shipment_recorded", entityType: "order", entityId: order.id, dealerId: order.dealer_id, summary: payload });
    await emitEvent(tx, actor, {
      type: "order.partially_shipped",
      entityType: "order",
      entityId: order.id,
      dealerId: order.dealer_id,
      accountManagerId: order.account_manager_id,
      payload: { number: order.number, ...payload },
    });
  }
  return { shipmentId, number, valueMinor: value, invoiceEntryId: invoiceId, status: to };
}

async function reservedOf(tx: Tx, orderLineId: number): Promise<number> {
  const r = await tx
    .selectFrom("order_line_reservations")
    .select(sql<string>`COALESCE(SUM(quantity), 0)`.as("q"))
    .where("order_line_id", "=", orderLineId)
    .executeTakeFirst();
  return Number(r?.q ?? 0);
}

// ---------------------------------------------------------------- delivery

export async function confirmDelivery(actor: Actor, orderId: number, input: { version: number; shipmentId: number }) {
  return transaction("order.confirm_delivery", (tx) => confirmDeliveryTx(tx, actor, orderId, input, now()));
}

/** The dealer confirms one shipment arrived; the order is delivered when it shipped whole and every shipment arrived. */
export async function confirmDeliveryTx(tx: Tx, actor: Actor, orderId: number, input: { version: number; shipmentId: number }, at: Date) {
  const order = await loadForChange(tx, actor, orderId, "confirm_delivery", input.version);
  const shipment = await tx
    .selectFrom("shipments")
    .select(["id", "number", "delivered_at"])
    .where("id", "=", input.shipmentId)
    .where("order_id", "=", order.id)
    .forUpdate()
    .executeTakeFirst();
  if (!shipment) throw new NotFoundError();
  if (shipment.delivered_at) throw new ConflictError("orders.alreadyDelivered");
  await tx.updateTable("shipments").set({ delivered_at: at, delivered_by: actor.userId }).where("id", "=", shipment.id).execute();
  const slines = await tx.selectFrom("shipment_lines").select(["order_line_id", "quantity"]).where("shipment_id", "=", shipment.id).execute();
  for (const sl of slines) {
    await tx
      .updateTable("order_lines")
      .set((eb) => ({ delivered_qty: eb("delivered_qty", "+", sl.quantity) }))
      .where("id", "=", sl.order_line_id)
      .execute();
  }
  const open = await tx.selectFrom("shipments").select("id").where("order_id", "=", order.id).where("delivered_at", "is", null).executeTakeFirst();
  const to: OrderStatus = order.status === "shipped" && !open ? "delivered" : (order.status as OrderStatus);
  await setStatus(tx, order, to, at, to === "delivered" ? { delivered_at: at } : {});
  if (to !== order.status) await recordTransition(tx, actor, order, order.status as OrderStatus, to, at, shipment.number, { shipment: shipment.number });
  else {
    await tx
      .insertInto("order_status_history")
      .values({
        order_id: order.id,
        from_status: order.status,
        to_status: to,
        note: `@delivered:${shipment.number}`,
        actor_user_id: actor.userId,
        created_at: at,
      })
      .execute();
    await audit(tx, actor, {
      action: "order.shipment_delivered",
      entityType: "order",
      entityId: order.id,
      dealerId: order.dealer_id,
      summary: { shipment: shipment.number },
    });
  }
  return { number: order.number!, status: to };
}

// ---------------------------------------------------------------- promise dates and backorders

export async function changePromiseDate(actor: Actor, orderId: number, input: { version: number; lineId: number | null; newDate: IsoDate; reason: string }) {
  return transaction("order.change_promise", (tx) => changePromiseDateTx(tx, actor, orderId, input, now()));
}

export async function changePromiseDateTx(
  tx: Tx,
  actor: Actor,
  orderId: number,
  input: { version: number; lineId: number | null; newDate: IsoDate; reason: string },
  at: Date,
) {
  const order = await loadForChange(tx, actor, orderId, "change_promise", input.version);
  if (input.newDate < businessDay(at)) throw new ValidationError("validation.formErrors", { newDate: ["validation.dateFuture"] });
  const changes: { lineId: number | null; old: IsoDate | null; new: IsoDate }[] = [];
  if (input.lineId !== null) {
    const line = await tx
      .selectFrom("order_lines")
      .select(["id", "promise_date", "quantity", "shipped_qty"])
      .where("id", "=", input.lineId)
      .where("order_id", "=", order.id)
      .executeTakeFirst();
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
  await recordDateChanges(tx, actor, order.id, changes, input.reason, at);
  const orderChange = changes.find((c) => c.lineId === null);
  await tx
    .updateTable("orders")
    .set({ version: order.version + 1, updated_at: at, ...(orderChange ? { promised_date: orderChange.new } : {}) })
    .where("id", "=", order.id)
    .execute();
  await syncOrderKpis(tx, order.id);
  await audit(tx, actor, {
    action: "order.promise_changed",
    entityType: "order",
    entityId: order.id,
    dealerId: order.dealer_id,
    summary: { number: order.number, changes, reason: input.reason },
  });
  await emitEvent(tx, actor, {
    type: "order.promise_changed",
    entityType: "order",
    entityId: order.id,
    dealerId: order.dealer_id,
    accountManagerId: order.account_manager_id,
    payload: { number: order.number, changes, reason: input.reason },
  });
  await queuePromiseEvent(tx, order, orderChange ? orderChange.new : order.promised_date, changes, input.reason, at);
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
    if (promise !== line.promise_date && (r.reserved > 0 || eta !== line.backorder_eta))
      changes.push({ lineId: line.id, old: line.promise_date, new: promise });
  }
  if (total === 0 && !changes.length) return { number: order.number!, reservedUnits: 0 };
  await recordDateChanges(tx, actor, order.id, changes, "@stock_available", at);
  const all = await tx.selectFrom("order_lines").select(["promise_date", "quantity", "shipped_qty"]).where("order_id", "=", order.id).execute();
  const promised = orderPromise(all);
  if (promised !== order.promised_date && promised)
    await recordDateChanges(tx, actor, order.id, [{ lineId: null, old: order.promised_date, new: promised }], "@stock_available", at);
  await tx
    .updateTable("orders")
    .set({ version: order.version + 1, updated_at: at, promised_date: promised ?? order.promised_date })
    .where("id", "=", order.id)
    .execute();
  if (changes.length || (promised && promised !== order.promised_date))
    await queuePromiseEvent(
      tx,
      order,
      promised ?? order.promised_date,
      [...changes, ...(promised && promised !== order.promised_date ? [{ lineId: null, old: order.promised_date, new: promised }] : [])],
      "@stock_available",
      at,
    );
  await audit(tx, actor, {
    action: "order.backorder_reserved",
    entityType: "order",
    entityId: order.id,
    dealerId: order.dealer_id,
    summary: { number: order.number, reservedUnits: total },
  });
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
  const ids = await tx
    .selectFrom("orders")
    .select(["id", "approved_at"])
    .where("id", "in", waiting.length ? waiting.map((w) => w.id) : [0])
    .orderBy("approved_at")
    .execute();
  let total = 0;
  for (const { id } of ids) {
    const order = await lockOrder(tx, actor, id);
    if (!order) continue;
    total += (await fillBackorders(tx, actor, order, at)).reservedUnits;
  }
  return total;
}

// What arrives in stock (receipts, found counts, stock imports) goes to these waiting orders first.
onStockArrival((tx, actor, productId) => allocateBackordersForProduct(tx, actor, productId));
