/**
 * The service promise in working time (docs/decisions/129-service-promise-working-time.md): the clock runs
 * only on working days of the business time zone (not on weekends, not on the holidays of
 * /admin/holidays), 24 hours a day on those days. A promise of N hours made at an instant ends where N
 * working hours have run. Browser-safe and pure: the holidays are passed in.
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

export type PromiseFlag = "ok" | "due_soon" | "overdue" | "met" | "missed";

/**
 * How a deadline stands: met or missed once the thing promised happened (at `doneAt`); while it has not,
 * overdue past the deadline, due soon within `soonHours` (wall-clock hours) of it, else ok.
 */
function promiseFlag(dueAt: Date, doneAt: Date | null, at: Date, soonHours: number): PromiseFlag {
  if (doneAt) return doneAt.getTime() <= dueAt.getTime() ? "met" : "missed";
  if (at.getTime() > dueAt.getTime()) return "overdue";
  if (dueAt.getTime() - at.getTime() <= soonHours * HOUR) return "due_soon";
  return "ok";
}

/** The flag a case shows on lists: the worse of its response and resolution deadlines while it is open. */
export function caseFlag(
  c: { response_due_at: Date; resolution_due_at: Date; first_response_at: Date | null; resolved_at: Date | null },
  at: Date,
  soonHours: number,
): PromiseFlag {
  const response = promiseFlag(c.response_due_at, c.first_response_at, at, soonHours);
  const resolution = promiseFlag(c.resolution_due_at, c.resolved_at, at, soonHours);
  if (c.resolved_at) return resolution === "met" && response !== "missed" ? "met" : "missed";
  const order: PromiseFlag[] = ["overdue", "due_soon", "ok", "missed", "met"];
  const open = [resolution, response === "met" || response === "missed" ? "ok" : response] as PromiseFlag[];
  return order.find((f) => open.includes(f)) ?? "ok";
}
