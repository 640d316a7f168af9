/**
 * The dealer-profit measures (issue #24 item 2): inventory turnover days, gross margin including rebates, problem
 * resolution and share of category sales, as decision 137 defines them and decision 139 completes. Actor first,
 * scoped by the access module: a dealer reads its own figures, an account manager those of the dealers assigned to
 * them (another dealer's: 404), finance and the administrator every dealer's; the ranking of account managers is
 * the administrator's. Every figure is Σ numerators / Σ denominators (measures.ts) over sums the database aggregates
 * per period (measures.queries.server.ts).
 */
import { db, type Executor } from "../../../db/client";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { requireDealerAccess, scopes } from "~/modules/auth/access.server";
import { rolesWith } from "~/modules/auth/permissions";
import { loadHolidays } from "~/modules/catalog/calendar.server";
import { percentile } from "~/utils/stats";
import { workingMsBetween } from "~/utils/working-hours";
import { env } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";
import { addDays, now, startOfBusinessDate, todayIn, tzOffset, type IsoDate } from "~/utils/time";
import { endedPeriods, isFrequency, lastEndedPeriod, parsePeriodKey } from "./period";
import { categoryMargins, stockMovementCheck } from "./measures.detail.server";
import {
  LOWER_IS_BETTER,
  OVERSTOCK_FACTOR,
  SLOW_MOVER_SOLD_PER_HELD,
  ZERO_SUMS,
  addSums,
  measuresOf,
  sumAll,
  type MeasureSums,
  type Measures,
  type RankBy,
} from "./measures";
import * as q from "./measures.queries.server";
import { dealerRow } from "./sellout.queries.server";
import { restatePeriods, storedFigures } from "./sellout.derived.server";
import { transaction } from "~/utils/tx.server";
import { snapshot, type Versions } from "~/utils/snapshots.server";

const dayCount = (p: { starts_on: IsoDate; ends_on: IsoDate }) => Math.round((Date.parse(p.ends_on) - Date.parse(p.starts_on)) / 86_400_000) + 1;

/**
 * The sell-out and ledger sums of each reported period in `periods`: the sell-out part from the periods' stored
 * figures (sellout.derived.server.ts, decision 144: one row per period), computed first for a period that has none
 * yet; rebates, returns and fees from the ledger. Two queries, whatever the number of dealers and periods.
 */
async function selloutSums(dbx: Executor, periods: readonly q.PeriodRow[]): Promise<Map<number, MeasureSums>> {
  const reported = periods.filter((p) => p.reported);
  const ids = reported.map((p) => p.id);
  const out = new Map<number, MeasureSums>(reported.map((p) => [p.id, { ...ZERO_SUMS, reported: 1 }]));
  if (!ids.length) return out;
  const [stored, ledger] = await Promise.all([storedFigures(dbx, ids), q.ledgerSums(dbx, reported)]);
  let figures = stored;
  if (stored.length < ids.length) {
    const have = new Set(stored.map((f) => f.periodId));
    const missing = ids.filter((id) => !have.has(id));
    await transaction("sellout.figures", (tx) => restatePeriods(tx, missing));
    figures = [...stored, ...(await storedFigures(dbx, missing))];
  }
  for (const f of figures) {
    const m = out.get(f.periodId)!;
    m.unitsSold += f.unitsSold;
    m.revenueMinor += f.revenueMinor;
    m.shareOursMinor += f.shareOursMinor;
    m.shareTotalMinor += f.shareTotalMinor;
    m.unitDays2 += f.unitDays2;
    m.costMinor += f.costBoughtMinor + f.costListMinor;
    m.costedAtTierPrice += f.skusListPriced;
  }
  for (const l of ledger) {
    const m = out.get(l.periodId)!;
    m.rebatesMinor += l.rebatesMinor;
    m.costMinor -= l.returnsMinor;
    m.feesMinor += l.feesMinor;
  }
  return out;
}

