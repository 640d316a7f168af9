import { dateTimeFormat } from "./intl";

/** Time helpers. Timestamps are UTC instants; business dates are 'YYYY-MM-DD' in the business time zone. */

export type IsoDate = string; // YYYY-MM-DD

export function now(): Date {
  return new Date(Date.now());
}

const dateFmtCache = new Map<string, Intl.DateTimeFormat>();
function dateFmt(tz: string) {
  let f = dateFmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFmtCache.set(tz, f);
  }
  return f;
}

/** The calendar date of an instant in a time zone. */
export function toBusinessDate(instant: Date, tz: string): IsoDate {
  return dateFmt(tz).format(instant);
}

export function todayIn(tz: string): IsoDate {
  return toBusinessDate(now(), tz);
}

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** date + n working days, skipping weekends and the given holidays. n = 0 gives the date itself. */
export function addWorkingDays(date: IsoDate, n: number, holidays: ReadonlySet<string> = NO_HOLIDAYS): IsoDate {
  if (n <= 0) return date;
  // Whole days since 1970-01-01 (a Thursday): no Date parsing inside the loop.
  let day = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
  const off = holidays.size ? holidayDays(holidays) : null;
  let left = n;
  while (left > 0) {
    day++;
    const dow = (day + 4) % 7; // 0 = Sunday … 6 = Saturday
    if (dow !== 0 && dow !== 6 && !off?.has(day)) left--;
  }
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
const NO_HOLIDAYS: ReadonlySet<string> = new Set();
const holidayDayCache = new WeakMap<ReadonlySet<string>, Set<number>>();
/** A holiday set as whole days since the epoch (computed once per set). */
function holidayDays(holidays: ReadonlySet<string>): Set<number> {
  let days = holidayDayCache.get(holidays);
  if (!days) {
    days = new Set([...holidays].map((h) => Math.round(Date.parse(`${h}T00:00:00Z`) / DAY_MS)).filter(Number.isFinite));
    holidayDayCache.set(holidays, days);
  }
  return days;
}

/** First and last day of the month containing date. */
export function monthBounds(date: IsoDate): { start: IsoDate; end: IsoDate; period: string } {
  const [y, m] = date.split("-").map(Number) as [number, number];
  const start = `${y}-${String(m).padStart(2, "0")}-01`;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start, end: `${y}-${String(m).padStart(2, "0")}-${String(last).padStart(2, "0")}`, period: start.slice(0, 7) };
}

/** The UTC instant at which a business date begins in tz. */
export function startOfBusinessDate(date: IsoDate, tz: string): Date {
  // Find the offset at noon that day, then apply it to midnight (no zone we use shifts at midnight).
  const noonUtc = new Date(`${date}T12:00:00Z`);
  const parts = dateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(noonUtc);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  const offsetMs = asUtc - noonUtc.getTime();
  return new Date(Date.parse(`${date}T00:00:00Z`) - offsetMs);
}

/** "+08:00" for the business time zone at an instant (used with CONVERT_TZ, no tz tables needed). */
export function tzOffset(tz: string, at: Date): string {
  const start = startOfBusinessDate(new Date(at).toISOString().slice(0, 10), tz);
  const midnightUtc = Date.parse(`${new Date(at).toISOString().slice(0, 10)}T00:00:00Z`);
  const minutes = Math.round((midnightUtc - start.getTime()) / 60_000);
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
