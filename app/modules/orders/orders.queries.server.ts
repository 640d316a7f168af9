/**
 * Kysely queries of the orders area. Every query that returns dealer data
 * is scoped with inDealerScope; a lookup by id or number filters by scope too,
 * so "not yours" and "not found" are the same 404.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/access.server";
import { isDealerRole } from "~/modules/auth/permissions";
import type { OrderListFilter } from "./orders.schema.server";
import { likeContains } from "~/utils/like";

/** Orders the actor may see: dealers their own (drafts included), staff only orders ever submitted. */
function ordersInScope(db: Executor, actor: Actor) {
  let q = db.selectFrom("orders as o").where(inDealerScope(actor, "o.dealer_id"));
  if (actor.kind !== "system" && !isDealerRole(actor.role)) q = q.where("o.number", "is not", null);
  return q;
}

const orderColumns = [
  "o.id",
  "o.number",
  "o.dealer_id",
  "o.status",
  "o.currency",
  "o.total_minor",
  "o.line_count",
  "o.po_reference",
  "o.requested_date",
  "o.promised_date",
  "o.address_id",
  "o.address_snapshot",
  "o.notes",
  "o.deal_id",
  "o.quote_id",
  "o.submit_key",
  "o.review_note",
  "o.version",
  "o.created_by",
  "o.submitted_at",
  "o.approved_at",
  "o.shipped_at",
  "o.delivered_at",
  "o.cancelled_at",
  "o.created_at",
  "o.updated_at",
  "o.service_case_id",
] as const;

export async function findOrder(db: Executor, actor: Actor, by: { id: number } | { number: string }) {
  let q = ordersInScope(db, actor)
    .innerJoin("organisations as d", "d.id", "o.dealer_id")
    .leftJoin("users as cu", "cu.id", "o.created_by")
    // A replacement order names its service case (same dealer, so the case is in the reader's order scope).
    .leftJoin("service_cases as rsc", "rsc.id", "o.service_case_id")
    .select(orderColumns)
    .select([
      "rsc.number as service_case_number",
      "d.name as dealer_name",
      "d.code as dealer_code",
      "d.region as dealer_region",
      "d.account_manager_id",
      "cu.name as created_by_name",
    ]);
  q = "id" in by ? q.where("o.id", "=", by.id) : q.where("o.number", "=", by.number);
  return q.executeTakeFirst();
}