/** Service cases due and kept, and surveys, per dealer and business day in [from, to]. */
async function serviceDays(dbx: Executor, dealerIds: readonly number[], from: IsoDate, to: IsoDate) {
  const tz = env().BUSINESS_TZ;
  const start = startOfBusinessDate(from, tz);
  const until = startOfBusinessDate(addDays(to, 1), tz);
  const offset = tzOffset(tz, now());
  const [cases, surveys] = await Promise.all([q.casesDueByDay(dbx, dealerIds, start, until, offset), q.surveysByDay(dbx, dealerIds, start, until, offset)]);
  return { cases, surveys };
}

function addService(m: MeasureSums, s: { due?: number; kept?: number; n?: number; total?: number }) {
  m.casesDue += s.due ?? 0;
  m.casesKept += s.kept ?? 0;
  m.surveys += s.n ?? 0;
  m.surveyScoreSum += s.total ?? 0;
}

export type PeriodFigures = {
  key: string;
  start: IsoDate;
  end: IsoDate;
  status: "not_reported" | "open" | "closed";
  sums: MeasureSums;
  measures: Measures;
};

type SkuLine = { sku: string; nameEn: string; nameZh: string; onHand: number; soldLast: number; sold3: number; turnoverDays: number | null };

const DASHBOARD_LIST = 5;
const PAGE_LIST = 50;

/**
 * One dealer's measures: its last 12 ended periods (its own frequency), the trailing 3 and 12, the share per
 * category over the last 3, first response and median time to resolution, and what would improve the figures
 * (slow movers, overstocked SKUs, SKUs selling out). Another dealer's, or one not assigned to the account manager: 404.
 */
export async function dealerMeasures(
  actor: Actor,
  dealerId: number,
  opts: { lists?: "dashboard" | "page"; period?: string; page?: number; versions?: Versions } = {},
) {
  requirePermission(actor, "measures:view");
  await requireDealerAccess(db, actor, "measures:view", dealerId);
  // A period asked for must be one of the dealer's 12 on the page (checked below); one that is not a key at all: 404 at once.
  if (opts.period !== undefined && !parsePeriodKey(opts.period)) throw new NotFoundError();
  const today = todayIn(env().BUSINESS_TZ);
  // Shared by every reader of the dealer's figures until the data moves (or a minute passes), as the dashboards are.
  const m = await snapshot(
    `measures:dealer:${dealerId}:${today}:${opts.lists ?? ""}:${opts.period ?? ""}`,
    () => computeDealerMeasures(dealerId, today, opts.lists, opts.period),
    opts.versions,
  );
  // The stock cross-check is not the dealer's (decision 145): only who may see it gets it, in its own snapshot.
  const stockCheck =
    opts.lists === "page" && can(actor, "measures:stock_check")
      ? await snapshot(
          `measures:stock:${dealerId}:${today}:${m.selected.key}:${opts.page ?? 1}`,
          () => stockMovementCheck(actor, dealerId, m.window, m.selected, opts.page ?? 1),
          opts.versions,
        )
      : null;
  const { window: _window, ...shown } = m;
  return { ...shown, stockCheck };
}

