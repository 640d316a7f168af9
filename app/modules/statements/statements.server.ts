/**
 * Statements after issue: reading them (scoped), the dealer's confirmation and
 * line disputes, finance's dispute resolution, reminders and invariant checks.
 * A statement's figures never change after issue; only its status and the
 * confirmation snapshot do. Adjustments from accepted disputes land in the
 * open period (today's business date), never in the disputed statement.
 */
import { sql, type Kysely } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import type { DB } from "../../../db/types";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { dealerScope } from "~/modules/auth/access.server";
import { postEntry } from "~/modules/ledger/post.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { minorToDecimal } from "~/utils/money";
import { daysBetween, now, todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { queueWebhookEvent } from "~/modules/webhooks/events.server";
import {
  LINES_PAGE_SIZE,
  PAGE_SIZE,
  disputeColumns,
  disputesQuery,
  findStatement,
  statementColumns,
  statementDisputeSummary,
  statementLines,
  statementsQuery,
} from "./statements.queries.server";
import { endedPeriods } from "~/modules/ledger/period";
import { statementResponses } from "./statements.schema";
import { type DisputeInput, type DisputeListFilter, type ResolveInput, type StatementListFilter, type StatementPageFilter } from "./statements.schema.server";
import type { Locale } from "~/i18n";
import { describeEntry, systemDescription } from "~/modules/ledger/descriptions";

const today = () => todayIn(env().BUSINESS_TZ);
const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

// ---------- reading ----------

export async function listStatements(actor: Actor, filter: StatementListFilter) {
  requirePermission(actor, "ledger:read");
  const base = statementsQuery(db, actor, filter, today());
  const [rows, total] = await Promise.all([
    base
      .select(statementColumns)
      .orderBy("s.period", "desc")
      .orderBy("o.code")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows, total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE, today: today() };
}

export async function* exportStatements(actor: Actor, filter: StatementListFilter) {
  requirePermission(actor, "ledger:read");
  let offset = 0;
  for (;;) {
    const rows = await statementsQuery(db, actor, filter, today())
      .select(statementColumns)
      .orderBy("s.period", "desc")
      .orderBy("o.code")
      .orderBy("s.id")
      .limit(1000)
      .offset(offset)
      .execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.dealer_code,
      r.dealer_name,
      r.period,
      r.currency,
      minorToDecimal(r.opening_minor, r.currency),
      minorToDecimal(r.debit_minor, r.currency),
      minorToDecimal(-r.credit_minor, r.currency), // credits as a positive column, as on the page and in the lines CSV
      minorToDecimal(r.closing_minor, r.currency),
      r.line_count,
      r.status,
      r.confirm_by,
      r.confirmed_at,
      r.confirmed_closing_minor === null ? "" : minorToDecimal(r.confirmed_closing_minor, r.currency),
    ]);
    if (rows.length < 1000) return;
    offset += 1000;
  }
}
export const STATEMENT_CSV_HEADER = [
  "dealer_code",
  "dealer_name",
  "period",
  "currency",
  "opening",
  "debit",
  "credit",
  "closing",
  "lines",
  "status",
  "confirm_by",
  "confirmed_at",
  "confirmed_closing",
];

/** A statement the actor may read, or 404. */
async function readableStatement(actor: Actor, id: number) {
  requirePermission(actor, "ledger:read");
  const statement = await findStatement(db, actor, id);
  if (!statement) throw new NotFoundError();
  return statement;
}

function deadline(statement: { status: string; confirm_by: string }) {
  const t = today();
  return { today: t, overdue: statement.status === "issued" && statement.confirm_by < t, daysToConfirm: daysBetween(t, statement.confirm_by) };
}

/**
 * Each line with its running balance: the opening balance plus every line up to and including it
 * (positive: the dealer owes; negative: the dealer is in credit). The last line's equals the closing balance.
 */
function withBalances<L extends { cumulative_minor: string | number }>(
  opening: number,
  lines: L[],
): (Omit<L, "cumulative_minor"> & { balance_minor: number })[] {
  return lines.map(({ cumulative_minor, ...l }) => ({ ...l, balance_minor: opening + Number(cumulative_minor) }));
}

