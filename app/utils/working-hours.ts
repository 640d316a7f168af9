/**
 * Working time on the portal's calendar (docs/decisions/129-service-promise-working-time.md): the clock runs
 * only on working days of the business time zone (not on weekends, not on the holidays of /admin/holidays),
 * 24 hours a day on those days. Browser-safe and pure: the holidays are passed in. The service promise and
 * the dealer-profit measures both count in it.
 */
import { addDays, startOfBusinessDate, toBusinessDate, type IsoDate } from "~/utils/time";

const HOUR = 3_600_000;

function isWorkingDay(date: IsoDate, holidays: ReadonlySet<string>): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !holidays.has(date);
}

/** The instant at which `hours` working hours have run from `start`. */
export function addWorkingHours(start: Date, hours: number, tz: string, holidays: ReadonlySet<string>): Date {
  let left = hours * HOUR;
  let cur = start.getTime();
  // Bounded: a year of days is more than any promise (at most 1000 hours) can span.
  for (let i = 0; i < 400; i++) {
    const day = toBusinessDate(new Date(cur), tz);
    const dayEnd = startOfBusinessDate(addDays(day, 1), tz).getTime();
    if (isWorkingDay(day, holidays)) {
      if (left <= dayEnd - cur) return new Date(cur + left);
      left -= dayEnd - cur;
    }
    cur = dayEnd;
  }
  return new Date(cur + left);
}

/** Working milliseconds between two instants (0 when `to` is not after `from`). */
export function workingMsBetween(from: Date, to: Date, tz: string, holidays: ReadonlySet<string>): number {
  let cur = from.getTime();
  const end = to.getTime();
  let total = 0;
  for (let i = 0; cur < end && i < 4000; i++) {
    const day = toBusinessDate(new Date(cur), tz);
    const dayEnd = Math.min(startOfBusinessDate(addDays(day, 1), tz).getTime(), end);
    if (isWorkingDay(day, holidays)) total += dayEnd - cur;
    cur = dayEnd;
  }
  return total;
}