/** The order row locked for a change, scoped to the actor. */
export async function lockOrder(tx: Executor, actor: Actor, id: number) {
  return ordersInScope(tx, actor)
    .innerJoin("organisations as d", "d.id", "o.dealer_id")
    .select(orderColumns)
    .select(["d.region as dealer_region", "d.account_manager_id", "d.tier as dealer_tier", "d.currency as dealer_currency"])
    .where("o.id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}
export type LockedOrder = NonNullable<Awaited<ReturnType<typeof lockOrder>>>;

export async function orderLines(db: Executor, orderId: number) {
  return db
    .selectFrom("order_lines as l")
    .innerJoin("products as p", "p.id", "l.product_id")
    .leftJoin("promotions as pr", "pr.id", "l.promotion_id")
    .select([
      "l.promotion_id",
      "l.promotion_discount_minor",
      "pr.code as promotion_code",
      "pr.mechanism as promotion_mechanism",
      "pr.rebate_bp as promotion_rebate_bp",
      "l.id",
      "l.line_no",
      "l.product_id",
      "l.sku",
      "l.quantity",
      "l.unit_price_minor",
      "l.line_total_minor",
      "l.made_to_order",
      "l.custom_options",
      "l.spec_notes",
      "l.quote_line_id",
      "l.reserved_qty",
      "l.backordered_qty",
      "l.backorder_eta",
      "l.production_qty",
      "l.promise_date",
      "l.shipped_qty",
      "l.delivered_qty",
      "p.name_en",
      "p.name_zh",
      "p.unit",
      "p.options_schema",
      "p.status as product_status",
      "p.lead_time_days",
    ])
    .where("l.order_id", "=", orderId)
    .orderBy("l.line_no")
    .execute();
}
export type OrderLineRow = Awaited<ReturnType<typeof orderLines>>[number];

export async function lineReservations(db: Executor, orderId: number) {
  return db
    .selectFrom("order_line_reservations as r")
    .innerJoin("order_lines as l", "l.id", "r.order_line_id")
    .innerJoin("warehouses as w", "w.id", "r.warehouse_id")
    .select(["r.order_line_id", "r.warehouse_id", "r.quantity", "w.code as warehouse_code", "w.name_en as warehouse_name_en", "w.name_zh as warehouse_name_zh"])
    .where("l.order_id", "=", orderId)
    .where("r.quantity", ">", 0)
    .orderBy("w.code")
    .execute();
}

export async function orderHistory(db: Executor, orderId: number) {
  return db
    .selectFrom("order_status_history as h")
    .leftJoin("users as u", "u.id", "h.actor_user_id")
    .select(["h.id", "h.from_status", "h.to_status", "h.note", "h.created_at", "u.name as actor_name", "u.role as actor_role"])
    .where("h.order_id", "=", orderId)
    .orderBy("h.created_at")
    .orderBy("h.id")
    .execute();
}

export async function orderDateChanges(db: Executor, orderId: number) {
  return db
    .selectFrom("order_date_changes as c")
    .leftJoin("users as u", "u.id", "c.actor_user_id")
    .leftJoin("order_lines as l", "l.id", "c.order_line_id")
    .select(["c.id", "c.order_line_id", "l.line_no", "l.sku", "c.old_date", "c.new_date", "c.reason", "c.created_at", "u.name as actor_name"])
    .where("c.order_id", "=", orderId)
    .orderBy("c.created_at")
    .orderBy("c.id")
    .execute();
}

export async function orderShipments(db: Executor, orderId: number) {
  const shipments = await db
    .selectFrom("shipments as s")
    .innerJoin("warehouses as w", "w.id", "s.warehouse_id")
    .leftJoin("users as cu", "cu.id", "s.created_by")
    .leftJoin("users as du", "du.id", "s.delivered_by")
    .select([
      "s.id",
      "s.number",
      "s.warehouse_id",
      "w.code as warehouse_code",
      "w.name_en as warehouse_name_en",
      "w.name_zh as warehouse_name_zh",
      "s.carrier",
      "s.tracking_number",
      "s.shipped_on",
      "s.value_minor",
      "s.delivered_at",
      "du.name as delivered_by_name",
      "cu.name as created_by_name",
      "s.created_at",
    ])
    .where("s.order_id", "=", orderId)
    .orderBy("s.shipped_on")
    .orderBy("s.created_at")
    .execute();
  const lines = shipments.length
    ? await db
        .selectFrom("shipment_lines as sl")
        .innerJoin("order_lines as l", "l.id", "sl.order_line_id")
        .select(["sl.shipment_id", "sl.order_line_id", "sl.quantity", "l.line_no", "l.sku"])
        .where(
          "sl.shipment_id",
          "in",
          shipments.map((s) => s.id),
        )
        .orderBy("l.line_no")
        .execute()
    : [];
  return shipments.map((s) => ({ ...s, lines: lines.filter((l) => l.shipment_id === s.id) }));
}

export async function orderLedgerEntries(db: Executor, orderId: number) {
  return db
    .selectFrom("ledger_entries as e")
    .leftJoin("statement_lines as sl", "sl.ledger_entry_id", "e.id")
    .select([
      "e.id",
      "e.entry_type",
      "e.amount_minor",
      "e.currency",
      "e.business_date",
      "e.due_date",
      "e.reference",
      "e.shipment_id",
      "e.description",
      "sl.statement_id",
      "sl.line_no",
    ])
    .where("e.order_id", "=", orderId)
    .orderBy("e.business_date")
    .orderBy("e.id")
    .execute();
}

/** The filtered list query (not yet selected), for the page, its count and CSV. */
/** The orders a list filter selects, on `orders` alone (what the count needs). */
export function ordersFiltered(db: Executor, actor: Actor, f: Omit<OrderListFilter, "page" | "sort" | "format">) {
  let q = ordersInScope(db, actor);
  if (f.status) q = q.where("o.status", "=", f.status);
  if (f.from) q = q.where("o.created_at", ">=", new Date(`${f.from}T00:00:00Z`));
  if (f.to) q = q.where("o.created_at", "<", new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000));
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) => eb.or([eb("o.number", "like", like), eb("o.po_reference", "like", like)]));
  }
  if (f.sku) {
    const sku = f.sku;
    q = q.where((eb) => eb.exists(eb.selectFrom("order_lines as fl").select("fl.id").whereRef("fl.order_id", "=", "o.id").where("fl.sku", "=", sku)));
  }
  if (f.dealId) q = q.where("o.deal_id", "=", f.dealId);
  if (f.dealerId) q = q.where("o.dealer_id", "=", f.dealerId);
  return q;
}

