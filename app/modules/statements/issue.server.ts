/**
 * Issuing statements, set-based (docs/decisions/031-statement-issue.md).
 *
 * Per batch of dealers, in one transaction and a fixed number of queries:
 *   1. lock the batch's dealer rows (SELECT … FOR UPDATE) — postings take a shared
 *      lock on the same rows, so nothing is posted for them while we read;
 *   2. read each dealer's latest statement period;
 *   3. INSERT … SELECT the statements with opening balance and aggregated sums;
 *   4. INSERT … SELECT the statement lines, numbered with ROW_NUMBER();
 *   5. verify Σ lines = debit + credit for every new statement (defensive);
 *   6. INSERT … SELECT the statement.issued events and the audit entries.
 * The number of queries grows with the number of batches, not with dealers or entries.
 * Idempotent: a dealer that already has the period's statement is left alone, and
 * UNIQUE(dealer_id, period) backs it up; a concurrent run waits on the row locks
 * and then finds the statements already there.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { AuditAction, AuditEntityOf } from "~/modules/audit/audit-actions";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { env } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import { queueWebhookEvent } from "~/modules/webhooks/events.server";
import { addDays, now, startOfBusinessDate, todayIn, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { isPeriod, periodBounds, previousPeriod } from "~/modules/ledger/period";

const ISSUE_BATCH_SIZE = 200;

/** The audit entry of an issued statement, written set-based below (typed as `audit()` would type it). */
const ISSUED_ACTION = "statement.issued" satisfies AuditAction;
const ISSUED_ENTITY = "statement" satisfies AuditEntityOf<typeof ISSUED_ACTION>;

export type IssueProgress = { period: string; batch: number; dealersProcessed: number; dealersTotal: number; issued: number };
export type IssueOptions = {
  period: string;
  dealerIds?: number[];
  onProgress?: (p: IssueProgress) => void | Promise<void>;
  batchSize?: number;
};
export type IssueResult = {
  period: string;
  /** Statements created by this run. */
  issued: number;
  /** Dealers that already had this period's (or a later) statement. */
  alreadyIssued: number;
  /** Dealers whose previous period has no statement yet: issue that one first. */
  skippedGap: number;
  gapDealerIds: number[];
  /** Dealers with no ledger activity up to the period's end (no statement needed). */
  noActivity: number;
  batches: number;
};

/** Issues one statement per dealer for a period that has ended. See the module comment. */
export async function issueStatements(actor: Actor, opts: IssueOptions): Promise<IssueResult> {
  requirePermission(actor, "statement:issue");
  return runIssue(actor, opts, todayIn(env().BUSINESS_TZ), (label, work) => transaction(label, work));
}

/**
 * The same inside a caller's transaction (demo seed), issued as of `issuedOn`
 * (a business date after the period) instead of today.
 */
export async function issueStatementsIn(tx: Executor, actor: Actor, opts: IssueOptions & { issuedOn: IsoDate }): Promise<IssueResult> {
  requirePermission(actor, "statement:issue");
  return runIssue(actor, opts, opts.issuedOn, (_label, work) => work(tx));
}

type Runner = <T>(label: string, work: (tx: Executor) => Promise<T>) => Promise<T>;

async function runIssue(actor: Actor, opts: IssueOptions, issuedOn: IsoDate, run: Runner): Promise<IssueResult> {
  const { period } = opts;
  if (!isPeriod(period)) throw new ValidationError("validation.formErrors", { period: ["statements.periodFormat"] });
  const { start, end } = periodBounds(period);
  if (end >= issuedOn) throw new ValidationError("validation.formErrors", { period: ["statements.periodNotEnded"] }, { period });
  if (opts.dealerIds && opts.dealerIds.length === 0) return { period, issued: 0, alreadyIssued: 0, skippedGap: 0, gapDealerIds: [], noActivity: 0, batches: 0 };
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? ISSUE_BATCH_SIZE, 1000));
  const ctx: BatchContext = {
    period,
    prev: previousPeriod(period),
    start,
    end,
    issuedAt: issuedOn === todayIn(env().BUSINESS_TZ) ? now() : new Date(startOfBusinessDate(issuedOn, env().BUSINESS_TZ).getTime() + 9 * 3_600_000),
    confirmBy: addDays(issuedOn, env().STATEMENT_CONFIRM_DAYS),
    actor,
    dealerIds: opts.dealerIds ? [...new Set(opts.dealerIds)] : undefined,
    batchSize,
  };
  const result: IssueResult = { period, issued: 0, alreadyIssued: 0, skippedGap: 0, gapDealerIds: [], noActivity: 0, batches: 0 };
  const dealersTotal = await run("statements.count", async (tx) => {
    let q = tx
      .selectFrom("organisations")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("kind", "=", "dealer");
    if (ctx.dealerIds) q = q.where("id", "in", ctx.dealerIds);
    return Number((await q.executeTakeFirst())?.n ?? 0);
  });
  let afterId = 0;
  let processed = 0;
  for (;;) {
    const r = await run(`statements.issue.${period}`, (tx) => issueBatch(tx, ctx, afterId));
    if (!r) break;
    result.batches++;
    result.issued += r.issued;
    result.alreadyIssued += r.already;
    result.skippedGap += r.gaps.length;
    result.noActivity += r.noActivity;
    if (result.gapDealerIds.length < 100) result.gapDealerIds.push(...r.gaps.slice(0, 100 - result.gapDealerIds.length));
    processed += r.dealers;
    afterId = r.lastId;
    await opts.onProgress?.({ period, batch: result.batches, dealersProcessed: processed, dealersTotal, issued: result.issued });
    if (r.dealers < batchSize) break;
  }
  return result;
}

