/**
 * Reads of the dealer API (Kysely only). Every dealer row is scoped with the access module's
 * dealer-data rule, so another dealer's record is simply not found (404). Lists page with keyset
 * cursors over an explicit timestamp and the id as a tie-break, never by id recency alone.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import { inDealerScope } from "~/modules/auth/access.server";
import type { Actor } from "~/modules/auth/actor";
import { likeContains } from "~/utils/like";

export async function productsPage(db: Executor, f: { q?: string; afterSku: string | null; limit: number }) {
  let q = db
    .selectFrom("products as p")
    .select(["p.id", "p.sku", "p.updated_at"])
    .orderBy("p.sku")
    .limit(f.limit + 1);
  if (f.afterSku !== null) q = q.where("p.sku", ">", f.afterSku);
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) => eb.or([eb("p.sku", "like", like), eb("p.name_en", "like", like), eb("p.name_zh", "like", like)]));
  }
  return q.execute();
}

export async function productIdsBySku(db: Executor, skus: readonly string[]): Promise<Map<string, number>> {
  if (!skus.length) return new Map();
  const rows = await db
    .selectFrom("products")
    .select(["id", "sku"])
    .where("sku", "in", [...new Set(skus)])
    .execute();
  return new Map(rows.map((r) => [r.sku, r.id]));
}

const orderColumns = [
  "o.id",
  "o.number",
  "o.status",
  "o.dealer_id",
  "o.currency",
  "o.total_minor",
  "o.line_count",
  "o.po_reference",
  "o.requested_date",
  "o.promised_date",
  "o.address_id",
  "o.notes",
  "o.version",
  "o.submitted_at",
  "o.created_at",
  "o.updated_at",
] as const;

export async function ordersPage(
  db: Executor,
  actor: Actor,
  f: { status?: string; updatedSince?: Date; after: { at: Date; id: number } | null; limit: number },
) {
  let q = db
    .selectFrom("orders as o")
    .select(orderColumns)
    .where(inDealerScope(actor, "o.dealer_id"))
    .orderBy("o.updated_at")
    .orderBy("o.id")
    .limit(f.limit + 1);
  if (f.status) q = q.where("o.status", "=", f.status);
  if (f.updatedSince) q = q.where("o.updated_at", ">=", f.updatedSince);
  if (f.after) {
    const a = f.after;
    q = q.where((eb) => eb.or([eb("o.updated_at", ">", a.at), eb.and([eb("o.updated_at", "=", a.at), eb("o.id", ">", a.id)])]));
  }
  return q.execute();
}

export async function orderById(db: Executor, actor: Actor, id: number) {
  return db.selectFrom("orders as o").select(orderColumns).where("o.id", "=", id).where(inDealerScope(actor, "o.dealer_id")).executeTakeFirst();
}
export type OrderRow = NonNullable<Awaited<ReturnType<typeof orderById>>>;

export async function orderLinesOf(db: Executor, orderIds: readonly number[]) {
  if (!orderIds.length) return [];
  return db
    .selectFrom("order_lines")
    .select([
      "id",
      "order_id",
      "line_no",
      "sku",
      "quantity",
      "unit_price_minor",
      "line_total_minor",
      "custom_options",
      "spec_notes",
      "reserved_qty",
      "backordered_qty",
      "backorder_eta",
      "production_qty",
      "promise_date",
      "shipped_qty",
      "delivered_qty",
    ])
    .where("order_id", "in", [...orderIds])
    .orderBy("order_id")
    .orderBy("line_no")
    .execute();
}

export async function shipmentsOf(db: Executor, orderId: number) {
  const shipments = await db
    .selectFrom("shipments as s")
    .innerJoin("warehouses as w", "w.id", "s.warehouse_id")
    .select(["s.id", "s.number", "s.shipped_on", "s.carrier", "s.tracking_number", "s.value_minor", "s.delivered_at", "w.code as warehouse_code"])
    .where("s.order_id", "=", orderId)
    .orderBy("s.shipped_on")
    .orderBy("s.id")
    .execute();
  const lines = shipments.length
    ? await db
        .selectFrom("shipment_lines as sl")
        .innerJoin("order_lines as l", "l.id", "sl.order_line_id")
        .select(["sl.shipment_id", "l.line_no", "l.sku", "sl.quantity"])
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

export async function activeAddresses(db: Executor, dealerId: number) {
  return db
    .selectFrom("dealer_addresses")
    .select(["id", "label", "recipient", "phone", "province", "city", "line1", "postcode", "is_default"])
    .where("dealer_id", "=", dealerId)
    .where("status", "=", "active")
    .orderBy("is_default", "desc")
    .orderBy("label")
    .execute();
}

const statementColumns = [
  "s.id",
  "s.period",
  "s.period_start",
  "s.period_end",
  "s.status",
  "s.currency",
  "s.opening_minor",
  "s.debit_minor",
  "s.credit_minor",
  "s.closing_minor",
  "s.line_count",
  "s.issued_at",
  "s.confirm_by",
  "s.confirmed_at",
  "s.version",
] as const;

export async function statementsPage(db: Executor, actor: Actor, f: { status?: string; after: { at: Date; id: number } | null; limit: number }) {
  let q = db
    .selectFrom("statements as s")
    .select(statementColumns)
    .where(inDealerScope(actor, "s.dealer_id"))
    .orderBy("s.issued_at")
    .orderBy("s.id")
    .limit(f.limit + 1);
  if (f.status) q = q.where("s.status", "=", f.status);
  if (f.after) {
    const a = f.after;
    q = q.where((eb) => eb.or([eb("s.issued_at", ">", a.at), eb.and([eb("s.issued_at", "=", a.at), eb("s.id", ">", a.id)])]));
  }
  return q.execute();
}

export async function statementById(db: Executor, actor: Actor, id: number) {
  return db.selectFrom("statements as s").select(statementColumns).where("s.id", "=", id).where(inDealerScope(actor, "s.dealer_id")).executeTakeFirst();
}

export async function statementLinesOf(db: Executor, statementId: number) {
  return db
    .selectFrom("statement_lines as sl")
    .innerJoin("ledger_entries as e", "e.id", "sl.ledger_entry_id")
    .leftJoin("orders as o", "o.id", "e.order_id")
    .leftJoin("shipments as sh", "sh.id", "e.shipment_id")
    .select([
      "sl.id",
      "sl.line_no",
      "sl.amount_minor",
      "e.id as entry_id",
      "e.entry_type",
      "e.business_date",
      "e.due_date",
      "e.reference",
      "e.description",
      "o.number as order_number",
      "sh.number as shipment_number",
      sql<string | null>`(SELECT d.status FROM disputes d WHERE d.statement_line_id = sl.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1)`.as(
        "dispute_status",
      ),
    ])
    .where("sl.statement_id", "=", statementId)
    .orderBy("sl.line_no")
    .execute();
}

export async function ledgerPage(db: Executor, actor: Actor, f: { after: { at: Date; id: number } | null; limit: number }) {
  let q = db
    .selectFrom("ledger_entries as e")
    .leftJoin("orders as o", "o.id", "e.order_id")
    .leftJoin("shipments as sh", "sh.id", "e.shipment_id")
    .select([
      "e.id",
      "e.entry_type",
      "e.amount_minor",
      "e.currency",
      "e.business_date",
      "e.due_date",
      "e.reference",
      "e.description",
      "e.reverses_entry_id",
      "e.created_at",
      "o.number as order_number",
      "sh.number as shipment_number",
    ])
    .where(inDealerScope(actor, "e.dealer_id"))
    .orderBy("e.created_at")
    .orderBy("e.id")
    .limit(f.limit + 1);
  if (f.after) {
    const a = f.after;
    q = q.where((eb) => eb.or([eb("e.created_at", ">", a.at), eb.and([eb("e.created_at", "=", a.at), eb("e.id", ">", a.id)])]));
  }
  return q.execute();
}
