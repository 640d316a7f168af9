/**
 * Orders as pages show them: the order list and its CSV, the review and credit-hold queues,
 * the tracking page (with what the actor may do), the builder page and links to an order from
 * other pages. Reads only; the commands are in orders.server.ts.
 */
import { sql } from "kysely";
import { db } from "../../../db/client";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/access.server";
import { isDealerRole } from "~/modules/auth/permissions";
import { statementLineHref } from "~/modules/statements/statements.schema";
import { isOrderable, orderableProductsByIds, searchOrderableProducts, type OrderableProduct } from "~/modules/catalog/pricing.server";
import type { OptionsSchema } from "~/modules/catalog/options.server";
import { creditPosition, creditPositions } from "~/modules/ledger/credit.server";
import { activeWarehouses } from "~/modules/stock/allocation.server";
import { env } from "~/utils/env.server";
import { minorToDecimal } from "~/utils/money";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { now, toBusinessDate } from "~/utils/time";
import {
  afterKey,
  creditHoldDealers,
  creditHoldQuery,
  creditHoldRows,
  dealerAddresses,
  findOrder,
  lineReservations,
  listColumns,
  orderCountFromTotals,
  orderDateChanges,
  orderHistory,
  orderLedgerEntries,
  orderLines,
  orderShipments,
  ordersFiltered,
  ordersListQuery,
  reviewQueueQuery,
  sortList,
  type ListKey,
} from "./orders.queries.server";
import { defaultQuantity } from "./orders.forms.server";
import { offersFor } from "~/modules/promotions/promotions.server";
import { requireDealer } from "./orders.server";
import { PAGE_SIZE } from "./orders.schema";
import { type CreditHoldFilter, type OrderListFilter } from "./orders.schema.server";
import { actionPermissions, type OrderAction, type OrderStatus } from "./state";

const businessDay = (at: Date) => toBusinessDate(at, env().BUSINESS_TZ);

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

export const ORDER_CSV_HEADER = [
  "number",
  "status",
  "dealer_code",
  "dealer_name",
  "po_reference",
  "currency",
  "total",
  "lines",
  "requested_date",
  "promised_date",
  "deal_id",
  "quote_id",
  "submitted_at",
  "created_at",
];

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
    const rows = await sortList(last ? afterKey(base, filter.sort, last) : base, filter.sort)
      .select(listColumns)
      .limit(batchSize)
      .execute();
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
      .select([
        "o.id",
        "o.number",
        "o.status",
        "o.version",
        "o.total_minor",
        "o.currency",
        "o.line_count",
        "o.requested_date",
        "o.submitted_at",
        "o.po_reference",
        "d.code as dealer_code",
        "d.name as dealer_name",
      ])
      .select(sql<number>`(SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id AND l.made_to_order = 1)`.as("custom_lines"))
      .orderBy("o.submitted_at", "asc")
      .orderBy("o.id", "asc")
      .limit(PAGE_SIZE)
      .offset((p.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, custom_lines: Number(r.custom_lines) })),
    total: Number(total?.n ?? 0),
    page: p.page,
    pageSize: PAGE_SIZE,
    now: now().toISOString(),
  };
}

export async function* exportReviewQueue(actor: Actor, p: { status: "submitted" | "credit_hold" }) {
  requirePermission(actor, "order:review");
  const rows = await reviewQueueQuery(db, actor, p.status)
    .select([
      "o.number",
      "o.status",
      "o.total_minor",
      "o.currency",
      "o.line_count",
      "o.requested_date",
      "o.submitted_at",
      "d.code as dealer_code",
      "d.name as dealer_name",
    ])
    .orderBy("o.submitted_at", "asc")
    .execute();
  const t = now().getTime();
  yield rows.map((r) => [
    r.number ?? "",
    r.status,
    r.dealer_code,
    r.dealer_name,
    r.currency,
    minorToDecimal(r.total_minor, r.currency),
    r.line_count,
    r.requested_date ?? "",
    r.submitted_at?.toISOString() ?? "",
    r.submitted_at ? Math.floor((t - r.submitted_at.getTime()) / 3_600_000) : "",
  ]);
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
    creditHoldRows(db, actor, f)
      .limit(PAGE_SIZE)
      .offset((f.page - 1) * PAGE_SIZE)
      .execute(),
    creditHoldQuery(db, actor, f)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
    creditHoldDealers(db, actor),
  ]);
  return { rows: await withCredit(rows), total: Number(total?.n ?? 0), page: f.page, pageSize: PAGE_SIZE, dealers, now: now().toISOString() };
}