/**
 * The number of orders a list filter selects, from the maintained per-dealer counts
 * (docs/decisions/073) when the filter is only a status and/or a dealer; null when it
 * needs the orders themselves (dates, search, SKU, deal).
 */
export function orderCountFromTotals(db: Executor, actor: Actor, f: Omit<OrderListFilter, "page" | "sort" | "format">) {
  if (f.from || f.to || f.q || f.sku || f.dealId) return null;
  let q = db
    .selectFrom("dealer_order_counts as c")
    .select(sql<string>`COALESCE(SUM(c.n), 0)`.as("n"))
    .where(inDealerScope(actor, "c.dealer_id"));
  // As ordersInScope: staff never see drafts that were never submitted.
  if (actor.kind !== "system" && !isDealerRole(actor.role)) q = q.where("c.numbered", "=", 1);
  if (f.status) q = q.where("c.status", "=", f.status);
  if (f.dealerId) q = q.where("c.dealer_id", "=", f.dealerId);
  return q;
}

/** The same orders with their dealer's code and name, for the rows of a page or an export. */
export function ordersListQuery(db: Executor, actor: Actor, f: Omit<OrderListFilter, "page" | "sort" | "format">) {
  return ordersFiltered(db, actor, f).innerJoin("organisations as d", "d.id", "o.dealer_id");
}

export const listColumns = [
  "o.id",
  "o.number",
  "o.status",
  "o.dealer_id",
  "d.code as dealer_code",
  "d.name as dealer_name",
  "o.po_reference",
  "o.currency",
  "o.total_minor",
  "o.line_count",
  "o.requested_date",
  "o.promised_date",
  "o.deal_id",
  "o.quote_id",
  "o.submitted_at",
  "o.created_at",
] as const;

type ListQuery = ReturnType<typeof ordersListQuery>;

export function sortList(q: ListQuery, sort: OrderListFilter["sort"]): ListQuery {
  switch (sort) {
    case "oldest":
      return q.orderBy("o.created_at", "asc").orderBy("o.id", "asc");
    case "number":
      return q.orderBy("o.number", "desc").orderBy("o.id", "desc");
    case "total_desc":
      return q.orderBy("o.total_minor", "desc").orderBy("o.id", "desc");
    case "total_asc":
      return q.orderBy("o.total_minor", "asc").orderBy("o.id", "asc");
    case "requested":
      return q
        .orderBy(sql`o.requested_date IS NULL`)
        .orderBy("o.requested_date", "asc")
        .orderBy("o.id", "asc");
    default:
      return q.orderBy("o.created_at", "desc").orderBy("o.id", "desc");
  }
}

/** The sort key of a listed row: where the next batch of an export starts (keyset, no OFFSET). */
export type ListKey = { id: number; created_at: Date; number: string | null; total_minor: number; requested_date: string | null };