async function computeDealerMeasures(dealerId: number, today: IsoDate, listsFor: "dashboard" | "page" | undefined, periodKey: string | undefined) {
  const opts = { lists: listsFor };
  const dealer = await dealerRow(db, dealerId);
  if (!dealer) throw new NotFoundError();
  const frequency = isFrequency(dealer.frequency) ? dealer.frequency : "month";
  const wanted = endedPeriods(today, frequency, 12); // newest first
  const oldest = wanted[wanted.length - 1]!;
  const rows = await q.periodsEnding(db, [dealerId], addDays(oldest.start, -1), wanted[0]!.end);
  const rowByKey = new Map(rows.map((r) => [r.period_key, r]));
  const inWindow = wanted.flatMap((p) => {
    const r = rowByKey.get(p.key);
    return r && r.starts_on === p.start ? [r] : [];
  });
  // The period the page details (margin per category, stock check): the one asked for, else the latest reported.
  const selected =
    periodKey === undefined
      ? (wanted.find((p) => inWindow.some((r) => r.period_key === p.key && r.reported)) ?? wanted[0]!)
      : wanted.find((p) => p.key === periodKey);
  if (!selected) throw new NotFoundError();
  const selectedRow = inWindow.find((r) => r.period_key === selected.key && r.reported) ?? null;
  const [sums, service] = await Promise.all([selloutSums(db, inWindow), serviceDays(db, [dealerId], oldest.start, wanted[0]!.end)]);
  const periods: PeriodFigures[] = wanted.map((p) => {
    const r = rowByKey.get(p.key);
    const s: MeasureSums = { ...(r ? (sums.get(r.id) ?? ZERO_SUMS) : ZERO_SUMS) };
    for (const c of service.cases) if (c.day >= p.start && c.day <= p.end) addService(s, c);
    for (const v of service.surveys) if (v.day >= p.start && v.day <= p.end) addService(s, v);
    const status = !r || !r.reported ? "not_reported" : r.status === "closed" ? "closed" : "open";
    return { key: p.key, start: p.start, end: p.end, status, sums: s, measures: measuresOf(s) };
  });
  const last3 = sumAll(periods.slice(0, 3).map((p) => p.sums));
  const last12 = sumAll(periods.map((p) => p.sums));
  const limit = opts.lists === "dashboard" ? DASHBOARD_LIST : PAGE_LIST;
  const [lists, categories, resolution, margins] = await Promise.all([
    improvementLists(
      inWindow.filter((r) => wanted.slice(0, 3).some((p) => p.key === r.period_key)),
      rows,
      measuresOf(last3).turnoverDays,
      limit,
    ),
    opts.lists === "page" ? categoryShares(inWindow.filter((r) => wanted.slice(0, 3).some((p) => p.key === r.period_key))) : Promise.resolve([]),
    opts.lists === "page" ? resolutionDetail(dealerId, wanted[2]?.start ?? oldest.start, wanted[0]!.end) : Promise.resolve(null),
    opts.lists === "page" ? categoryMargins(dealerId, inWindow, selectedRow) : Promise.resolve(null),
  ]);
  return {
    dealer: { id: dealer.id, code: dealer.code, name: dealer.name, currency: dealer.currency, frequency },
    today,
    periods,
    trailing3: { sums: last3, measures: measuresOf(last3) },
    trailing12: { sums: last12, measures: measuresOf(last12) },
    lists,
    categories,
    resolution,
    /** The period the page details, and the dealer's periods it may choose from (newest first). */
    selected: { key: selected.key, start: selected.start, end: selected.end, reported: selectedRow !== null },
    choices: wanted.map((p) => p.key),
    /** Margin per category for the selected period and the trailing 12 (decision 145), on the page only. */
    margins,
    /** The periods read (with the one before the oldest), for the stock check; not sent to the page. */
    window: rows,
  };
}

/**
 * Slow movers, overstocked SKUs and SKUs selling out, from the SKUs of the last 3 periods (decision 139): on hand at
 * the end of the latest reported one; sold in it and over the three.
 */
