/**
 * The service figures page, the dashboards' promise record and their CSV (issue #23, item 6; decision 135).
 * One bounded, indexed query reads the cases opened in the period within the reader's scope
 * (scopes.serviceCase); medians, 90th percentiles and shares are computed in TypeScript (figures.ts).
 */
import { db, type Executor } from "../../../db/client";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { can, scopes } from "~/modules/auth/access.server";
import { loadHolidays } from "~/modules/catalog/calendar.server";
import { env } from "~/utils/env.server";
import { addDays, now, startOfBusinessDate, toBusinessDate, type IsoDate } from "~/utils/time";
import { FIGURES_MAX_CASES, summarise, type FigureCase, type FigureGroup, type Figures } from "./figures";
import { workingMsBetween } from "~/utils/working-hours";

/** The dashboards' promise record looks back this many days. */
const RECORD_DAYS = 90;

type Row = {
  dealer_id: number;
  dealer_code: string;
  dealer_name: string;
  region: string;
  product_line_code: string | null;
  created_at: Date;
  response_due_at: Date;
  resolution_due_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reopen_count: number;
  score: number | null;
};

async function readCases(dbx: Executor, actor: Actor, from: Date, until: Date, dealerId?: number): Promise<{ rows: Row[]; truncated: boolean }> {
  let q = dbx
    .selectFrom("service_cases as sc")
    .innerJoin("organisations as d", "d.id", "sc.dealer_id")
    .leftJoin("products as p", "p.id", "sc.product_id")
    .select([
      "sc.dealer_id",
      "d.code as dealer_code",
      "d.name as dealer_name",
      "d.region",
      "p.product_line_code",
      "sc.created_at",
      "sc.response_due_at",
      "sc.resolution_due_at",
      "sc.first_response_at",
      "sc.resolved_at",
      "sc.closed_at",
      "sc.reopen_count",
      // The latest answered survey of the case (a reopened and re-resolved case may have several).
      (eb) =>
        eb
          .selectFrom("service_survey_answers as a")
          .select("a.score")
          .whereRef("a.case_id", "=", "sc.id")
          .orderBy("a.answered_at", "desc")
          .orderBy("a.id", "desc")
          .limit(1)
          .as("score"),
    ])
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
    .where("sc.created_at", ">=", from)
    .where("sc.created_at", "<", until);
  if (dealerId) q = q.where("sc.dealer_id", "=", dealerId);
  const rows = await q
    .orderBy("sc.created_at", "desc")
    .orderBy("sc.id", "desc")
    .limit(FIGURES_MAX_CASES + 1)
    .execute();
  return { rows: rows.slice(0, FIGURES_MAX_CASES), truncated: rows.length > FIGURES_MAX_CASES };
}

/** One case as the figures read it at `at`, durations in working time on the portal's calendar. */
function toFigureCase(r: Row, at: Date, tz: string, holidays: ReadonlySet<string>): FigureCase {
  const kept = (done: Date | null, due: Date) => (done ? done <= due : at > due ? false : null);
  return {
    responseMs: r.first_response_at ? workingMsBetween(r.created_at, r.first_response_at, tz, holidays) : null,
    resolutionMs: r.resolved_at ? workingMsBetween(r.created_at, r.resolved_at, tz, holidays) : null,
    responseKept: kept(r.first_response_at, r.response_due_at),
    resolutionKept: kept(r.resolved_at, r.resolution_due_at),
    everResolved: r.resolved_at !== null || r.closed_at !== null || r.reopen_count > 0,
    reopened: r.reopen_count > 0,
    score: r.score === null ? null : Number(r.score),
  };
}

export type FiguresQuery = { from?: IsoDate; to?: IsoDate; by: FigureGroup; format?: "csv" | "html" };

/** The period asked for, or the last RECORD_DAYS days up to today (business dates, both ends included). */
function periodOf(q: { from?: IsoDate; to?: IsoDate }, tz: string) {
  const to = q.to ?? toBusinessDate(now(), tz);
  const from = q.from ?? addDays(to, -(RECORD_DAYS - 1));
  return { from, to, start: startOfBusinessDate(from, tz), until: startOfBusinessDate(addDays(to, 1), tz) };
}