export const CREDIT_HOLD_CSV_HEADER = [
  "number",
  "dealer_code",
  "dealer_name",
  "po_reference",
  "currency",
  "order_total",
  "credit_limit",
  "balance",
  "open_orders",
  "available_credit",
  "over_by",
  "held_since",
  "hours_held",
];

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
        href:
          e.statement_id !== null && e.line_no !== null
            ? statementLineHref(e.statement_id, e.line_no)
            : can(actor, "ledger:post")
              ? `/finance/ledger/entries/${e.id}`
              : null,
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
  const credit =
    status === "credit_hold" && (isDealerRole(actor.role) || can(actor, "credit:release"))
      ? await creditPosition(db, order.dealer_id, { excludeOrderId: order.id })
      : null;
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
    // A replacement at no charge links back to its service case (for those who read cases; the order desk sees the number).
    serviceCase:
      order.service_case_id !== null
        ? { number: order.service_case_number ?? "", href: can(actor, "service:read") ? `/service/${order.service_case_id}` : null }
        : null,
    today: businessDay(now()),
  };
}

/** Free stock per warehouse per product ({ [warehouseId]: { [productId]: free } }), for the shipment form. */
async function freeStockForLines(productIds: number[]) {
  const out: Record<number, Record<number, number>> = {};
  if (!productIds.length) return out;
  const rows = await db
    .selectFrom("stock_levels")
    .select(["warehouse_id", "product_id", "on_hand", "reserved"])
    .where("product_id", "in", [...new Set(productIds)])
    .execute();
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
  /** The promotion the line gets on today's prices (decision 141): announced on the line, recorded when saved. */
  promotion: LinePromotion | null;
};

export type LinePromotion = { id: number; code: string; mechanism: string; discountMinor: number; rebateBp: number | null };

/** The promotions the dealer's catalog-priced products get today: product id → what the line shows. */
async function promotionsToday(dealerId: number, products: OrderableProduct[]): Promise<Map<number, LinePromotion>> {
  const offers = await offersFor(db, dealerId, businessDay(now()), products);
  return new Map(
    [...offers].map(([id, o]) => [id, { id: o.promotionId, code: o.code, mechanism: o.mechanism, discountMinor: o.discountMinor, rebateBp: o.rebateBp }]),
  );
}

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
  const promos = await promotionsToday(dealerId, [...products.values()]);
  const out: DisplayLine[] = [];
  for (const l of raw) {
    const p = products.get(Number(l.productId));
    if (!p) {
      // Keep the position so errors keyed by line index still point at the right row.
      out.push({
        lineId: null,
        productId: Number(l.productId) || 0,
        sku: "?",
        nameEn: "?",
        nameZh: "?",
        unit: "",
        madeToOrder: false,
        leadTimeDays: null,
        optionsSchema: null,
        unitPriceMinor: 0,
        fixedPrice: false,
        quantity: String(l.quantity ?? ""),
        lineTotalMinor: null,
        options: {},
        specNotes: "",
        available: 0,
        productStatus: "unknown",
        promotion: null,
      });
      continue;
    }
    const lineId = Number(l.lineId) || null;
    const f = lineId ? fixed.get(lineId) : undefined;
    const q = f && f.product_id === p.id ? f : undefined;
    const quantity = q ? String(q.quantity) : String(l.quantity ?? "");
    const promotion = q ? null : (promos.get(p.id) ?? null);
    const unit = q ? q.unit_price_minor : p.priceMinor - (promotion?.discountMinor ?? 0);
    const n = /^\d{1,9}$/.test(quantity) ? Number(quantity) : null;
    out.push(
      displayOf(p, {
        lineId,
        quantity,
        unitPriceMinor: unit,
        fixedPrice: !!q,
        lineTotalMinor: n ? n * unit : null,
        options: stringRecord(l.options),
        specNotes: typeof l.specNotes === "string" ? l.specNotes : "",
        promotion,
      }),
    );
  }
  if (addProductId) {
    const p = products.get(addProductId);
    if (p && isOrderable(p)) {
      const qty = defaultQuantity(p);
      const promotion = promos.get(p.id) ?? null;
      const unit = p.priceMinor - (promotion?.discountMinor ?? 0);
      out.push(
        displayOf(p, {
          lineId: null,
          quantity: String(qty),
          unitPriceMinor: unit,
          fixedPrice: false,
          lineTotalMinor: qty * unit,
          options: {},
          specNotes: "",
          promotion,
        }),
      );
    }
  }
  return out;
}

function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object") return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x ?? "")]));
}

