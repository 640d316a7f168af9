/**
 * The service promise in working time (docs/decisions/129-service-promise-working-time.md): a promise of N
 * hours made at an instant ends where N working hours have run (app/utils/working-hours.ts).
 */

const HOUR = 3_600_000;

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
