/**
 * The dealer API's domain calls (issue #25): each takes the actor first (a token actor, see
 * tokens.server.ts) and calls the same domain functions the pages call. Money is integer minor units
 * with its currency; lists page with opaque cursors (a timestamp or key and the id as a tie-break).
 * No HTTP here: app/utils/api.server.ts maps what these throw to problem documents.
 */
import { createHash } from "node:crypto";
import { db } from "../../../db/client";
import { requireAccess } from "~/modules/auth/access.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { checkAvailability, getProductPage } from "~/modules/catalog/catalog.server";
import { orderableProductsByIds } from "~/modules/catalog/pricing.server";
import { cancelOrder, confirmDelivery, createDraft, requireDealer, submitOrder } from "~/modules/orders/orders.server";
import type { DraftForm } from "~/modules/orders/orders.schema.server";
import { confirmStatement, disputeLine } from "~/modules/statements/statements.server";
import { DomainError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import type { IsoDate } from "~/utils/time";
import {
  activeAddresses,
  ledgerPage,
  orderById,
  orderLinesOf,
  ordersPage,
  productIdsBySku,
  productsPage,
  shipmentsOf,
  statementById,
  statementLinesOf,
  statementsPage,
  type OrderRow,
} from "./api.queries.server";
import type { CreateOrderInput } from "./api.schema.server";

// ---------------------------------------------------------------- cursors

/** An opaque cursor: base64url of a small JSON array. A cursor that does not decode is a 422 on `cursor`. */
function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

function badCursor(): ValidationError {
  return new ValidationError("validation.formErrors", { cursor: ["api.cursorInvalid"] });
}

function decodeCursor(cursor: string | undefined): unknown[] | null {
  if (cursor === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(v)) throw badCursor();
    return v;
  } catch {
    throw badCursor();
  }
}

function timeCursor(cursor: string | undefined): { at: Date; id: number } | null {
  const v = decodeCursor(cursor);
  if (v === null) return null;
  const [at, id] = v;
  if (typeof at !== "string" || typeof id !== "number" || !Number.isSafeInteger(id) || Number.isNaN(Date.parse(at))) throw badCursor();
  return { at: new Date(at), id };
}

function page<T>(rows: T[], limit: number, next: (last: T) => string) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more && items.length ? next(items[items.length - 1]!) : null };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Field errors of a domain call renamed to the API's field paths (productId → sku, opt → options, amount → amountMinor). */
function renamedFields(err: unknown, rename: (field: string) => string): never {
  if (err instanceof DomainError && err.fieldErrors) {
    const fe: FieldErrors = {};
    for (const [k, v] of Object.entries(err.fieldErrors)) fe[rename(k)] = v;
    err.fieldErrors = fe;
  }
  throw err;
}

// ---------------------------------------------------------------- catalog and stock

export async function apiProducts(actor: Actor, f: { q?: string; cursor?: string; limit: number }) {
  requirePermission(actor, "catalog:read");
  const dealerId = requireDealerOf(actor);
  const after = decodeCursor(f.cursor);
  if (after !== null && (after.length !== 1 || typeof after[0] !== "string")) throw badCursor();
  const rows = await productsPage(db, { q: f.q, afterSku: (after?.[0] as string | undefined) ?? null, limit: f.limit });
  const p = page(rows, f.limit, (last) => encodeCursor([last.sku]));
  const priced = await orderableProductsByIds(
    db,
    dealerId,
    p.items.map((r) => r.id),
  );
  return {
    items: p.items.flatMap((r) => {
      const x = priced.get(r.id);
      if (!x) return [];
      return [
        {
          id: x.id,
          sku: x.sku,
          nameEn: x.nameEn,
          nameZh: x.nameZh,
          unit: x.unit,
          status: x.status,
          madeToOrder: x.madeToOrder,
          leadTimeDays: x.leadTimeDays,
          options: x.optionsSchema,
          price: { amountMinor: x.priceMinor, currency: x.currency },
          listPrice: { amountMinor: x.listPriceMinor, currency: x.currency },
          available: x.available,
          updatedAt: r.updated_at.toISOString(),
        },
      ];
    }),
    nextCursor: p.nextCursor,
  };
}

function requireDealerOf(actor: Actor): number {
  if (actor.dealerId === null) throw new NotFoundError();
  return actor.dealerId;
}

