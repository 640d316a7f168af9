/**
 * Sell-out reporting periods (browser-safe): a dealer reports per calendar month ("2026-11") or per ISO
 * week ("2026-W48", Monday to Sunday), chosen per dealer. Dates are business dates (YYYY-MM-DD in the
 * business time zone); a period can be reported once it has ended.
 */
import { addDays, monthBounds, type IsoDate } from "~/utils/time";

export const FREQUENCIES = ["month", "week"] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export type Period = { key: string; frequency: Frequency; start: IsoDate; end: IsoDate };

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK_RE = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

const utc = (d: IsoDate) => Date.parse(`${d}T00:00:00Z`);

/** Monday of the ISO week that holds `date`. */
function mondayOf(date: IsoDate): IsoDate {
  const dow = (new Date(utc(date)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(date, -dow);
}

/** The ISO week-year and week number of a date. */
function isoWeek(date: IsoDate): { year: number; week: number } {
  const thursday = addDays(mondayOf(date), 3);
  const year = Number(thursday.slice(0, 4));
  const jan4Monday = mondayOf(`${year}-01-04`);
  return { year, week: Math.round((utc(mondayOf(date)) - utc(jan4Monday)) / (7 * 86_400_000)) + 1 };
}

/** The period of a frequency that holds a date. */
export function periodOf(date: IsoDate, frequency: Frequency): Period {
  if (frequency === "month") {
    const m = monthBounds(date);
    return { key: m.period, frequency, start: m.start, end: m.end };
  }
  const { year, week } = isoWeek(date);
  const start = mondayOf(date);
  return { key: `${year}-W${String(week).padStart(2, "0")}`, frequency, start, end: addDays(start, 6) };
}

/** A period from its key ("2026-11" or "2026-W48"); null when the key is not one. */
export function parsePeriodKey(key: string): Period | null {
  const m = MONTH_RE.exec(key);
  if (m) return periodOf(`${m[1]}-${m[2]}-01`, "month");
  const w = WEEK_RE.exec(key);
  if (!w) return null;
  const year = Number(w[1]);
  const start = addDays(mondayOf(`${year}-01-04`), (Number(w[2]) - 1) * 7);
  const p = periodOf(start, "week");
  return p.key === key ? p : null; // week 53 of a year that has only 52
}

function previousPeriod(p: Period): Period {
  return periodOf(addDays(p.start, -1), p.frequency);
}

/** The last period of a frequency that has ended by `today` (yesterday's period). */
export function lastEndedPeriod(today: IsoDate, frequency: Frequency): Period {
  return previousPeriod(periodOf(today, frequency));
}

/** The `count` latest ended periods, newest first. */
export function endedPeriods(today: IsoDate, frequency: Frequency, count: number): Period[] {
  const out: Period[] = [];
  let p = lastEndedPeriod(today, frequency);
  for (let i = 0; i < count; i++) {
    out.push(p);
    p = previousPeriod(p);
  }
  return out;
}

export function hasEnded(p: Period, today: IsoDate): boolean {
  return p.end < today;
}

/** Whole days from the day after the period's end to `today` (0 on the first day after). */
export function daysSinceEnd(p: Period, today: IsoDate): number {
  return Math.round((utc(today) - utc(p.end)) / 86_400_000) - 1;
}

export const isFrequency = (v: unknown): v is Frequency => typeof v === "string" && (FREQUENCIES as readonly string[]).includes(v);
