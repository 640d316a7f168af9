import { describe, expect, it } from "vitest";
import { dateTimeFormat, numberFormat } from "./intl";

describe("cached Intl formatters", () => {
  it("returns one shared formatter per locale and option shape, and distinct ones otherwise", () => {
    const a = dateTimeFormat("zh-CN", { timeZone: "UTC", dateStyle: "medium" });
    expect(dateTimeFormat("zh-CN", { timeZone: "UTC", dateStyle: "medium" })).toBe(a);
    expect(dateTimeFormat("en", { timeZone: "UTC", dateStyle: "medium" })).not.toBe(a);
    expect(dateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "medium" })).not.toBe(a);
    expect(a.format(new Date("2026-11-23T00:00:00Z"))).toBe(
      new Intl.DateTimeFormat("zh-CN", { timeZone: "UTC", dateStyle: "medium" }).format(new Date("2026-11-23T00:00:00Z")),
    );
    const p = numberFormat("en", { style: "percent", maximumFractionDigits: 1 });
    expect(numberFormat("en", { style: "percent", maximumFractionDigits: 1 })).toBe(p);
    expect(p.format(0.1234)).toBe("12.3%");
    expect(numberFormat("en", { style: "percent" })).not.toBe(p);
  });
});