type BatchContext = {
  period: string;
  prev: string;
  start: IsoDate;
  end: IsoDate;
  issuedAt: Date;
  confirmBy: IsoDate;
  actor: Actor;
  dealerIds?: number[];
  batchSize: number;
};

async function issueBatch(tx: Executor, c: BatchContext, afterId: number) {
  // 1. The batch, locked against postings for these dealers.
  let q = tx.selectFrom("organisations").select("id").where("kind", "=", "dealer").where("id", ">", afterId).orderBy("id").limit(c.batchSize).forUpdate();
  if (c.dealerIds) q = q.where("id", "in", c.dealerIds);
  const ids = (await q.execute()).map((r) => r.id);
  if (!ids.length) return null;
  const lastId = ids[ids.length - 1]!;

  // 2. Where each dealer's statement chain stands.
  const latest = await tx
    .selectFrom("statements")
    .select(["dealer_id", sql<string>`MAX(period)`.as("latest")])
    .where("dealer_id", "in", ids)
    .groupBy("dealer_id")
    .execute();
  const latestBy = new Map(latest.map((r) => [r.dealer_id, r.latest]));
  const eligible: number[] = [];
  const gaps: number[] = [];
  let already = 0;
  for (const id of ids) {
    const l = latestBy.get(id);
    if (l === undefined || l === c.prev) eligible.push(id);
    else if (l >= c.period) already++;
    else gaps.push(id);
  }
  if (!eligible.length) return { lastId, dealers: ids.length, issued: 0, already, gaps, noActivity: 0 };
  const inEligible = sql.join(eligible);

  // 3. Statements with opening (previous closing, or Σ before the period for a first statement) and sums.
  await sql`
    INSERT INTO statements (dealer_id, period, period_start, period_end, currency, opening_minor, debit_minor, credit_minor, closing_minor, line_count, status, issued_at, confirm_by)
    SELECT x.dealer_id, ${c.period}, ${c.start}, ${c.end}, x.currency, x.opening, x.debit, x.credit, x.opening + x.debit + x.credit, x.n, 'issued', ${c.issuedAt}, ${c.confirmBy}
    FROM (
      SELECT o.id AS dealer_id, o.currency,
        COALESCE(p.closing_minor, (SELECT SUM(b.amount_minor) FROM ledger_entries b WHERE b.dealer_id = o.id AND b.business_date < ${c.start}), 0) AS opening,
        COALESCE(a.debit, 0) AS debit, COALESCE(a.credit, 0) AS credit, COALESCE(a.n, 0) AS n,
        p.id AS prev_id
      FROM organisations o
      LEFT JOIN statements p ON p.dealer_id = o.id AND p.period = ${c.prev}
      LEFT JOIN (
        SELECT e.dealer_id,
          SUM(CASE WHEN e.amount_minor > 0 THEN e.amount_minor ELSE 0 END) AS debit,
          SUM(CASE WHEN e.amount_minor < 0 THEN e.amount_minor ELSE 0 END) AS credit,
          COUNT(*) AS n
        FROM ledger_entries e
        WHERE e.dealer_id IN (${inEligible}) AND e.business_date BETWEEN ${c.start} AND ${c.end}
        GROUP BY e.dealer_id
      ) a ON a.dealer_id = o.id
      WHERE o.id IN (${inEligible})
    ) x
    WHERE x.prev_id IS NOT NULL OR x.n > 0
       OR EXISTS (SELECT 1 FROM ledger_entries z WHERE z.dealer_id = x.dealer_id AND z.business_date < ${c.start})
  `.execute(tx);

  const created = await tx.selectFrom("statements").select(["id", "dealer_id"]).where("period", "=", c.period).where("dealer_id", "in", eligible).execute();
  const noActivity = eligible.length - created.length;
  if (!created.length) return { lastId, dealers: ids.length, issued: 0, already, gaps, noActivity };
  const newDealers = sql.join(created.map((s) => s.dealer_id));

  // 4. Lines: every entry of the period, numbered in business order.
  await sql`
    INSERT INTO statement_lines (statement_id, line_no, ledger_entry_id, amount_minor)
    SELECT s.id, ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY e.business_date, e.created_at, e.id), e.id, e.amount_minor
    FROM statements s
    JOIN ledger_entries e ON e.dealer_id = s.dealer_id AND e.business_date BETWEEN s.period_start AND s.period_end
    WHERE s.period = ${c.period} AND s.dealer_id IN (${newDealers})
  `.execute(tx);

  // 5. Opening + Σ lines = closing, checked before commit.
  const broken = await sql<{ id: number }>`
    SELECT s.id FROM statements s
    LEFT JOIN (SELECT l.statement_id, SUM(l.amount_minor) AS t, COUNT(*) AS n FROM statement_lines l
               JOIN statements s2 ON s2.id = l.statement_id WHERE s2.period = ${c.period} AND s2.dealer_id IN (${newDealers}) GROUP BY l.statement_id) l
      ON l.statement_id = s.id
    WHERE s.period = ${c.period} AND s.dealer_id IN (${newDealers})
      AND (COALESCE(l.t, 0) <> s.debit_minor + s.credit_minor OR COALESCE(l.n, 0) <> s.line_count)
    LIMIT 1
  `.execute(tx);
  if (broken.rows.length) throw new Error(`statement ${broken.rows[0]!.id} does not add up; issue rolled back`);

  // 6. Events (dealer-scoped) and audit, set-based.
  const a = c.actor;
  await sql`
    INSERT INTO domain_events (type, dealer_id, account_manager_id, actor_user_id, entity_type, entity_id, payload)
    SELECT 'statement.issued', s.dealer_id, NULL, ${a.userId}, 'statement', CAST(s.id AS CHAR),
      JSON_OBJECT('period', s.period, 'closingMinor', s.closing_minor, 'currency', s.currency, 'confirmBy', DATE_FORMAT(s.confirm_by, '%Y-%m-%d'), 'lineCount', s.line_count)
    FROM statements s WHERE s.period = ${c.period} AND s.dealer_id IN (${newDealers})
  `.execute(tx);
  await sql`
    INSERT INTO audit_log (actor_user_id, actor_role, organisation_id, ip, action, entity_type, entity_id, summary)
    SELECT ${a.userId}, ${a.kind === "system" ? "system" : a.role}, s.dealer_id, ${a.ip}, ${ISSUED_ACTION}, ${ISSUED_ENTITY}, CAST(s.id AS CHAR),
      JSON_OBJECT('period', s.period, 'openingMinor', s.opening_minor, 'closingMinor', s.closing_minor, 'lineCount', s.line_count)
    FROM statements s WHERE s.period = ${c.period} AND s.dealer_id IN (${newDealers})
  `.execute(tx);
  // 7. Webhooks: only dealers with an endpoint for the event (one indexed read when none has one).
  const subscribed = await tx
    .selectFrom("webhook_endpoints")
    .select("dealer_id")
    .distinct()
    .where(
      "dealer_id",
      "in",
      created.map((s) => s.dealer_id),
    )
    .where("status", "=", "active")
    .where("events", "like", "%statement.issued%")
    .execute();
  if (subscribed.length) {
    const rows = await tx
      .selectFrom("statements")
      .select(["id", "dealer_id", "period", "period_start", "period_end", "currency", "opening_minor", "closing_minor", "line_count", "confirm_by"])
      .where("period", "=", c.period)
      .where(
        "dealer_id",
        "in",
        subscribed.map((r) => r.dealer_id),
      )
      .execute();
    for (const s of rows)
      await queueWebhookEvent(tx, {
        type: "statement.issued",
        dealerId: s.dealer_id,
        occurredAt: c.issuedAt,
        data: {
          statement: {
            id: s.id,
            period: s.period,
            period_start: s.period_start,
            period_end: s.period_end,
            currency: s.currency,
            opening_minor: s.opening_minor,
            closing_minor: s.closing_minor,
            line_count: s.line_count,
            confirm_by: s.confirm_by,
          },
        },
      });
  }
  return { lastId, dealers: ids.length, issued: created.length, already, gaps, noActivity };
}