/** Stock of one product per warehouse (nearest the dealer's region first), incoming, the earliest promise date. */
export async function apiStock(actor: Actor, sku: string) {
  const p = await getProductPage(actor, sku);
  const currency = p.product.currency;
  return {
    sku: p.product.sku,
    nameEn: p.product.name_en,
    nameZh: p.product.name_zh,
    unit: p.product.unit,
    madeToOrder: p.product.made_to_order,
    price: { amountMinor: p.pricing.kind === "dealer" ? p.pricing.price : p.product.list_price_minor, currency },
    available: p.available,
    promiseDate: p.promiseDate,
    warehouses: p.warehouses.map((w) => ({
      code: w.code,
      nameEn: w.nameEn,
      nameZh: w.nameZh,
      region: w.region,
      available: w.available,
      incoming: w.incoming.map((i) => ({ quantity: i.quantity, eta: i.eta })),
    })),
  };
}

/** "N by D near R": per warehouse how many ship now, when incoming arrives, and the promise date for the rest. */
export async function apiAvailability(actor: Actor, input: { sku: string; quantity: number; neededBy?: IsoDate; region?: string }) {
  const r = await checkAvailability(actor, {
    sku: input.sku,
    quantity: input.quantity,
    neededBy: input.neededBy ?? null,
    region: input.region as Parameters<typeof checkAvailability>[1]["region"],
  }).catch((err: unknown) => renamedFields(err, (f) => f));
  return {
    sku: r.product.sku,
    quantity: input.quantity,
    neededBy: input.neededBy ?? null,
    region: r.region,
    quantityFits: r.quantityFits,
    quantityMultiple: r.quantityMultiple,
    minQuantity: r.minQuantity,
    shipNow: r.plan.shipNow,
    byEta: r.plan.byEta.map((b) => ({ quantity: b.quantity, date: b.date, warehouseCode: b.warehouseCode })),
    rest: { quantity: r.plan.rest.quantity, date: r.plan.rest.date },
    fullDate: r.plan.fullDate,
    byNeededDate: r.plan.byNeededDate,
    meetsNeededBy: r.plan.meetsNeededBy,
    warehouses: r.plan.warehouses.map((w) => ({
      code: w.code,
      nameEn: w.nameEn,
      nameZh: w.nameZh,
      region: w.region,
      available: w.available,
      shipNow: w.shipNow,
      byEta: w.byEta.map((b) => ({ quantity: b.quantity, date: b.date })),
    })),
  };
}

// ---------------------------------------------------------------- orders

function lineView(l: Awaited<ReturnType<typeof orderLinesOf>>[number], currency: string) {
  return {
    lineNo: l.line_no,
    sku: l.sku,
    quantity: l.quantity,
    unitPrice: { amountMinor: l.unit_price_minor, currency },
    lineTotal: { amountMinor: l.line_total_minor, currency },
    options: l.custom_options ? (JSON.parse(l.custom_options) as Record<string, string | number>) : {},
    specNotes: l.spec_notes,
    reservedQty: l.reserved_qty,
    backorderedQty: l.backordered_qty,
    backorderEta: l.backorder_eta,
    productionQty: l.production_qty,
    promiseDate: l.promise_date,
    shippedQty: l.shipped_qty,
    deliveredQty: l.delivered_qty,
  };
}

