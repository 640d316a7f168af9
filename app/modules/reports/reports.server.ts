/**
 * Role dashboards: what needs the caller today and how their business is going.
 * Every figure comes from one KPI query (reports.queries.server.ts) scoped to the
 * caller; the page links each figure to the list behind it.
 */
import { sql } from "kysely";
import { db } from "../../../db/client";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { isDealerRole } from "~/modules/auth/permissions";
import { creditPosition, OPEN_ORDER_STATUSES } from "~/modules/ledger/credit.server";
import { env } from "~/utils/env.server";
import { snapshot, type Versions } from "~/utils/snapshots.server";
import { addDays, monthBounds, now, startOfBusinessDate, todayIn, tzOffset } from "~/utils/time";
import type { Period } from "./period";
import * as q from "./reports.queries.server";

export { tzOffset } from "~/utils/time";

export function resolvePeriod(p: Partial<Period>): q.Bounds {
  const tz = env().BUSINESS_TZ;
  const today = todayIn(tz);
  const to = p.to ?? today;
  const from = p.from ?? addDays(to, -89);
  return { from, to, fromInstant: startOfBusinessDate(from, tz), toInstant: startOfBusinessDate(addDays(to, 1), tz), tzOffset: tzOffset(tz, now()) };
}

function lastMonths(count: number, endDate: string): string[] {
  const out: string[] = [];
  let d = monthBounds(endDate).start;
  for (let i = 0; i < count; i++) {
    out.unshift(d.slice(0, 7));
    d = monthBounds(addDays(d, -1)).start;
  }
  return out;
}

/** `versions`: the data versions the caller has just read (one statement for every snapshot of a page). */
export async function dealerDashboard(actor: Actor, period: Partial<Period>, versions?: Versions) {
  requirePermission(actor, "dashboard:read");
  if (!isDealerRole(actor.role) || actor.dealerId === null) throw new Error("dealer dashboard for a dealer actor only");
  const dealerId = actor.dealerId;
  const b = resolvePeriod(period);
  const today = todayIn(env().BUSINESS_TZ);
  const canReadAccount = can(actor, "ledger:read");
  return snapshot(
    `dashboard:dealer:${dealerId}:${today}:${b.from}:${b.to}:${canReadAccount}`,
    () => dealerFigures(dealerId, b, today, canReadAccount),
    versions,
  );
}

async function dealerFigures(dealerId: number, b: q.Bounds, today: string, canReadAccount: boolean) {
  const [actions, openOrders, credit, pipeline, { fill, onTime, toShip }, won, credits, trend] = await Promise.all([
    q.dealerActions(db, dealerId, today),
    q.openOrdersByStatus(db, dealerId),
    creditPosition(db, dealerId),
    q.pipelineByStage(db, { dealerId }),
    q.dealerKpis(db, dealerId, b),
    q.dealsWon(db, { dealerId }, b),
    q.creditsReceived(db, dealerId, b),
    q.monthlyTrend(db, dealerId, lastMonths(6, today)),
  ]);
  // Statements and fees are the dealer's account (ledger:read): other dealer roles see those figures without links.
  return {
    kind: "dealer" as const,
    period: { from: b.from, to: b.to },
    actions,
    openOrders,
    credit,
    pipeline,
    fill,
    onTime,
    toShip,
    won,
    credits,
    trend,
    canReadAccount,
  };
}

export async function accountManagerDashboard(actor: Actor, period: Partial<Period>, versions?: Versions) {
  requirePermission(actor, "dashboard:read");
  const amId = actor.userId!;
  const b = resolvePeriod(period);
  const today = todayIn(env().BUSINESS_TZ);
  return snapshot(`dashboard:am:${amId}:${today}:${b.from}:${b.to}`, () => accountManagerFigures(amId, b, today), versions);
}

