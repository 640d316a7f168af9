/**
 * The tests' clock. A test whose outcome depends on where "now" falls (a period that has or has
 * not ended, a date that must lie in the past or the future, a month boundary) sets Node's clock;
 * only `Date` is faked, so timers, timeouts and `performance.now()` stay real.
 * Proved by running the suite with every clock moved: scripts/test-clock-shift.sh (decision 098).
 */
import { afterEach, beforeEach, vi } from "vitest";

/** Sets Node's Date clock to `at` (frozen there until set again or restored with `vi.useRealTimers()`). */
export function setClock(at: string | Date): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(at));
}

/** Every test of the calling file (or describe block) starts with the clock set to `at`, and ends on real time. */
export function clockForEachTest(at: string): void {
  beforeEach(() => setClock(at));
  afterEach(() => {
    vi.useRealTimers();
  });
}
