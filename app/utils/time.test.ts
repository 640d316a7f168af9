import { describe, expect, it } from "vitest";
import { addWorkingDays, isIsoDate, monthBounds, startOfBusinessDate, toBusinessDate } from "./time";

const addDaysIso = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe("business dates", () => {
  it("adds working days skipping weekends and holidays", () => {
    // 2026-11-20 is a Friday.
    expect(addWorkingDays("2026-11-20", 1)).toBe("2026-11-23");
    expect(addWorkingDays("2026-11-20", 5)).toBe("2026-11-27");
    expect(addWorkingDays("2026-11-20", 1, new Set(["2026-11-23"]))).toBe("2026-11-24");
    expect(addWorkingDays("2026-11-21", 0)).toBe("2026-11-21");
  });

  it("adds working days exactly as stepping one calendar day at a time does (random dates, lengths, holidays; across years)", () => {
    const step = (date: string, n: number, holidays: ReadonlySet<string>) => {
      let d = date;
      for (let left = n; left > 0;) {
        const t = new Date(`${d}T00:00:00Z`);
        t.setUTCDate(t.getUTCDate() + 1);
        d = t.toISOString().slice(0, 10);
        const dow = t.getUTCDay();
        if (dow !== 0 && dow !== 6 && !holidays.has(d)) left--;
      }
      return d;
    };
    let seed = 42;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    const day = (y: number) => new Date(Date.UTC(y, 0, 1 + rnd(366))).toISOString().slice(0, 10);
    for (let i = 0; i < 500; i++) {
      const from = day(1999 + rnd(40));
      const holidays = new Set(Array.from({ length: rnd(30) }, () => addDaysIso(from, rnd(200))));
      const n = rnd(120);
      expect(addWorkingDays(from, n, holidays), `${from} + ${n}`).toBe(step(from, n, holidays));
    }
  });

  it("reads an instant's calendar date in the business time zone", () => {
    // 16:30 UTC on the 30th is already the 1st in Shanghai (UTC+8).
    expect(toBusinessDate(new Date("2026-11-30T16:30:00Z"), "Asia/Shanghai")).toBe("2026-12-01");
    expect(toBusinessDate(new Date("2026-11-30T15:59:59Z"), "Asia/Shanghai")).toBe("2026-11-30");
    expect(startOfBusinessDate("2026-12-01", "Asia/Shanghai").toISOString()).toBe("2026-11-30T16:00:00.000Z");
  });

  it("validates ISO dates and month bounds", () => {
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(monthBounds("2026-02-10")).toEqual({ start: "2026-02-01", end: "2026-02-28", period: "2026-02" });
  });
});
