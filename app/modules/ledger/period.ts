/** Statement periods are calendar months 'YYYY-MM' in the business time zone (the ledger's; statements close them). Browser-safe. */
import { addDays, monthBounds, type IsoDate } from "~/utils/time";

export const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(s: string): boolean {
  return PERIOD_RE.test(s);
}

export function periodBounds(period: string): { start: IsoDate; end: IsoDate } {
  const { start, end } = monthBounds(`${period}-01`);
  return { start, end };
}

export function periodOf(date: IsoDate): string {
  return date.slice(0, 7);
}

export function previousPeriod(period: string): string {
  return periodOf(addDays(`${period}-01`, -1));
}

export function nextPeriod(period: string): string {
  return periodOf(addDays(periodBounds(period).end, 1));
}

/** The last `n` periods that have ended before `today`, newest first. */
export function endedPeriods(today: IsoDate, n: number): string[] {
  const out: string[] = [];
  let p = previousPeriod(periodOf(today));
  for (let i = 0; i < n; i++) {
    out.push(p);
    p = previousPeriod(p);
  }
  return out;
}