async function improvementLists(last3: readonly q.PeriodRow[], all: readonly q.PeriodRow[], rangeDays: number | null, limit: number) {
  const reported = last3.filter((p) => p.reported).sort((a, b) => (a.ends_on < b.ends_on ? 1 : -1));
  const empty = { slow: [] as SkuLine[], overstocked: [] as SkuLine[], sellingOut: [] as SkuLine[], counts: { slow: 0, overstocked: 0, sellingOut: 0 } };
  const latest = reported[0];
  if (!latest) return empty;
  const prevOf = new Map(reported.map((p) => [p.id, all.find((x) => x.dealer_id === p.dealer_id && x.ends_on === addDays(p.starts_on, -1))]));
  const prevIds = [...prevOf.values()].flatMap((p) => (p ? [p.id] : []));
  const rows = await q.skuRows(db, [...new Set([...reported.map((p) => p.id), ...prevIds])]);
  const byKey = new Map(rows.map((r) => [`${r.periodId}:${r.productId}`, r]));
  const skus = new Map<number, SkuLine & { unitDays2: number }>();
  for (const r of rows) {
    if (!reported.some((p) => p.id === r.periodId)) continue;
    const s = skus.get(r.productId) ?? { sku: r.sku, nameEn: r.nameEn, nameZh: r.nameZh, onHand: 0, soldLast: 0, sold3: 0, turnoverDays: null, unitDays2: 0 };
    const period = reported.find((p) => p.id === r.periodId)!;
    s.sold3 += r.units;
    if (r.periodId === latest.id) {
      s.soldLast = r.units;
      s.onHand = r.onHand ?? 0;
    }
    if (r.onHand !== null) {
      const prev = prevOf.get(period.id);
      const opening = prev ? byKey.get(`${prev.id}:${r.productId}`)?.onHand : null;
      s.unitDays2 += (r.onHand + (opening ?? r.onHand)) * dayCount(period);
    }
    skus.set(r.productId, s);
  }
  const lines = [...skus.values()].map(({ unitDays2, ...s }) => ({
    ...s,
    turnoverDays: s.sold3 > 0 ? Math.round((unitDays2 / (2 * s.sold3)) * 10) / 10 : null,
  }));
  const slow = lines
    .filter((s) => s.onHand > 0 && s.sold3 < s.onHand * SLOW_MOVER_SOLD_PER_HELD)
    .sort((a, b) => b.onHand - a.onHand || a.sku.localeCompare(b.sku));
  const slowSkus = new Set(slow.map((s) => s.sku));
  const overstocked =
    rangeDays === null
      ? []
      : lines
          .filter((s) => !slowSkus.has(s.sku) && s.onHand > 0 && s.turnoverDays !== null && s.turnoverDays > rangeDays * OVERSTOCK_FACTOR)
          .sort((a, b) => b.turnoverDays! - a.turnoverDays! || a.sku.localeCompare(b.sku));
  const sellingOut = lines
    .filter((s) => s.soldLast > 0 && s.onHand < s.soldLast)
    .sort((a, b) => b.soldLast - b.onHand - (a.soldLast - a.onHand) || a.sku.localeCompare(b.sku));
  return {
    slow: slow.slice(0, limit),
    overstocked: overstocked.slice(0, limit),
    sellingOut: sellingOut.slice(0, limit),
    counts: { slow: slow.length, overstocked: overstocked.length, sellingOut: sellingOut.length },
  };
}

/** Our share of the dealer's sales per category over the given periods (categories with a reported total). */
async function categoryShares(periods: readonly q.PeriodRow[]) {
  const ids = periods.filter((p) => p.reported).map((p) => p.id);
  const [sales, totals, names] = await Promise.all([
    q.salesByCategory(db, ids),
    q.categoryTotals(db, ids),
    db.selectFrom("categories").select(["code", "name_en", "name_zh", "sort_order"]).execute(),
  ]);
  const ours = new Map<string, number>();
  for (const s of sales) ours.set(`${s.periodId}:${s.category}`, s.revenueMinor);
  const byCategory = new Map<string, { oursMinor: number; totalMinor: number }>();
  for (const t of totals) {
    const o = ours.get(`${t.periodId}:${t.category}`);
    if (o === undefined) continue; // decision 137: the categories that have both
    const c = byCategory.get(t.category) ?? { oursMinor: 0, totalMinor: 0 };
    c.oursMinor += o;
    c.totalMinor += t.totalMinor;
    byCategory.set(t.category, c);
  }
  const order = new Map(names.map((n) => [n.code, n]));
  return [...byCategory]
    .map(([code, c]) => {
      const raw = c.totalMinor > 0 ? Math.round((c.oursMinor * 10_000) / c.totalMinor) : null;
      return {
        code,
        nameEn: order.get(code)?.name_en ?? code,
        nameZh: order.get(code)?.name_zh ?? code,
        ...c,
        shareBp: raw === null ? null : Math.min(raw, 10_000),
        shareRawBp: raw,
      };
    })
    .sort((a, b) => (order.get(a.code)?.sort_order ?? 0) - (order.get(b.code)?.sort_order ?? 0) || a.code.localeCompare(b.code));
}