/** One statement with every line and its disputes (print, CSV); 404 when it is not the actor's to see. */
export async function getStatement(actor: Actor, id: number) {
  const statement = await readableStatement(actor, id);
  const [lines, disputes] = await Promise.all([statementLines(db, id), statementDisputeSummary(db, id)]);
  return { statement, lines: withBalances(statement.opening_minor, lines), openDisputes: disputes.openDisputes, ...deadline(statement) };
}

/**
 * The statement page: the statement's figures (stored at issue), its dispute summary (one aggregate
 * over its disputes) and one page of its lines — all lines or only the disputed ones, LINES_PAGE_SIZE
 * a page. A 1,000-line statement costs one page of rows to read, serialise and render (docs/decisions/034).
 */
export async function getStatementPage(actor: Actor, id: number, q: StatementPageFilter) {
  const statement = await readableStatement(actor, id);
  const disputedOnly = q.lines === "disputed";
  const disputes = await statementDisputeSummary(db, id);
  const total = disputedOnly ? disputes.disputedLines : statement.line_count;
  const pages = Math.max(1, Math.ceil(total / LINES_PAGE_SIZE));
  const page = Math.min(q.page, pages);
  const lines =
    total === 0
      ? []
      : withBalances(statement.opening_minor, await statementLines(db, id, { offset: (page - 1) * LINES_PAGE_SIZE, limit: LINES_PAGE_SIZE, disputedOnly }));
  return {
    statement,
    lines,
    filter: {
      lines: q.lines,
      page,
      pageSize: LINES_PAGE_SIZE,
      total,
      first: page === 1,
      last: page === pages,
      dispute: q.dispute ?? null,
      line: q.line ?? null,
    },
    ...disputes,
    ...deadline(statement),
  };
}

export const STATEMENT_LINES_CSV_HEADER = [
  "line",
  "date",
  "type",
  "description",
  "reference",
  "order",
  "shipment",
  "due_date",
  "debit",
  "credit",
  "balance",
  "dispute_status",
  "dispute_amount",
];

/**
 * A statement's lines as CSV in the page's columns: an opening row and a closing row carrying only their
 * balance, and every line with its debit or credit and its running balance (positive: the dealer owes).
 * System descriptions in the reader's language.
 */
export async function* exportStatementLines(actor: Actor, id: number, locale: Locale) {
  const { statement, lines } = await getStatement(actor, id);
  const c = statement.currency;
  const balanceRow = (date: string, kind: "opening" | "closing", minor: number) => [
    "",
    date,
    kind,
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    minorToDecimal(minor, c),
    "",
    "",
  ];
  yield [balanceRow(statement.period_start, "opening", statement.opening_minor)];
  yield lines.map((l) => [
    l.line_no,
    l.business_date,
    l.entry_type,
    describeEntry(locale, l),
    l.reference ?? "",
    l.order_number ?? "",
    l.shipment_number ?? "",
    l.due_date ?? "",
    l.amount_minor > 0 ? minorToDecimal(l.amount_minor, c) : "",
    l.amount_minor < 0 ? minorToDecimal(-l.amount_minor, c) : "",
    minorToDecimal(l.balance_minor, c),
    l.dispute_status ?? "",
    l.dispute_amount_minor === null ? "" : minorToDecimal(l.dispute_amount_minor, c),
  ]);
  yield [balanceRow(statement.period_end, "closing", statement.closing_minor)];
}

// ---------- dealer: confirm and dispute ----------

async function lockStatement(tx: Executor, actor: Actor, id: number) {
  let q = tx.selectFrom("statements").selectAll().where("id", "=", id);
  const scope = dealerScope(actor);
  if (scope.kind === "dealer") q = q.where("dealer_id", "=", scope.dealerId);
  else if (scope.kind === "assigned") throw new NotFoundError();
  const s = await q.forUpdate().executeTakeFirst();
  if (!s) throw new NotFoundError();
  return s;
}

/** What the dealer agrees it owes: the closing balance less every amount it disputes (not rejected). */
async function agreedClosing(tx: Executor, statementId: number, closing: number) {
  const row = await tx
    .selectFrom("disputes")
    .select(sql<string>`COALESCE(SUM(amount_minor), 0)`.as("t"))
    .where("statement_id", "=", statementId)
    .where("status", "<>", "rejected")
    .executeTakeFirst();
  return closing - Number(row?.t ?? 0);
}