function displayOf(
  p: OrderableProduct,
  l: Pick<DisplayLine, "lineId" | "quantity" | "unitPriceMinor" | "fixedPrice" | "lineTotalMinor" | "options" | "specNotes" | "promotion">,
): DisplayLine {
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
  let order: {
    id: number;
    number: string | null;
    version: number;
    address_id: number | null;
    requested_date: string | null;
    po_reference: string;
    notes: string | null;
    review_note: string | null;
    deal_id: number | null;
    quote_id: number | null;
    currency: string;
  } | null = null;
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
    const promos = await promotionsToday(dealerId, [...products.values()]);
    lines = rows.flatMap((r) => {
      const prod = products.get(r.product_id);
      if (!prod) return [];
      const fixedPrice = r.quote_line_id !== null;
      const promotion = fixedPrice ? null : (promos.get(prod.id) ?? null);
      const unit = fixedPrice ? r.unit_price_minor : prod.priceMinor - (promotion?.discountMinor ?? 0);
      return [
        displayOf(prod, {
          lineId: r.id,
          quantity: String(r.quantity),
          unitPriceMinor: unit,
          fixedPrice,
          lineTotalMinor: unit * r.quantity,
          options: stringRecord(parseJson(r.custom_options)),
          specNotes: r.spec_notes ?? "",
          promotion,
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
  const visible =
    can(actor, "order:read") &&
    (await db.selectFrom("orders").select("id").where("id", "=", orderId).where(inDealerScope(actor, "dealer_id")).executeTakeFirst()) !== undefined;
  let href: string | null = null;
  if (visible && o.number) href = `/orders/${encodeURIComponent(o.number)}`;
  else if (visible && o.status === "draft" && can(actor, "order:create") && actor.dealerId === o.dealer_id) href = `/orders/drafts/${o.id}`;
  return { id: o.id, number: o.number, status: o.status, href };
}

// ---------------------------------------------------------------- documents (order confirmation, delivery note)

/**
 * What the order confirmation shows (print page and PDF): the order, its dealer, its delivery address and its lines.
 * The same reader as the order page: `order:read`, and an order outside the actor's scope is a 404.
 */
export async function getOrderConfirmation(actor: Actor, number: string) {
  requireRead(actor);
  const order = await findOrder(db, actor, { number });
  if (!order || order.number === null) throw new NotFoundError();
  const lines = await orderLines(db, order.id);
  return {
    order: { ...documentOrder(order), address: parseJson<AddressSnapshot>(order.address_snapshot) },
    lines: lines.map((l) => ({
      id: l.id,
      line_no: l.line_no,
      sku: l.sku,
      name_en: l.name_en,
      name_zh: l.name_zh,
      unit: l.unit,
      quantity: l.quantity,
      unit_price_minor: l.unit_price_minor,
      line_total_minor: l.line_total_minor,
      spec_notes: l.spec_notes,
      options: parseJson<Record<string, string | number>>(l.custom_options) ?? {},
    })),
  };
}

/**
 * One shipment of an order as its delivery note: the order's head, the delivery address, and what left in that
 * shipment (lines and quantities, no prices). A shipment of another order, or of an order outside the scope, is a 404.
 */
export async function getDeliveryNote(actor: Actor, number: string, shipmentId: number) {
  requireRead(actor);
  const order = await findOrder(db, actor, { number });
  if (!order || order.number === null) throw new NotFoundError();
  const shipment = (await orderShipments(db, order.id)).find((s) => s.id === shipmentId);
  if (!shipment) throw new NotFoundError();
  const lines = await orderLines(db, order.id);
  const byId = new Map(lines.map((l) => [l.id, l]));
  return {
    order: { ...documentOrder(order), address: parseJson<AddressSnapshot>(order.address_snapshot) },
    shipment: {
      id: shipment.id,
      number: shipment.number,
      shipped_on: shipment.shipped_on,
      carrier: shipment.carrier,
      tracking_number: shipment.tracking_number,
      warehouse_code: shipment.warehouse_code,
      warehouse_name_en: shipment.warehouse_name_en,
      warehouse_name_zh: shipment.warehouse_name_zh,
      delivered_at: shipment.delivered_at,
      delivered_by_name: shipment.delivered_by_name,
    },
    lines: shipment.lines.map((sl) => {
      const l = byId.get(sl.order_line_id);
      return {
        line_no: sl.line_no,
        sku: sl.sku,
        name_en: l?.name_en ?? "",
        name_zh: l?.name_zh ?? "",
        unit: l?.unit ?? "",
        ordered: l?.quantity ?? 0,
        quantity: sl.quantity,
      };
    }),
  };
}

function documentOrder(order: NonNullable<Awaited<ReturnType<typeof findOrder>>>) {
  return {
    id: order.id,
    number: order.number!,
    dealer_id: order.dealer_id,
    dealer_code: order.dealer_code,
    dealer_name: order.dealer_name,
    status: order.status as OrderStatus,
    currency: order.currency,
    total_minor: order.total_minor,
    po_reference: order.po_reference,
    requested_date: order.requested_date,
    promised_date: order.promised_date,
    notes: order.notes,
    quote_id: order.quote_id,
    submitted_at: order.submitted_at,
    approved_at: order.approved_at,
    created_by_name: order.created_by_name,
  };
}