function orderSummary(o: OrderRow) {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    total: { amountMinor: o.total_minor, currency: o.currency },
    lineCount: o.line_count,
    poReference: o.po_reference,
    requestedDate: o.requested_date,
    promisedDate: o.promised_date,
    version: o.version,
    submittedAt: iso(o.submitted_at),
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export async function apiListOrders(actor: Actor, f: { status?: string; updatedSince?: Date; cursor?: string; limit: number }) {
  requirePermission(actor, "order:read");
  const rows = await ordersPage(db, actor, { status: f.status, updatedSince: f.updatedSince, after: timeCursor(f.cursor), limit: f.limit });
  const p = page(rows, f.limit, (last) => encodeCursor([last.updated_at.toISOString(), last.id]));
  return { items: p.items.map(orderSummary), nextCursor: p.nextCursor };
}

export async function apiGetOrder(actor: Actor, id: number) {
  const o = await orderById(db, actor, id);
  if (!o) throw new NotFoundError();
  requireAccess(actor, "order:read");
  const [lines, shipments] = await Promise.all([orderLinesOf(db, [o.id]), shipmentsOf(db, o.id)]);
  return {
    ...orderSummary(o),
    addressId: o.address_id,
    notes: o.notes,
    lines: lines.map((l) => lineView(l, o.currency)),
    shipments: shipments.map((s) => ({
      id: s.id,
      number: s.number,
      shippedOn: s.shipped_on,
      warehouse: s.warehouse_code,
      carrier: s.carrier,
      trackingNumber: s.tracking_number,
      value: { amountMinor: s.value_minor, currency: o.currency },
      deliveredAt: iso(s.delivered_at),
      lines: s.lines.map((l) => ({ lineNo: l.line_no, sku: l.sku, quantity: l.quantity })),
    })),
  };
}

export async function apiAddresses(actor: Actor) {
  requirePermission(actor, "order:read");
  const rows = await activeAddresses(db, requireDealerOf(actor));
  return {
    items: rows.map((a) => ({
      id: a.id,
      label: a.label,
      recipient: a.recipient,
      phone: a.phone,
      province: a.province,
      city: a.city,
      line1: a.line1,
      postcode: a.postcode,
      isDefault: a.is_default === 1,
    })),
  };
}

/** The request's body as the hash an Idempotency-Key is bound to (canonical JSON of the parsed input). */
function bodyHash(what: string, input: unknown): string {
  return createHash("sha256")
    .update(`${what}\n${JSON.stringify(input)}`)
    .digest("hex");
}

function apiFieldName(field: string): string {
  const m = /^lines\.(\d+)\.(productId|opt)(\.(.*))?$/.exec(field);
  if (!m) return field;
  return m[2] === "productId" ? `lines.${m[1]}.sku` : `lines.${m[1]}.options${m[3] ?? ""}`;
}

async function formOf(input: CreateOrderInput): Promise<DraftForm> {
  const ids = await productIdsBySku(
    db,
    input.lines.map((l) => l.sku),
  );
  const errors: FieldErrors = {};
  input.lines.forEach((l, i) => {
    if (!ids.has(l.sku)) errors[`lines.${i}.sku`] = ["orders.productUnknown"];
  });
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors);
  return {
    addressId: input.addressId ?? null,
    requestedDate: input.requestedDate ?? null,
    poReference: input.poReference,
    notes: input.notes ?? null,
    lines: input.lines.map((l) => ({
      lineId: null,
      productId: ids.get(l.sku)!,
      quantity: l.quantity,
      specNotes: l.specNotes ?? null,
      options: Object.fromEntries(Object.entries(l.options).map(([k, v]) => [k, String(v)])),
    })),
  };
}

export type OrderWrite = { order: Awaited<ReturnType<typeof apiGetOrder>>; created: boolean };

/**
 * Creates a draft, or (submit: true) creates and submits the order in one step under the
 * Idempotency-Key: the same key and body return the order made the first time; the same key with another
 * body is refused (IdempotencyMismatch).
 */
export async function apiCreateOrder(actor: Actor, input: CreateOrderInput, idempotencyKey: string | null): Promise<OrderWrite> {
  requireDealer(actor);
  const form = await formOf(input);
  if (!input.submit) {
    const d = await createDraftFromForm(actor, form);
    return { order: await apiGetOrder(actor, d.id), created: true };
  }
  if (!idempotencyKey) throw new ValidationError("validation.formErrors", { "header:Idempotency-Key": ["api.idempotencyKeyRequired"] });
  const hash = bodyHash("create", input);
  const r = await submitOrder(actor, { orderId: null, submitKey: `api:${idempotencyKey}`, form, bodyHash: hash }).catch((err: unknown) =>
    renamedFields(err, apiFieldName),
  );
  if (r.duplicate && r.bodyHash !== hash) throw new IdempotencyMismatch();
  return { order: await apiGetOrder(actor, r.id), created: !r.duplicate };
}

async function createDraftFromForm(actor: Actor, form: DraftForm) {
  return createDraft(actor, {
    addressId: form.addressId,
    requestedDate: form.requestedDate,
    poReference: form.poReference,
    notes: form.notes,
    lines: form.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, options: l.options, specNotes: l.specNotes })),
  }).catch((err: unknown) => renamedFields(err, apiFieldName));
}

/** The same Idempotency-Key was used before with another request body (422). */
class IdempotencyMismatch extends DomainError {
  constructor() {
    super(422, "api.idempotencyKeyReused");
  }
}

/** Submits a draft under the Idempotency-Key (the same key again returns the submitted order). */
export async function apiSubmitOrder(actor: Actor, id: number, input: { version?: number }, idempotencyKey: string | null): Promise<OrderWrite> {
  requireDealer(actor);
  if (!idempotencyKey) throw new ValidationError("validation.formErrors", { "header:Idempotency-Key": ["api.idempotencyKeyRequired"] });
  const hash = bodyHash(`submit ${id}`, input);
  const existing = await orderById(db, actor, id);
  if (!existing) throw new NotFoundError();
  const r = await submitOrder(actor, { orderId: id, submitKey: `api:${idempotencyKey}`, version: input.version, bodyHash: hash }).catch((err: unknown) =>
    renamedFields(err, apiFieldName),
  );
  if (r.duplicate && r.bodyHash !== null && r.bodyHash !== hash) throw new IdempotencyMismatch();
  return { order: await apiGetOrder(actor, r.id), created: !r.duplicate };
}