/**
 * The dealer signs off the balance as it saw it (`version`). An issued statement
 * becomes confirmed; on a disputed one this confirms the undisputed rest (status stays).
 */
export async function confirmStatement(actor: Actor, id: number, input: { version: number }) {
  requirePermission(actor, "statement:respond");
  return transaction("statement.confirm", (tx) => confirmStatementTx(tx, actor, id, input));
}

export async function confirmStatementTx(tx: Tx, actor: Actor, id: number, input: { version: number }, at: Date = now()) {
  requirePermission(actor, "statement:respond");
  const s = await lockStatement(tx, actor, id);
  if (!statementResponses(s).confirm) throw new ConflictError("statements.alreadyConfirmed");
  if (s.version !== input.version) throw new ConflictError("statements.changedSinceLoaded");
  const agreed = await agreedClosing(tx, id, s.closing_minor);
  const status = s.status === "issued" ? "confirmed" : s.status;
  const res = await tx
    .updateTable("statements")
    .set({ status, confirmed_at: at, confirmed_by: actor.userId, confirmed_closing_minor: agreed, version: s.version + 1 })
    .where("id", "=", id)
    .where("version", "=", s.version)
    .where("confirmed_at", "is", null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new ConflictError("statements.changedSinceLoaded");
  await audit(tx, actor, {
    action: "statement.confirmed",
    entityType: "statement",
    entityId: id,
    dealerId: s.dealer_id,
    summary: { period: s.period, closingMinor: s.closing_minor, confirmedClosingMinor: agreed, status },
  });
  await emitEvent(tx, actor, {
    type: "statement.confirmed",
    entityType: "statement",
    entityId: id,
    dealerId: s.dealer_id,
    payload: { period: s.period, confirmedClosingMinor: agreed, partial: status !== "confirmed" },
  });
  return { status, confirmedClosingMinor: agreed };
}

/** Disputes one line of an unconfirmed statement; the statement becomes disputed. */
export async function disputeLine(actor: Actor, statementId: number, input: DisputeInput) {
  requirePermission(actor, "statement:respond");
  return transaction("statement.dispute", (tx) => disputeLineTx(tx, actor, statementId, input));
}

export async function disputeLineTx(tx: Tx, actor: Actor, statementId: number, input: DisputeInput) {
  requirePermission(actor, "statement:respond");
  const s = await lockStatement(tx, actor, statementId);
  const line = await tx
    .selectFrom("statement_lines")
    .select(["id", "amount_minor", "line_no"])
    .where("id", "=", input.lineId)
    .where("statement_id", "=", statementId)
    .executeTakeFirst();
  if (!line) throw new NotFoundError();
  if (s.confirmed_at !== null) throw new ConflictError("statements.alreadyConfirmed");
  if (!statementResponses(s).dispute) throw new ConflictError("statements.notOpenForDispute");
  if (input.amount <= 0 || input.amount > Math.abs(line.amount_minor))
    throw new ValidationError(
      "validation.formErrors",
      { amount: ["disputes.amountTooLarge"] },
      { max: minorToDecimal(Math.abs(line.amount_minor), s.currency) },
    );
  let disputeId: number;
  try {
    const r = await tx
      .insertInto("disputes")
      .values({
        statement_id: statementId,
        statement_line_id: line.id,
        dealer_id: s.dealer_id,
        reason_code: input.reasonCode,
        amount_minor: input.amount,
        comment: input.comment,
        status: "open",
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    disputeId = Number(r.insertId);
  } catch (err) {
    if (isDuplicate(err)) throw new ConflictError("disputes.lineAlreadyDisputed");
    throw err;
  }
  await tx
    .updateTable("statements")
    .set({ status: "disputed", version: s.version + 1 })
    .where("id", "=", statementId)
    .execute();
  await audit(tx, actor, {
    action: "dispute.opened",
    entityType: "dispute",
    entityId: disputeId,
    dealerId: s.dealer_id,
    summary: { statementId, lineNo: line.line_no, reasonCode: input.reasonCode, amountMinor: input.amount },
  });
  await emitEvent(tx, actor, {
    type: "dispute.opened",
    entityType: "dispute",
    entityId: disputeId,
    dealerId: s.dealer_id,
    payload: { statementId, period: s.period, reasonCode: input.reasonCode, amountMinor: input.amount },
  });
  if (s.status === "issued") {
    await audit(tx, actor, {
      action: "statement.disputed",
      entityType: "statement",
      entityId: statementId,
      dealerId: s.dealer_id,
      summary: { period: s.period },
    });
    await emitEvent(tx, actor, {
      type: "statement.disputed",
      entityType: "statement",
      entityId: statementId,
      dealerId: s.dealer_id,
      payload: { period: s.period },
    });
  }
  return { disputeId, lineNo: line.line_no };
}

// ---------- finance: disputes ----------

export async function listDisputes(actor: Actor, filter: DisputeListFilter) {
  requirePermission(actor, "dispute:resolve");
  const base = disputesQuery(db, actor, filter);
  const [rows, total, open] = await Promise.all([
    base
      .select(disputeColumns)
      .orderBy("d.created_at")
      .orderBy("d.id")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
    disputesQuery(db, actor, { status: "open" })
      .select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(d.amount_minor), 0)`.as("amount")])
      .executeTakeFirst(),
  ]);
  const at = now().getTime();
  return {
    rows: rows.map((r) => ({ ...r, ageDays: Math.max(0, Math.floor((((r.resolved_at ?? null)?.getTime() ?? at) - r.created_at.getTime()) / 86_400_000)) })),
    total: Number(total?.n ?? 0),
    page: filter.page,
    pageSize: PAGE_SIZE,
    openCount: Number(open?.n ?? 0),
    openAmountMinor: Number(open?.amount ?? 0),
  };
}

export const DISPUTE_CSV_HEADER = [
  "id",
  "dealer_code",
  "dealer_name",
  "period",
  "line",
  "entry_date",
  "entry",
  "reason",
  "amount",
  "status",
  "opened_at",
  "resolved_at",
  "resolution_note",
];

export async function* exportDisputes(actor: Actor, filter: DisputeListFilter) {
  requirePermission(actor, "dispute:resolve");
  let offset = 0;
  for (;;) {
    const rows = await disputesQuery(db, actor, filter).select(disputeColumns).orderBy("d.created_at").orderBy("d.id").limit(1000).offset(offset).execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.id,
      r.dealer_code,
      r.dealer_name,
      r.period,
      r.line_no,
      r.entry_date,
      r.entry_description,
      r.reason_code,
      minorToDecimal(r.amount_minor, r.currency),
      r.status,
      r.created_at,
      r.resolved_at,
      r.resolution_note ?? "",
    ]);
    if (rows.length < 1000) return;
    offset += 1000;
  }
}

export async function getDispute(actor: Actor, id: number) {
  requirePermission(actor, "dispute:resolve");
  const d = await disputesQuery(db, actor, {})
    .leftJoin("orders as ord", "ord.id", "e.order_id")
    .leftJoin("shipments as sh", "sh.id", "e.shipment_id")
    .leftJoin("users as cu", "cu.id", "d.created_by")
    .leftJoin("users as ru", "ru.id", "d.resolved_by")
    .select([
      ...disputeColumns,
      "ord.number as order_number",
      "sh.number as shipment_number",
      "cu.name as created_by_name",
      "ru.name as resolved_by_name",
      "s.status as statement_status",
    ])
    .where("d.id", "=", id)
    .executeTakeFirst();
  if (!d) throw new NotFoundError();
  const adjustment = d.adjustment_entry_id
    ? await db
        .selectFrom("ledger_entries")
        .select(["id", "entry_type", "amount_minor", "business_date", "description", "description_key", "description_params"])
        .where("id", "=", d.adjustment_entry_id)
        .executeTakeFirst()
    : null;
  return { dispute: d, adjustment: adjustment ?? null };
}

/**
 * Accept (posts a credit note — or an adjustment for a credit line — of the
 * disputed amount, today, linked to the dispute) or reject (with explanation).
 * Optimistic: the version the finance user saw must still be current, so of two
 * people acting on one dispute exactly one wins; the other gets 409.
 */
export async function resolveDispute(actor: Actor, id: number, input: ResolveInput) {
  requirePermission(actor, "dispute:resolve");
  return transaction("dispute.resolve", (tx) => resolveDisputeTx(tx, actor, id, input));
}

export async function resolveDisputeTx(tx: Tx, actor: Actor, id: number, input: ResolveInput, businessDate = today()) {
  requirePermission(actor, "dispute:resolve");
  const head = await tx.selectFrom("disputes").select(["statement_id"]).where("id", "=", id).executeTakeFirst();
  if (!head) throw new NotFoundError();
  // Lock order: statement, then dispute (the dealer side takes the statement first too).
  const s = await tx.selectFrom("statements").selectAll().where("id", "=", head.statement_id).forUpdate().executeTakeFirstOrThrow();
  const d = await tx.selectFrom("disputes").selectAll().where("id", "=", id).forUpdate().executeTakeFirstOrThrow();
  if (d.status !== "open") throw new ConflictError("disputes.alreadyResolved");
  if (d.version !== input.version) throw new ConflictError("error.409");
  const status = input.decision === "accept" ? "accepted" : "rejected";
  const at = now();
  const res = await tx
    .updateTable("disputes")
    .set({ status, resolution_note: input.note, resolved_by: actor.userId, resolved_at: at, version: d.version + 1 })
    .where("id", "=", id)
    .where("status", "=", "open")
    .where("version", "=", input.version)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new ConflictError("error.409");
  let entryId: number | null = null;
  if (status === "accepted") {
    const line = await tx
      .selectFrom("statement_lines as l")
      .innerJoin("ledger_entries as e", "e.id", "l.ledger_entry_id")
      .select(["l.line_no", "e.id", "e.amount_minor", "e.order_id", "e.shipment_id", "e.reference", "e.fee_type_code"])
      .where("l.id", "=", d.statement_line_id)
      .executeTakeFirstOrThrow();
    entryId = await postEntry(tx, actor, {
      dealerId: d.dealer_id,
      type: line.amount_minor > 0 ? "credit_note" : "adjustment",
      amountMinor: -d.amount_minor,
      currency: s.currency,
      businessDate,
      ...systemDescription(
        input.note
          ? { key: "ledger.desc.disputeAcceptedNote", params: { dispute: d.id, period: s.period, line: line.line_no, entry: line.id, note: input.note } }
          : { key: "ledger.desc.disputeAccepted", params: { dispute: d.id, period: s.period, line: line.line_no, entry: line.id } },
      ),
      reference: line.reference,
      feeTypeCode: line.fee_type_code,
      sourceType: "dispute",
      sourceId: d.id,
      disputeId: d.id,
      orderId: line.order_id,
      shipmentId: line.shipment_id,
    });
    await tx.updateTable("disputes").set({ adjustment_entry_id: entryId }).where("id", "=", id).execute();
  }
  await audit(tx, actor, {
    action: status === "accepted" ? "dispute.accepted" : "dispute.rejected",
    entityType: "dispute",
    entityId: id,
    dealerId: d.dealer_id,
    summary: { statementId: s.id, amountMinor: d.amount_minor, note: input.note, entryId },
  });
  await emitEvent(tx, actor, {
    type: "dispute.resolved",
    entityType: "dispute",
    entityId: id,
    dealerId: d.dealer_id,
    payload: { statementId: s.id, period: s.period, decision: status, amountMinor: d.amount_minor, entryId },
  });
  const open = await tx
    .selectFrom("disputes")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("statement_id", "=", s.id)
    .where("status", "=", "open")
    .modifyEnd(sql`lock in share mode`)
    .executeTakeFirst();
  let statementStatus = s.status;
  if (Number(open?.n ?? 0) === 0 && s.status === "disputed") {
    statementStatus = "resolved";
    await tx
      .updateTable("statements")
      .set({ status: "resolved", resolved_at: at, version: s.version + 1 })
      .where("id", "=", s.id)
      .where("status", "=", "disputed")
      .execute();
    await audit(tx, actor, { action: "statement.resolved", entityType: "statement", entityId: s.id, dealerId: s.dealer_id, summary: { period: s.period } });
    await emitEvent(tx, actor, { type: "statement.resolved", entityType: "statement", entityId: s.id, dealerId: s.dealer_id, payload: { period: s.period } });
  }
  await queueWebhookEvent(tx, {
    type: "dispute.resolved",
    dealerId: d.dealer_id,
    occurredAt: at,
    data: {
      dispute: { id: d.id, decision: status, amount_minor: d.amount_minor, note: input.note, adjustment_entry_id: entryId },
      statement: { id: s.id, period: s.period, status: statementStatus },
    },
  });
  return { status, entryId, statementStatus };
}

// ---------- for the scheduled-jobs engineer ----------

export type AwaitingStatement = {
  id: number;
  dealerId: number;
  dealerCode: string;
  period: string;
  confirmBy: string;
  closingMinor: number;
  currency: string;
  overdue: boolean;
  daysOverdue: number;
};

/**
 * Statements still waiting for the dealer's confirmation on `asOf` (a business
 * date): issued, neither confirmed nor disputed. Oldest deadline first.
 */
export async function statementsAwaitingConfirmation(
  database: Kysely<DB> | Executor,
  asOf: string,
  opts: { limit?: number; dealerId?: number } = {},
): Promise<AwaitingStatement[]> {
  let q = database
    .selectFrom("statements as s")
    .innerJoin("organisations as o", "o.id", "s.dealer_id")
    .select(["s.id", "s.dealer_id", "o.code", "s.period", "s.confirm_by", "s.closing_minor", "s.currency"])
    .where("s.status", "=", "issued")
    .where("s.confirmed_at", "is", null)
    .orderBy("s.confirm_by")
    .orderBy("s.id")
    .limit(opts.limit ?? 10_000);
  if (opts.dealerId) q = q.where("s.dealer_id", "=", opts.dealerId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    dealerId: r.dealer_id,
    dealerCode: r.code,
    period: r.period,
    confirmBy: r.confirm_by,
    closingMinor: r.closing_minor,
    currency: r.currency,
    overdue: r.confirm_by < asOf,
    daysOverdue: Math.max(0, daysBetween(r.confirm_by, asOf)),
  }));
}

// ---------- invariants (db:check and tests) ----------

/**
 * Every way a statement can fail to add up, as offending rows:
 * opening + Σ lines ≠ closing (or the stored sums/line count disagree),
 * a closing that is not the next period's opening, a gap in a dealer's chain,
 * a first statement whose opening is not Σ entries before it,
 * an entry dated in a statement's period but missing from it (or a line outside it).
 */
export async function findStatementInvariantViolations(database: Kysely<DB> | Executor, opts: { dealerIds?: number[] } = {}) {
  const dealerFilter = (col: string) => (opts.dealerIds?.length ? sql`AND ${sql.ref(col)} IN (${sql.join(opts.dealerIds)})` : sql``);
  const sums = await sql<{ statement_id: number; dealer_id: number; period: string; problem: string }>`
    SELECT s.id AS statement_id, s.dealer_id, s.period, 'opening + lines <> closing, or sums/line count disagree' AS problem
    FROM statements s
    LEFT JOIN (SELECT statement_id, SUM(amount_minor) AS t, SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END) AS dr,
                      SUM(CASE WHEN amount_minor < 0 THEN amount_minor ELSE 0 END) AS cr, COUNT(*) AS n
               FROM statement_lines GROUP BY statement_id) l ON l.statement_id = s.id
    WHERE (s.opening_minor + COALESCE(l.t, 0) <> s.closing_minor OR COALESCE(l.dr, 0) <> s.debit_minor OR COALESCE(l.cr, 0) <> s.credit_minor OR COALESCE(l.n, 0) <> s.line_count)
      ${dealerFilter("s.dealer_id")}
  `.execute(database);
  const chain = await sql<{ statement_id: number; dealer_id: number; period: string; problem: string }>`
    SELECT n.id AS statement_id, n.dealer_id, n.period,
      CASE WHEN p.id IS NULL THEN 'gap: previous period has no statement' ELSE 'opening differs from previous closing' END AS problem
    FROM statements n
    LEFT JOIN statements p ON p.dealer_id = n.dealer_id AND p.period_end = DATE_SUB(n.period_start, INTERVAL 1 DAY)
    WHERE (p.id IS NULL AND EXISTS (SELECT 1 FROM statements q WHERE q.dealer_id = n.dealer_id AND q.period < n.period))
       OR (p.id IS NOT NULL AND p.closing_minor <> n.opening_minor)
      ${dealerFilter("n.dealer_id")}
  `.execute(database);
  const first = await sql<{ statement_id: number; dealer_id: number; period: string; problem: string }>`
    SELECT s.id AS statement_id, s.dealer_id, s.period, 'first statement opening is not the sum of earlier entries' AS problem
    FROM statements s
    WHERE NOT EXISTS (SELECT 1 FROM statements q WHERE q.dealer_id = s.dealer_id AND q.period < s.period)
      AND s.opening_minor <> COALESCE((SELECT SUM(e.amount_minor) FROM ledger_entries e WHERE e.dealer_id = s.dealer_id AND e.business_date < s.period_start), 0)
      ${dealerFilter("s.dealer_id")}
  `.execute(database);
  const missing = await sql<{ statement_id: number; dealer_id: number; period: string; entry_id: number; problem: string }>`
    SELECT s.id AS statement_id, s.dealer_id, s.period, e.id AS entry_id, 'entry dated in the period is not on its statement' AS problem
    FROM statements s
    JOIN ledger_entries e ON e.dealer_id = s.dealer_id AND e.business_date BETWEEN s.period_start AND s.period_end
    LEFT JOIN statement_lines l ON l.ledger_entry_id = e.id AND l.statement_id = s.id
    WHERE l.id IS NULL ${dealerFilter("s.dealer_id")}
    LIMIT 1000
  `.execute(database);
  const stray = await sql<{ statement_id: number; dealer_id: number; period: string; entry_id: number; problem: string }>`
    SELECT s.id AS statement_id, s.dealer_id, s.period, e.id AS entry_id, 'line outside its statement (other dealer, date or amount)' AS problem
    FROM statement_lines l
    JOIN statements s ON s.id = l.statement_id
    JOIN ledger_entries e ON e.id = l.ledger_entry_id
    WHERE (e.dealer_id <> s.dealer_id OR e.business_date NOT BETWEEN s.period_start AND s.period_end OR e.amount_minor <> l.amount_minor)
      ${dealerFilter("s.dealer_id")}
    LIMIT 1000
  `.execute(database);
  const disputes = await sql<{ statement_id: number; dealer_id: number; period: string; problem: string }>`
    SELECT s.id AS statement_id, s.dealer_id, s.period,
      CASE WHEN s.status = 'resolved' THEN 'resolved statement with an open dispute'
           WHEN s.status = 'disputed' THEN 'disputed statement without an open dispute'
           ELSE 'accepted dispute without its adjustment' END AS problem
    FROM statements s
    WHERE ((s.status = 'resolved' AND EXISTS (SELECT 1 FROM disputes d WHERE d.statement_id = s.id AND d.status = 'open'))
       OR (s.status = 'disputed' AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.statement_id = s.id AND d.status = 'open'))
       OR EXISTS (SELECT 1 FROM disputes d WHERE d.statement_id = s.id AND d.status = 'accepted' AND d.adjustment_entry_id IS NULL))
      ${dealerFilter("s.dealer_id")}
  `.execute(database);
  return [...sums.rows, ...chain.rows, ...first.rows, ...missing.rows, ...stray.rows, ...disputes.rows];
}

// ---------- finance: periods overview ----------

export async function periodsOverview(actor: Actor) {
  requirePermission(actor, "statement:issue");
  const t = today();
  const rows = await db
    .selectFrom("statements")
    .select([
      "period",
      sql<number>`COUNT(*)`.as("n"),
      sql<number>`SUM(status = 'issued')`.as("issued"),
      sql<number>`SUM(status = 'confirmed')`.as("confirmed"),
      sql<number>`SUM(status = 'disputed')`.as("disputed"),
      sql<number>`SUM(status = 'resolved')`.as("resolved"),
      sql<number>`SUM(status = 'issued' AND confirm_by < ${t})`.as("overdue"),
      sql<Date>`MIN(issued_at)`.as("issued_at"),
    ])
    .groupBy("period")
    .orderBy("period", "desc")
    .limit(24)
    .execute();
  return {
    periods: rows.map((r) => ({
      period: r.period,
      n: Number(r.n),
      issued: Number(r.issued),
      confirmed: Number(r.confirmed),
      disputed: Number(r.disputed),
      resolved: Number(r.resolved),
      overdue: Number(r.overdue),
      issuedAt: r.issued_at,
    })),
    suggested: endedPeriods(t, 1)[0]!,
    today: t,
  };
}