export type FigureRow = Figures & { key: string; label: string };

/** The figures page: one row per dealer, product line or region, and the total. */
export async function serviceFigures(actor: Actor, q: FiguresQuery) {
  requirePermission(actor, "service:figures");
  const tz = env().BUSINESS_TZ;
  const p = periodOf(q, tz);
  const at = now();
  const [{ rows, truncated }, holidays, lines] = await Promise.all([
    readCases(db, actor, p.start, p.until),
    loadHolidays(db, addDays(p.from, -1)),
    db.selectFrom("product_lines").select(["code", "name_en", "name_zh"]).execute(),
  ]);
  const groups = new Map<string, { label: string; cases: FigureCase[] }>();
  const all: FigureCase[] = [];
  for (const r of rows) {
    const fc = toFigureCase(r, at, tz, holidays);
    all.push(fc);
    const [key, label] =
      q.by === "dealer"
        ? [String(r.dealer_id), `${r.dealer_code} · ${r.dealer_name}`]
        : q.by === "region"
          ? [r.region, r.region]
          : [r.product_line_code ?? "", r.product_line_code ?? ""];
    const g = groups.get(key) ?? { label, cases: [] };
    g.cases.push(fc);
    groups.set(key, g);
  }
  const lineNames = new Map(lines.map((l) => [l.code, { en: l.name_en, zh: l.name_zh }]));
  const out: FigureRow[] = [...groups].map(([key, g]) => ({ key, label: g.label, ...summarise(g.cases) }));
  out.sort((a, b) => b.cases - a.cases || a.label.localeCompare(b.label));
  return {
    period: { from: p.from, to: p.to },
    by: q.by,
    rows: out.map((r) => ({ ...r, lineName: q.by === "product_line" ? (lineNames.get(r.key) ?? null) : null })),
    total: summarise(all),
    truncated,
  };
}

export const FIGURES_CSV_HEADER = [
  "group",
  "key",
  "label",
  "cases",
  "first_response_median_hours",
  "first_response_p90_hours",
  "resolution_median_hours",
  "resolution_p90_hours",
  "decided",
  "within_promise",
  "within_promise_share",
  "reopen_rate",
  "surveys_answered",
  "satisfaction_avg",
  "satisfied_share",
];

export async function* exportFigures(actor: Actor, q: FiguresQuery) {
  const f = await serviceFigures(actor, q);
  const share = (v: number | null) => (v === null ? "" : v.toFixed(4));
  const n = (v: number | null) => (v === null ? "" : v);
  yield [...f.rows, { key: "", label: "total", ...f.total }].map((r) => [
    f.by,
    r.key,
    r.label,
    r.cases,
    n(r.responseMedianH),
    n(r.responseP90H),
    n(r.resolutionMedianH),
    n(r.resolutionP90H),
    r.decided,
    r.kept,
    share(r.withinPromise),
    share(r.reopenRate),
    r.surveyed,
    n(r.satisfactionAvg),
    share(r.satisfiedShare),
  ]);
}

/**
 * The promise record on the dashboards: for a dealer its own cases, for an account manager the cases of the
 * dealers assigned to them (their "problem resolution"), for the desk every case — the last RECORD_DAYS days.
 */
export async function promiseRecord(actor: Actor) {
  if (!can(actor, "service:read")) return null;
  const tz = env().BUSINESS_TZ;
  const p = periodOf({}, tz);
  const at = now();
  const [{ rows }, holidays] = await Promise.all([readCases(db, actor, p.start, p.until), loadHolidays(db, addDays(p.from, -1))]);
  const s = summarise(rows.map((r) => toFigureCase(r, at, tz, holidays)));
  return {
    days: RECORD_DAYS,
    cases: s.cases,
    decided: s.decided,
    kept: s.kept,
    withinPromise: s.withinPromise,
    resolutionMedianH: s.resolutionMedianH,
    surveyed: s.surveyed,
    satisfactionAvg: s.satisfactionAvg,
    assigned: actor.dealerId === null && can(actor, "key_account:own"),
    figures: can(actor, "service:figures"),
  };
}