export async function apiCancelOrder(actor: Actor, id: number, input: { version: number; note?: string | null }) {
  if (!(await orderById(db, actor, id))) throw new NotFoundError();
  await cancelOrder(actor, id, { version: input.version, note: input.note ?? null });
  return apiGetOrder(actor, id);
}

export async function apiConfirmDelivery(actor: Actor, id: number, shipmentId: number, input: { version: number }) {
  if (!(await orderById(db, actor, id))) throw new NotFoundError();
  await confirmDelivery(actor, id, { version: input.version, shipmentId });
  return apiGetOrder(actor, id);
}

// ---------------------------------------------------------------- statements and ledger

function statementSummary(s: NonNullable<Awaited<ReturnType<typeof statementById>>>) {
  const m = (v: number) => ({ amountMinor: v, currency: s.currency });
  return {
    id: s.id,
    period: s.period,
    periodStart: s.period_start,
    periodEnd: s.period_end,
    status: s.status,
    opening: m(s.opening_minor),
    debit: m(s.debit_minor),
    credit: m(s.credit_minor),
    closing: m(s.closing_minor),
    lineCount: s.line_count,
    issuedAt: s.issued_at.toISOString(),
    confirmBy: s.confirm_by,
    confirmedAt: iso(s.confirmed_at),
    version: s.version,
  };
}

export async function apiListStatements(actor: Actor, f: { status?: string; cursor?: string; limit: number }) {
  requirePermission(actor, "ledger:read");
  const rows = await statementsPage(db, actor, { status: f.status, after: timeCursor(f.cursor), limit: f.limit });
  const p = page(rows, f.limit, (last) => encodeCursor([last.issued_at.toISOString(), last.id]));
  return { items: p.items.map(statementSummary), nextCursor: p.nextCursor };
}

export async function apiGetStatement(actor: Actor, id: number) {
  const s = await statementById(db, actor, id);
  if (!s) throw new NotFoundError();
  requirePermission(actor, "ledger:read");
  const lines = await statementLinesOf(db, s.id);
  return {
    ...statementSummary(s),
    lines: lines.map((l) => ({
      id: l.id,
      lineNo: l.line_no,
      amount: { amountMinor: l.amount_minor, currency: s.currency },
      entryId: l.entry_id,
      entryType: l.entry_type,
      businessDate: l.business_date,
      dueDate: l.due_date,
      reference: l.reference,
      description: l.description,
      orderNumber: l.order_number,
      shipmentNumber: l.shipment_number,
      disputeStatus: l.dispute_status,
    })),
  };
}

export async function apiConfirmStatement(actor: Actor, id: number, input: { version: number }) {
  await confirmStatement(actor, id, input);
  return apiGetStatement(actor, id);
}

export async function apiDisputeLine(actor: Actor, id: number, lineId: number, input: { reasonCode: string; amountMinor: number; comment?: string | null }) {
  await disputeLine(actor, id, {
    lineId,
    reasonCode: input.reasonCode as Parameters<typeof disputeLine>[2]["reasonCode"],
    amount: input.amountMinor,
    comment: input.comment ?? null,
  }).catch((err: unknown) => renamedFields(err, (f) => (f === "amount" ? "amountMinor" : f)));
  return apiGetStatement(actor, id);
}

export async function apiLedger(actor: Actor, f: { cursor?: string; limit: number }) {
  requirePermission(actor, "ledger:read");
  const rows = await ledgerPage(db, actor, { after: timeCursor(f.cursor), limit: f.limit });
  const p = page(rows, f.limit, (last) => encodeCursor([last.created_at.toISOString(), last.id]));
  return {
    items: p.items.map((e) => ({
      id: e.id,
      entryType: e.entry_type,
      amount: { amountMinor: e.amount_minor, currency: e.currency },
      businessDate: e.business_date,
      dueDate: e.due_date,
      reference: e.reference,
      description: e.description,
      reversesEntryId: e.reverses_entry_id,
      orderNumber: e.order_number,
      shipmentNumber: e.shipment_number,
      createdAt: e.created_at.toISOString(),
    })),
    nextCursor: p.nextCursor,
  };
}
