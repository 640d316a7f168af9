/**
 * Role dashboards: what needs the caller today and how their business is going.
 * Every figure comes from one KPI query (reports.queries.server.ts) scoped to the
 * caller; the page links each figure to the list behind it.
 */
import { sql } from "kysely";
import { db } from "../../../db/client";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { isDealerRole } from "~/modules/auth/permissions";
import { creditPosition } from "~/modules/ledger/credit.server";
import { env } from "~/utils/env.server";
import { addDays, monthBounds, now, startOfBusinessDate, todayIn } from "~/utils/time";
import type { Period } from "./period";
import * as q from "./reports.queries.server";

/** "+08:00" for the business time zone at an instant (used with CONVERT_TZ, no tz tables needed). */
export function tzOffset(tz: string, at: Date): string {
  const start = startOfBusinessDate(new Date(at).toISOString().slice(0, 10), tz);
  const midnightUtc = Date.parse(`${new Date(at).toISOString().slice(0, 10)}T00:00:00Z`);
  const minutes = Math.round((midnightUtc - start.getTime()) / 60_000);
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export function resolvePeriod(p: Partial<Period>): q.Bounds {
  const tz = env().BUSINESS_TZ;
  const today = todayIn(tz);
  const to = p.to ?? today;
  const from = p.from ?? addDays(to, -89);
  return { from, to, fromInstant: startOfBusinessDate(from, tz), toInstant: startOfBusinessDate(addDays(to, 1), tz), tzOffset: tzOffset(tz, now()) };
}

export function lastMonths(count: number, endDate: string): string[] {
  const out: string[] = [];
  let d = monthBounds(endDate).start;
  for (let i = 0; i < count; i++) {
    out.unshift(d.slice(0, 7));
    d = monthBounds(addDays(d, -1)).start;
  }
  return out;
}

export async function dealerDashboard(actor: Actor, period: Partial<Period>) {
  requirePermission(actor, "dashboard:read");
  if (!isDealerRole(actor.role) || actor.dealerId === null) throw new Error("dealer dashboard for a dealer actor only");
  const dealerId = actor.dealerId;
  const b = resolvePeriod(period);
  const today = todayIn(env().BUSINESS_TZ);
  const [actions, openOrders, credit, pipeline, fill, onTime, toShip, won, credits, trend] = await Promise.all([
    q.dealerActions(db, dealerId, today),
    q.openOrdersByStatus(db, dealerId),
    creditPosition(db, dealerId),
    q.pipelineByStage(db, { dealerId }),
    q.fillRate(db, dealerId, b),
    q.onTimeDelivery(db, dealerId, b),
    q.daysToShip(db, dealerId, b),
    q.dealsWon(db, { dealerId }, b),
    q.creditsReceived(db, dealerId, b),
    q.monthlyTrend(db, dealerId, lastMonths(6, today), b.tzOffset),
  ]);
  return { kind: "dealer" as const, period: { from: b.from, to: b.to }, actions, openOrders, credit, pipeline, fill, onTime, toShip, won, credits, trend };
}

export async function accountManagerDashboard(actor: Actor, period: Partial<Period>) {
  requirePermission(actor, "dashboard:read");
  const amId = actor.userId!;
  const b = resolvePeriod(period);
  const today = todayIn(env().BUSINESS_TZ);
  const [pipeline, won, lost, aging, attention, ranking] = await Promise.all([
    q.pipelineByStage(db, { accountManagerId: amId }),
    q.dealsWon(db, { accountManagerId: amId }, b),
    q.dealsLost(db, amId, b),
    q.dealAging(db, amId, now()),
    q.amAttention(db, amId, today, addDays(today, 14)),
    q.dealerRankingByWonValue(db, amId, b),
  ]);
  const closed = won.count + lost;
  return { kind: "account_manager" as const, period: { from: b.from, to: b.to }, pipeline, won, lost, winRate: closed > 0 ? won.count / closed : null, aging, attention, ranking };
}

export const LOW_STOCK_THRESHOLD = 5;

export async function opsDashboard(actor: Actor) {
  requirePermission(actor, "order:review");
  const today = todayIn(env().BUSINESS_TZ);
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay();
  const weekStart = addDays(today, -((dow + 6) % 7));
  const weekEnd = addDays(weekStart, 6);
  const [queue, backorders, due, alerts] = await Promise.all([
    q.reviewQueue(db),
    q.backordersByProduct(db),
    q.madeToOrderDue(db, weekStart, weekEnd),
    q.stockAlerts(db, LOW_STOCK_THRESHOLD, today),
  ]);
  return { kind: "ops" as const, now: now().toISOString(), week: { from: weekStart, to: weekEnd }, queue, backorders, due, alerts, lowStockThreshold: LOW_STOCK_THRESHOLD };
}

export async function financeDashboard(actor: Actor) {
  requirePermission(actor, "ledger:post");
  const today = todayIn(env().BUSINESS_TZ);
  const lastPeriod = monthBounds(addDays(monthBounds(today).start, -1)).period;
  const [disputes, confirmation, utilisation] = await Promise.all([q.openDisputes(db, now()), q.statementConfirmation(db, lastPeriod, today), creditUtilisation()]);
  return { kind: "finance" as const, disputes, confirmation, utilisation };
}

/** Credit used (balance + open orders) ÷ limit per active dealer, highest first. */
async function creditUtilisation(limit = 10) {
  const rows = await sql<{ id: number; code: string; name: string; credit_limit_minor: number; balance: string | null; open_orders: string | null }>`
    SELECT o.id, o.code, o.name, o.credit_limit_minor, COALESCE(b.balance_minor, 0) AS balance,
           COALESCE((SELECT SUM(x.total_minor - COALESCE((SELECT SUM(s.value_minor) FROM shipments s WHERE s.order_id = x.id), 0))
                     FROM orders x WHERE x.dealer_id = o.id AND x.status IN ('submitted', 'approved', 'partially_shipped')), 0) AS open_orders
    FROM organisations o LEFT JOIN dealer_balances b ON b.dealer_id = o.id
    WHERE o.kind = 'dealer' AND o.status = 'active'`.execute(db);
  return rows.rows
    .map((r) => {
      const used = Number(r.balance ?? 0) + Number(r.open_orders ?? 0);
      return { dealerId: r.id, code: r.code, name: r.name, limitMinor: r.credit_limit_minor, usedMinor: used, ratio: r.credit_limit_minor > 0 ? used / r.credit_limit_minor : null };
    })
    .sort((a, b) => (b.ratio ?? Infinity) - (a.ratio ?? Infinity))
    .slice(0, limit);
}

export type Dashboard =
  | Awaited<ReturnType<typeof dealerDashboard>>
  | Awaited<ReturnType<typeof accountManagerDashboard>>
  | Awaited<ReturnType<typeof opsDashboard>>
  | Awaited<ReturnType<typeof financeDashboard>>;