async function accountManagerFigures(amId: number, b: q.Bounds, today: string) {
  const [pipeline, won, lost, aging, attention, ranking] = await Promise.all([
    q.pipelineByStage(db, { accountManagerId: amId }),
    q.dealsWon(db, { accountManagerId: amId }, b),
    q.dealsLost(db, amId, b),
    q.dealAging(db, amId, now()),
    q.amAttention(db, amId, today, addDays(today, 14)),
    q.dealerRankingByWonValue(db, amId, b),
  ]);
  const closed = won.count + lost;
  return {
    kind: "pipeline" as const,
    period: { from: b.from, to: b.to },
    pipeline,
    won,
    lost,
    winRate: closed > 0 ? won.count / closed : null,
    aging,
    attention,
    ranking,
  };
}

const LOW_STOCK_THRESHOLD = 5;

export async function opsDashboard(actor: Actor, versions?: Versions) {
  requirePermission(actor, "order:review");
  const today = todayIn(env().BUSINESS_TZ);
  return snapshot(`dashboard:ops:${today}`, () => opsFigures(today), versions);
}

async function opsFigures(today: string) {
  const { from: weekStart, to: weekEnd } = businessWeek(today);
  const [queue, backorders, due, alerts] = await Promise.all([
    q.reviewQueue(db),
    q.backordersByProduct(db),
    q.madeToOrderDue(db, weekStart, weekEnd),
    q.stockAlerts(db, LOW_STOCK_THRESHOLD, today),
  ]);
  return {
    kind: "order_desk" as const,
    now: now().toISOString(),
    week: { from: weekStart, to: weekEnd },
    queue,
    backorders,
    due,
    alerts,
    lowStockThreshold: LOW_STOCK_THRESHOLD,
  };
}

const OPS_LIST_PAGE_SIZE = 50;

/** The list behind an ops stock-alert figure: levels at or below the threshold, or receipts past their ETA. */
export async function stockAlertList(actor: Actor, p: { kind: "low" | "late"; page: number }) {
  requirePermission(actor, "order:review");
  const offset = (p.page - 1) * OPS_LIST_PAGE_SIZE;
  const today = todayIn(env().BUSINESS_TZ);
  const base = { kind: p.kind, page: p.page, pageSize: OPS_LIST_PAGE_SIZE, threshold: LOW_STOCK_THRESHOLD, today };
  if (p.kind === "low")
    return {
      ...base,
      ...(await q.lowStockRows(db, LOW_STOCK_THRESHOLD, OPS_LIST_PAGE_SIZE, offset)),
      late: [] as Awaited<ReturnType<typeof q.lateIncomingRows>>["rows"],
    };
  const late = await q.lateIncomingRows(db, today, OPS_LIST_PAGE_SIZE, offset);
  return { ...base, rows: [] as Awaited<ReturnType<typeof q.lowStockRows>>["rows"], late: late.rows, total: late.total };
}

/** The whole stock-alert list as CSV rows, in batches. */
export async function* exportStockAlerts(actor: Actor, kind: "low" | "late") {
  requirePermission(actor, "order:review");
  const today = todayIn(env().BUSINESS_TZ);
  for (let offset = 0; ; offset += 1000) {
    if (kind === "low") {
      const { rows } = await q.lowStockRows(db, LOW_STOCK_THRESHOLD, 1000, offset);
      yield rows.map((r) => [r.sku, r.name_zh, r.name_en, r.warehouse, r.on_hand, r.reserved, r.available]);
      if (rows.length < 1000) return;
    } else {
      const { rows } = await q.lateIncomingRows(db, today, 1000, offset);
      yield rows.map((r) => [r.sku, r.name_zh, r.name_en, r.warehouse, r.quantity, r.eta, r.source, r.reference ?? ""]);
      if (rows.length < 1000) return;
    }
  }
}

/** The current business week (Monday to Sunday), the default range of the made-to-order due list. */
function businessWeek(today = todayIn(env().BUSINESS_TZ)) {
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay();
  const from = addDays(today, -((dow + 6) % 7));
  return { from, to: addDays(from, 6) };
}

/** The range asked for, this business week where a bound is missing. */
function dueRange(p: { from?: string; to?: string }) {
  const week = businessWeek();
  return { from: p.from ?? week.from, to: p.to ?? week.to };
}

