import { describe, expect, it } from "vitest";
import { addWorkingDays, isIsoDate, monthBounds, startOfBusinessDate, toBusinessDate } from "./time";

describe("business dates", () => {
  it("adds working days skipping weekends and holidays", () => {
    // 2026-11-20 is a Friday.
    expect(addWorkingDays("2026-11-20", 1)).toBe("2026-11-23");
    expect(addWorkingDays("2026-11-20", 5)).toBe("2026-11-27");
    expect(addWorkingDays("2026-11-20", 1, new Set(["2026-11-23"]))).toBe("2026-11-24");
    expect(addWorkingDays("2026-11-21", 0)).toBe("2026-11-21");
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
