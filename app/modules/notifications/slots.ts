/**
 * Job periods and slots. A slot names one period of a job ("2026-11-23" for a
 * daily job) in the business time zone; job_runs is unique on (job, slot), so
 * whichever runner claims the slot first does the work and every other runner,
 * however skewed its clock by a few seconds, computes the same slot and skips.
 */
import { addDays, startOfBusinessDate, type IsoDate } from "~/utils/time";

export type Period = "minute" | "hour" | "day" | "week" | "month";

type Parts = { year: number; month: number; day: number; hour: number; minute: number };

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function partsIn(instant: Date, tz: string): Parts {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    fmtCache.set(tz, f);
  }
  const p = f.formatToParts(instant);
  const get = (t: string) => Number(p.find((x) => x.type === t)!.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** ISO-8601 week of a calendar date: { year, week }. */
export function isoWeek(date: IsoDate): { year: number; week: number } {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = d.getUTCDay() || 7; // Monday = 1 … Sunday = 7
  d.setUTCDate(d.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = d.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.ceil(((d.getTime() - jan1) / 86_400_000 + 1) / 7);
  return { year, week };
}

/** Monday of the ISO week containing date. */
function mondayOf(date: IsoDate): IsoDate {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  return addDays(date, 1 - dow);
}

/**
 * The slot of an instant for a period, in tz. The instant is first rounded to
 * the nearest minute, so a trigger a few seconds early or late (clock skew
 * between runners) lands in the slot of the minute it was meant for.
 */
export function slotFor(period: Period, instant: Date, tz: string): string {
  const rounded = new Date(Math.round(instant.getTime() / 60_000) * 60_000);
  const p = partsIn(rounded, tz);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  switch (period) {
    case "minute":
      return `${date}T${pad(p.hour)}:${pad(p.minute)}`;
    case "hour":
      return `${date}T${pad(p.hour)}`;
    case "day":
      return date;
    case "week": {
      const w = isoWeek(date);
      return `${w.year}-W${pad(w.week)}`;
    }
    case "month":
      return `${p.year}-${pad(p.month)}`;
  }
}

/** The instant the period containing `instant` begins, in tz. */
export function periodStart(period: Period, instant: Date, tz: string): Date {
  const p = partsIn(instant, tz);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  const dayStart = startOfBusinessDate(date, tz);
  switch (period) {
    case "minute":
      return new Date(dayStart.getTime() + (p.hour * 60 + p.minute) * 60_000);
    case "hour":
      return new Date(dayStart.getTime() + p.hour * 3_600_000);
    case "day":
      return dayStart;
    case "week":
      return startOfBusinessDate(mondayOf(date), tz);
    case "month":
      return startOfBusinessDate(`${p.year}-${pad(p.month)}-01`, tz);
  }
}

/** The slot a manual "run now" claims: never collides with a scheduled slot. */
export function manualSlot(at: Date): string {
  return `manual:${at.getTime()}`;
}

export function isManualSlot(slot: string): boolean {
  return slot.startsWith("manual:");
}

/** The month before a 'YYYY-MM' period. */
export function previousMonth(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
}
