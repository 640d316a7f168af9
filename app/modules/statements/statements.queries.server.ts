/** Kysely queries for statements and disputes; every dealer-data query is scoped to the actor. */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/access.server";
import { STATEMENT_LINES_PAGE_SIZE } from "./statements.schema";
import { type DisputeListFilter, type StatementListFilter } from "./statements.schema.server";

export const PAGE_SIZE = 25;

export function statementsQuery(db: Executor, actor: Actor, f: Omit<StatementListFilter, "page" | "format">, today: string) {
  let q = db.selectFrom("statements as s").innerJoin("organisations as o", "o.id", "s.dealer_id").where(inDealerScope(actor, "s.dealer_id"));
  if (f.period) q = q.where("s.period", "=", f.period);
  if (f.dealerId) q = q.where("s.dealer_id", "=", f.dealerId);
  if (f.status === "overdue") q = q.where("s.status", "=", "issued").where("s.confirm_by", "<", today);
  else if (f.status) q = q.where("s.status", "=", f.status);
  return q;
}

export const statementColumns = [
  "s.id",
  "s.dealer_id",
  "s.period",
  "s.period_start",
  "s.period_end",
  "s.currency",
  "s.opening_minor",
  "s.debit_minor",
  "s.credit_minor",
  "s.closing_minor",
  "s.line_count",
  "s.status",
  "s.issued_at",
  "s.confirm_by",
  "s.confirmed_at",
  "s.confirmed_by",
  "s.confirmed_closing_minor",
  "s.resolved_at",
  "s.version",
  "o.code as dealer_code",
  "o.name as dealer_name",
] as const;

export async function findStatement(db: Executor, actor: Actor, id: number) {
  return db
    .selectFrom("statements as s")
    .innerJoin("organisations as o", "o.id", "s.dealer_id")
    .leftJoin("users as cu", "cu.id", "s.confirmed_by")
    .select([...statementColumns, "cu.name as confirmed_by_name"])
    .where("s.id", "=", id)
    .where(inDealerScope(actor, "s.dealer_id"))
    .executeTakeFirst();
}

/** What a statement line shows on the page: the line, its entry's date/type/links, and its dispute. */
const lineColumns = [
  "l.id",
  "l.line_no",
  "l.amount_minor",
  "l.cumulative_minor",
  "e.entry_type",
  "e.business_date",
  "e.due_date",
  "e.description",
  "e.description_key",
  "e.description_params",
  "e.reference",
  "e.reverses_entry_id",
  "e.dispute_id as source_dispute_id",
  "e.fee_type_code",
  "ft.name_en as fee_name_en",
  "ft.name_zh as fee_name_zh",
  "ord.number as order_number",
  "e.shipment_id",
  "sh.number as shipment_number",
  "d.id as dispute_id",
  "d.status as dispute_status",
  "d.reason_code as dispute_reason",
  "d.amount_minor as dispute_amount_minor",
  "d.resolution_note as dispute_resolution_note",
] as const;

export const LINES_PAGE_SIZE = STATEMENT_LINES_PAGE_SIZE;

/**
 * Lines of a statement with what they link to (order, shipment, fee type, dispute, reversal), by line number:
 * every line (CSV, print), or one window of them (the page: `offset`/`limit`), optionally only disputed lines.
 * The window walks uq_sl_no (statement_id, line_no), so a page costs its own rows, not the statement's.
 */
/**
 * A statement's lines in line order. `cumulative_minor` is the sum of the amounts of every line up to and
 * including this one (over the whole statement, whatever the page or filter), so the running balance of a
 * line is the opening balance plus it.
 */
export async function statementLines(db: Executor, statementId: number, opts: { offset?: number; limit?: number; disputedOnly?: boolean } = {}) {
  let q = db
    .selectFrom((eb) =>
      eb
        .selectFrom("statement_lines")
        .select([
          "id",
          "statement_id",
          "line_no",
          "ledger_entry_id",
          "amount_minor",
          sql<string>`SUM(amount_minor) OVER (ORDER BY line_no)`.as("cumulative_minor"),
        ])
        .where("statement_id", "=", statementId)
        .as("l"),
    )
    .innerJoin("ledger_entries as e", "e.id", "l.ledger_entry_id")
    .leftJoin("orders as ord", "ord.id", "e.order_id")
    .leftJoin("shipments as sh", "sh.id", "e.shipment_id")
    .leftJoin("fee_types as ft", "ft.code", "e.fee_type_code")
    .leftJoin("disputes as d", "d.statement_line_id", "l.id")
    .select(lineColumns)
    .where("l.statement_id", "=", statementId)
    .orderBy("l.line_no");
  if (opts.disputedOnly) q = q.where("d.id", "is not", null);
  if (opts.limit !== undefined) q = q.limit(opts.limit).offset(opts.offset ?? 0);
  return q.execute();
}

/** A statement's disputes in one row: how many lines are disputed, how many are open, the amount not rejected. */
export async function statementDisputeSummary(db: Executor, statementId: number) {
  const row = await db
    .selectFrom("disputes")
    .select([
      sql<string>`COUNT(*)`.as("n"),
      sql<string>`COALESCE(SUM(status = 'open'), 0)`.as("open"),
      sql<string>`COALESCE(SUM(CASE WHEN status <> 'rejected' THEN amount_minor ELSE 0 END), 0)`.as("disputed"),
    ])
    .where("statement_id", "=", statementId)
    .executeTakeFirst();
  return { disputedLines: Number(row?.n ?? 0), openDisputes: Number(row?.open ?? 0), disputedMinor: Number(row?.disputed ?? 0) };
}

export function disputesQuery(db: Executor, actor: Actor, f: Omit<DisputeListFilter, "page" | "format">) {
  let q = db
    .selectFrom("disputes as d")
    .innerJoin("statements as s", "s.id", "d.statement_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .innerJoin("statement_lines as l", "l.id", "d.statement_line_id")
    .innerJoin("ledger_entries as e", "e.id", "l.ledger_entry_id")
    .where(inDealerScope(actor, "d.dealer_id"));
  if (f.status) q = q.where("d.status", "=", f.status);
  if (f.dealerId) q = q.where("d.dealer_id", "=", f.dealerId);
  if (f.reason) q = q.where("d.reason_code", "=", f.reason);
  return q;
}

export const disputeColumns = [
  "d.id",
  "d.statement_id",
  "d.statement_line_id",
  "d.dealer_id",
  "d.reason_code",
  "d.amount_minor",
  "d.comment",
  "d.status",
  "d.resolution_note",
  "d.adjustment_entry_id",
  "d.created_at",
  "d.resolved_at",
  "d.version",
  "s.period",
  "s.currency",
  "o.code as dealer_code",
  "o.name as dealer_name",
  "l.line_no",
  "l.amount_minor as line_amount_minor",
  "e.id as entry_id",
  "e.entry_type",
  "e.description as entry_description",
  "e.description_key as entry_description_key",
  "e.description_params as entry_description_params",
  "e.reference as entry_reference",
  "e.business_date as entry_date",
] as const;