/** First response kept and the median working hours to resolution of the dealer's cases due in [from, to]. */
async function resolutionDetail(dealerId: number, from: IsoDate, to: IsoDate) {
  const tz = env().BUSINESS_TZ;
  const [cases, holidays] = await Promise.all([
    q.casesOfDealer(db, dealerId, startOfBusinessDate(from, tz), startOfBusinessDate(addDays(to, 1), tz)),
    loadHolidays(db, addDays(from, -60)),
  ]);
  const at = now();
  const responseDue = cases.filter((c) => c.response_due_at <= at);
  const responseKept = responseDue.filter((c) => c.first_response_at !== null && c.first_response_at <= c.response_due_at).length;
  const hours = cases.flatMap((c) => (c.resolved_at ? [workingMsBetween(c.created_at, c.resolved_at, tz, holidays) / 3_600_000] : []));
  const median = percentile(hours, 0.5);
  return {
    from,
    to,
    cases: cases.length,
    firstResponseKeptBp: responseDue.length ? Math.round((responseKept * 10_000) / responseDue.length) : null,
    medianResolutionHours: median === null ? null : Math.round(median * 10) / 10,
  };
}

// ---------------------------------------------------------------- views across dealers: calendar months

/** The last 12 ended calendar months, newest first, as [start, end]. */
function lastMonths(today: IsoDate) {
  return endedPeriods(today, "month", 12).map((p) => ({ key: p.key, start: p.start, end: p.end }));
}

export type DealerSums = { m3: MeasureSums; m12: MeasureSums };

/**
 * Per dealer, the sums of its periods over the last 3 and 12 ended calendar months. A weekly dealer's week counts in
 * the month of its Thursday (ISO rule, decision 137); a week not yet ended does not count.
 */
async function monthSums(dbx: Executor, dealerIds: readonly number[], today: IsoDate): Promise<Map<number, DealerSums>> {
  const out = new Map<number, DealerSums>(dealerIds.map((id) => [id, { m3: { ...ZERO_SUMS }, m12: { ...ZERO_SUMS } }]));
  if (!dealerIds.length) return out;
  const months = lastMonths(today);
  const first = months[months.length - 1]!.start;
  const recent = months[2]!.start;
  const lastEnd = months[0]!.end;
  const rows = await q.periodsEnding(dbx, dealerIds, addDays(first, -40), addDays(lastEnd, 6));
  const thursday = (p: q.PeriodRow) => addDays(p.starts_on, 3);
  const inWindow = rows.filter((p) => p.ends_on < today && thursday(p) >= first && thursday(p) <= lastEnd);
  const [sums, service] = await Promise.all([selloutSums(dbx, inWindow), serviceDays(dbx, dealerIds, first, lastEnd)]);
  const add = (dealerId: number, day: IsoDate, s: MeasureSums) => {
    const d = out.get(dealerId);
    if (!d) return;
    d.m12 = addSums(d.m12, s);
    if (day >= recent) d.m3 = addSums(d.m3, s);
  };
  for (const p of inWindow) add(p.dealer_id, thursday(p), sums.get(p.id) ?? ZERO_SUMS);
  for (const c of service.cases) add(c.dealerId, c.day, { ...ZERO_SUMS, casesDue: c.due, casesKept: c.kept });
  for (const v of service.surveys) add(v.dealerId, v.day, { ...ZERO_SUMS, surveys: v.n, surveyScoreSum: v.total });
  return out;
}

const LIST_PAGE_SIZE = 50;

type DealerListRow = {
  id: number;
  code: string;
  name: string;
  accountManager: string | null;
  lastReported: boolean;
  m3: Measures;
  m12: Measures;
  m12Sums: MeasureSums;
};

/**
 * The dealers the actor may see with their four figures over the last 3 and 12 months (`months`: the 3), by code, a page at a time;
 * for an account manager also their own scorecard: their dealers' sums added up.
 */
export async function dealerMeasureList(actor: Actor, p: { page: number }, versions?: Versions) {
  requirePermission(actor, "measures:view");
  const today = todayIn(env().BUSINESS_TZ);
  // Per reader: the dealers in scope (and an account manager's scorecard) are the reader's own.
  return snapshot(`measures:list:${actor.kind}:${actor.userId}:${today}:${p.page}`, () => computeDealerMeasureList(actor, p, today), versions);
}