/** The made-to-order lines behind the ops figure "due this week" (or any range). */
export async function madeToOrderDueList(actor: Actor, p: { from?: string; to?: string; page: number }) {
  requirePermission(actor, "order:review");
  const { from, to } = dueRange(p);
  const [rows, totals] = await Promise.all([
    q.madeToOrderDueRows(db, from, to, OPS_LIST_PAGE_SIZE, (p.page - 1) * OPS_LIST_PAGE_SIZE),
    q.madeToOrderDue(db, from, to),
  ]);
  return { from, to, rows, total: totals.lines, quantity: totals.quantity, page: p.page, pageSize: OPS_LIST_PAGE_SIZE };
}

export async function* exportMadeToOrderDue(actor: Actor, p: { from?: string; to?: string }) {
  requirePermission(actor, "order:review");
  const { from, to } = dueRange(p);
  for (let offset = 0; ; offset += 1000) {
    const rows = await q.madeToOrderDueRows(db, from, to, 1000, offset);
    yield rows.map((r) => [
      r.number ?? "",
      r.dealer_code,
      r.dealer_name,
      r.line_no,
      r.sku,
      r.name_zh,
      r.name_en,
      r.quantity,
      r.shipped_qty,
      r.promise_date ?? "",
    ]);
    if (rows.length < 1000) return;
  }
}

export async function financeDashboard(actor: Actor, versions?: Versions) {
  requirePermission(actor, "ledger:post");
  const today = todayIn(env().BUSINESS_TZ);
  return snapshot(`dashboard:finance:${today}`, () => financeFigures(today), versions);
}

async function financeFigures(today: string) {
  const lastPeriod = monthBounds(addDays(monthBounds(today).start, -1)).period;
  const [disputes, confirmation, utilisation, creditHolds] = await Promise.all([
    q.openDisputes(db, now()),
    q.statementConfirmation(db, lastPeriod, today),
    creditUtilisation(),
    q.creditHolds(db, now()),
  ]);
  return { kind: "finance_desk" as const, disputes, confirmation, utilisation, creditHolds };
}

/**
 * Credit used (balance + open orders) ÷ limit per active dealer, highest first: the
 * maintained balances and one pass over the open orders' maintained shipped value
 * (the same definition as creditPosition, decision 003).
 */
async function creditUtilisation(limit = 10) {
  const [dealers, open] = await Promise.all([
    sql<{ id: number; code: string; name: string; credit_limit_minor: number; balance: string | null }>`
      SELECT o.id, o.code, o.name, o.credit_limit_minor, b.balance_minor AS balance
      FROM organisations o LEFT JOIN dealer_balances b ON b.dealer_id = o.id
      WHERE o.kind = 'dealer' AND o.status = 'active'`.execute(db),
    sql<{ dealer_id: number; v: string }>`
      SELECT x.dealer_id, SUM(x.total_minor - x.shipped_value_minor) AS v FROM orders x
      WHERE x.status IN (${sql.join([...OPEN_ORDER_STATUSES])}) GROUP BY x.dealer_id`.execute(db),
  ]);
  const openOf = new Map(open.rows.map((r) => [r.dealer_id, Number(r.v)]));
  return dealers.rows
    .map((r) => {
      const used = Number(r.balance ?? 0) + (openOf.get(r.id) ?? 0);
      return {
        dealerId: r.id,
        code: r.code,
        name: r.name,
        limitMinor: r.credit_limit_minor,
        usedMinor: used,
        ratio: r.credit_limit_minor > 0 ? used / r.credit_limit_minor : null,
      };
    })
    .sort((a, b) => (b.ratio ?? Infinity) - (a.ratio ?? Infinity) || a.code.localeCompare(b.code))
    .slice(0, limit);
}

export type Dashboard =
  | Awaited<ReturnType<typeof dealerDashboard>>
  | Awaited<ReturnType<typeof accountManagerDashboard>>
  | Awaited<ReturnType<typeof opsDashboard>>
  | Awaited<ReturnType<typeof financeDashboard>>;