/**
 * Rows strictly after `last` in the order sortList gives: each sort is (column, id)
 * in one direction, NULLs last (MySQL puts them first ascending, hence the
 * `IS NULL` term of "requested"; descending puts them last by itself).
 */
export function afterKey(q: ListQuery, sort: OrderListFilter["sort"], last: ListKey): ListQuery {
  const after = (col: "o.created_at" | "o.number" | "o.total_minor" | "o.requested_date", dir: "asc" | "desc", value: Date | string | number | null) => {
    const ref = sql.ref(col);
    const cmp = sql.raw(dir === "asc" ? ">" : "<");
    const cmpEq = sql.raw(dir === "asc" ? ">=" : "<=");
    if (value === null) return q.where(sql<boolean>`(${ref} IS NULL AND o.id ${cmp} ${last.id})`);
    // "col ≤ v AND (col < v OR id < last)" is one index range on col (the OR form is not).
    return q.where(sql<boolean>`((${ref} ${cmpEq} ${value} AND (${ref} ${cmp} ${value} OR o.id ${cmp} ${last.id})) OR ${ref} IS NULL)`);
  };
  switch (sort) {
    case "oldest":
      return after("o.created_at", "asc", last.created_at);
    case "number":
      return after("o.number", "desc", last.number);
    case "total_desc":
      return after("o.total_minor", "desc", last.total_minor);
    case "total_asc":
      return after("o.total_minor", "asc", last.total_minor);
    case "requested":
      return after("o.requested_date", "asc", last.requested_date);
    default:
      return after("o.created_at", "desc", last.created_at);
  }
}

/** Ops queue: orders waiting in a status, oldest submission first. */
export function reviewQueueQuery(db: Executor, actor: Actor, status: "submitted" | "credit_hold") {
  return ordersInScope(db, actor).innerJoin("organisations as d", "d.id", "o.dealer_id").where("o.status", "=", status);
}

/** Orders on credit hold within the actor's scope, optionally of one dealer, with their dealer joined. */
export function creditHoldQuery(db: Executor, actor: Actor, f: { dealerId?: number } = {}) {
  let q = ordersInScope(db, actor).innerJoin("organisations as d", "d.id", "o.dealer_id").where("o.status", "=", "credit_hold");
  if (f.dealerId) q = q.where("o.dealer_id", "=", f.dealerId);
  return q;
}

/** The credit-hold queue's rows, longest held first (an order enters credit hold when it is submitted). */
export function creditHoldRows(db: Executor, actor: Actor, f: { dealerId?: number } = {}) {
  return creditHoldQuery(db, actor, f)
    .select([
      "o.id",
      "o.number",
      "o.version",
      "o.total_minor",
      "o.currency",
      "o.line_count",
      "o.po_reference",
      "o.submitted_at as held_since",
      "o.dealer_id",
      "d.code as dealer_code",
      "d.name as dealer_name",
    ])
    .orderBy("o.submitted_at", "asc")
    .orderBy("o.id", "asc");
}

/** Dealers with an order on hold (the queue's dealer filter). */
export async function creditHoldDealers(db: Executor, actor: Actor) {
  return db
    .selectFrom("organisations as od")
    .select(["od.id", "od.code", "od.name"])
    .where("od.id", "in", creditHoldQuery(db, actor).select("o.dealer_id"))
    .orderBy("od.code")
    .limit(500)
    .execute();
}

export async function dealerAddresses(db: Executor, dealerId: number, opts: { includeArchived?: boolean } = {}) {
  let q = db.selectFrom("dealer_addresses").selectAll().where("dealer_id", "=", dealerId);
  if (!opts.includeArchived) q = q.where("status", "=", "active");
  return q.orderBy("is_default", "desc").orderBy("label").execute();
}
export type AddressRow = Awaited<ReturnType<typeof dealerAddresses>>[number];