async function computeDealerMeasureList(actor: Actor, p: { page: number }, today: IsoDate) {
  const base = db.selectFrom("organisations as o").where("o.kind", "=", "dealer").where("o.status", "=", "active").where(scopes.dealer.where(actor));
  const [{ n }, dealers] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .leftJoin("users as am", "am.id", "o.account_manager_id")
      .select(["o.id", "o.code", "o.name", "am.name as account_manager"])
      .orderBy("o.code")
      .limit(LIST_PAGE_SIZE)
      .offset((p.page - 1) * LIST_PAGE_SIZE)
      .execute(),
  ]);
  const sums = await monthSums(
    db,
    dealers.map((d) => d.id),
    today,
  );
  const last = lastEndedPeriod(today, "month");
  const reported = await q.periodsEnding(
    db,
    dealers.map((d) => d.id),
    last.start,
    last.end,
  );
  const rows: DealerListRow[] = dealers.map((d) => {
    const s = sums.get(d.id)!;
    return {
      id: d.id,
      code: d.code,
      name: d.name,
      accountManager: d.account_manager,
      lastReported: reported.some((r) => r.dealer_id === d.id && r.reported),
      m3: measuresOf(s.m3),
      m12: measuresOf(s.m12),
      m12Sums: s.m12,
    };
  });
  // The account manager's scorecard: all their dealers (a short list), not only this page.
  let scorecard: { dealers: number; m3: Measures; m12: Measures } | null = null;
  if (reachesAssigned(actor)) {
    const all = Number(n) <= LIST_PAGE_SIZE ? [...sums.values()] : [...(await monthSums(db, await dealerIdsInScope(actor), today)).values()];
    scorecard = { dealers: all.length, m3: measuresOf(sumAll(all.map((s) => s.m3))), m12: measuresOf(sumAll(all.map((s) => s.m12))) };
  }
  return { months: { from: lastMonths(today)[2]!.key, to: last.key }, rows, total: Number(n), page: p.page, pageSize: LIST_PAGE_SIZE, scorecard };
}

/** An account manager (the dealers assigned to them): the one reader with a scorecard of their own. */
function reachesAssigned(actor: Actor) {
  return actor.kind !== "system" && actor.dealerId === null && can(actor, "key_account:own");
}

async function dealerIdsInScope(actor: Actor) {
  const rows = await db
    .selectFrom("organisations as o")
    .select("o.id")
    .where("o.kind", "=", "dealer")
    .where("o.status", "=", "active")
    .where(scopes.dealer.where(actor))
    .execute();
  return rows.map((r) => r.id);
}

export const DEALER_CSV_HEADER = [
  "dealer_code",
  "dealer_name",
  "manager",
  "turnover_days_3m",
  "gross_margin_3m",
  "resolution_rate_3m",
  "share_3m",
  "turnover_days_12m",
  "gross_margin_12m",
  "resolution_rate_12m",
  "share_12m",
  "satisfaction_12m",
  "revenue_12m_minor",
];

const ratio = (v: number | null) => (v === null ? "" : (v / 10_000).toFixed(4));
const plain = (v: number | null) => (v === null ? "" : v);
/** The turnover, margin, resolution and share cells of a CSV row (satisfaction, where a row has it, follows). */
const measureCells = (m: Measures) => [plain(m.turnoverDays), ratio(m.marginBp), ratio(m.resolutionBp), ratio(m.shareBp)];

export async function* exportDealerMeasures(actor: Actor) {
  for (let page = 1; ; page++) {
    const l = await dealerMeasureList(actor, { page });
    yield l.rows.map((r) => [
      r.code,
      r.name,
      r.accountManager ?? "",
      ...measureCells(r.m3),
      ...measureCells(r.m12),
      plain(r.m12.satisfaction),
      r.m12Sums.revenueMinor,
    ]);
    if (page * l.pageSize >= l.total) return;
  }
}

/** One dealer's periods as CSV rows (the figures and the sums behind them). */
export async function* exportDealerPeriods(actor: Actor, dealerId: number) {
  const m = await dealerMeasures(actor, dealerId);
  yield m.periods.map((p) => [
    m.dealer.code,
    p.key,
    p.start,
    p.end,
    p.status,
    ...measureCells(p.measures),
    plain(p.measures.satisfaction),
    p.sums.unitsSold,
    p.sums.revenueMinor,
    p.sums.costMinor,
    p.sums.rebatesMinor,
    p.sums.feesMinor,
    p.sums.casesDue,
    p.sums.casesKept,
  ]);
}

export const PERIOD_CSV_HEADER = [
  "dealer_code",
  "period",
  "starts_on",
  "ends_on",
  "status",
  "turnover_days",
  "gross_margin",
  "resolution_rate",
  "share",
  "satisfaction",
  "units_sold",
  "revenue_minor",
  "cost_minor",
  "rebates_minor",
  "fees_minor",
  "cases_due",
  "cases_kept",
];

// ---------------------------------------------------------------- the administrator's ranking of account managers

const RANK_PAGE_SIZE = 50;

/**
 * Account managers ranked by their dealers' figure over the last 12 months (Σ numerators / Σ denominators over the
 * dealers assigned to them; a manager without a figure ranks last), with the last 3 months beside it.
 */
export async function managerRanking(actor: Actor, p: { by: RankBy; page: number }) {
  const { all, ...r } = await rankManagers(actor, p.by);
  const start = (p.page - 1) * RANK_PAGE_SIZE;
  return { ...r, rows: all.slice(start, start + RANK_PAGE_SIZE), total: all.length, page: p.page, pageSize: RANK_PAGE_SIZE };
}

async function rankManagers(actor: Actor, by: RankBy) {
  requirePermission(actor, "measures:rank");
  const today = todayIn(env().BUSINESS_TZ);
  return snapshot(`measures:rank:${by}:${today}`, () => computeRanking(by, today));
}

async function computeRanking(by: RankBy, today: IsoDate) {
  const [managers, dealers] = await Promise.all([
    db.selectFrom("users").select(["id", "name", "email"]).where("role", "in", rolesWith("key_account:own")).where("status", "=", "active").execute(),
    db
      .selectFrom("organisations")
      .select(["id", "account_manager_id"])
      .where("kind", "=", "dealer")
      .where("status", "=", "active")
      .where("account_manager_id", "is not", null)
      .execute(),
  ]);
  const sums = await monthSums(
    db,
    dealers.map((d) => d.id),
    today,
  );
  const rows = managers.map((m) => {
    const mine = dealers.filter((d) => d.account_manager_id === m.id).map((d) => sums.get(d.id)!);
    const m3 = sumAll(mine.map((s) => s.m3));
    const m12 = sumAll(mine.map((s) => s.m12));
    return { id: m.id, name: m.name, email: m.email, dealers: mine.length, m3: measuresOf(m3), m12: measuresOf(m12), revenue12Minor: m12.revenueMinor };
  });
  const lower = LOWER_IS_BETTER[by];
  rows.sort((a, b) => {
    const x = a.m12[by];
    const y = b.m12[by];
    if (x === null || y === null) return x === y ? a.name.localeCompare(b.name) : x === null ? 1 : -1;
    return (lower ? x - y : y - x) || a.name.localeCompare(b.name);
  });
  return {
    by,
    months: { from: lastMonths(today)[11]!.key, to: lastEndedPeriod(today, "month").key },
    all: rows.map((r, i) => ({ ...r, rank: i + 1 })),
  };
}

export const RANKING_CSV_HEADER = [
  "rank",
  "manager",
  "email",
  "dealers",
  "turnover_days_12m",
  "gross_margin_12m",
  "resolution_rate_12m",
  "share_12m",
  "satisfaction_12m",
  "turnover_days_3m",
  "gross_margin_3m",
  "resolution_rate_3m",
  "share_3m",
  "revenue_12m_minor",
];

export async function* exportManagerRanking(actor: Actor, by: RankBy) {
  const r = await rankManagers(actor, by);
  yield r.all.map((m) => [m.rank, m.name, m.email, m.dealers, ...measureCells(m.m12), plain(m.m12.satisfaction), ...measureCells(m.m3), m.revenue12Minor]);
}
