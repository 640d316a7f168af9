import { describe, expect, it } from "vitest";
import { formatMoney } from "~/utils/money";
import { formattersFor } from "./react";

describe("shared formatters", () => {
  it("join lists the locale's way and name units in the locale's words (typed units as typed)", () => {
    const en = formattersFor("en", "Asia/Shanghai");
    const zh = formattersFor("zh-CN", "Asia/Shanghai");
    expect(en.list(["Platinum", "Gold"])).toBe("Platinum and Gold");
    expect(en.list(["East", "North", "South"])).toBe("East, North, and South");
    expect(zh.list(["白金", "黄金", "白银"])).toBe("白金、黄金和白银");
    expect(en.unit("pcs")).toBe("pcs");
    expect(zh.unit("pcs")).toBe("件");
    expect(zh.unit("system")).toBe("套");
    expect(zh.unit("台")).toBe("台");
  });

  it("give the same text as formatting directly, on first use and when remembered", () => {
    for (const locale of ["en", "zh-CN"] as const) {
      const f = formattersFor(locale, "Asia/Shanghai");
      expect(formattersFor(locale, "Asia/Shanghai")).toBe(f);
      const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", dateStyle: "medium" }).format(new Date("2026-02-28T00:00:00Z"));
      const at = new Intl.DateTimeFormat(locale, { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" }).format(
        new Date("2026-02-28T16:30:00Z"),
      );
      for (let i = 0; i < 2; i++) {
        expect(f.date("2026-02-28")).toBe(day);
        expect(f.date("2026-02-28T00:00:00.000Z")).toBe(day);
        expect(f.dateTime("2026-02-28T16:30:00.000Z")).toBe(at);
        expect(f.dateTime(new Date("2026-02-28T16:30:00Z"))).toBe(at);
        expect(f.money(-123456)).toBe(formatMoney(-123456, "CNY", locale));
        expect(f.money(123456, "USD")).toBe(formatMoney(123456, "USD", locale));
      }
      expect(f.date(null)).toBe("—");
      expect(f.dateTime(undefined)).toBe("—");
    }
  });

  it("keep formatting correctly after the remembered outputs start over", () => {
    const f = formattersFor("en", "UTC");
    for (let n = 0; n < 10_000; n++) expect(f.money(n)).toBe(formatMoney(n, "CNY", "en"));
    expect(f.money(5)).toBe(formatMoney(5, "CNY", "en"));
  });

  it("print numbers as Intl does, on the whole-number shortcut and off it", () => {
    for (const locale of ["en", "zh-CN"] as const) {
      const f = formattersFor(locale, "UTC");
      const intl = new Intl.NumberFormat(locale);
      for (const n of [0, -0, 1, 7, 42, 999, 1000, 1001, 12_345, 1_234_567, -1, -999, -1000, 0.5, 999.5, 3.14159])
        expect(f.number(n), `${locale} ${n}`).toBe(intl.format(n));
      expect(f.number(0.256, { style: "percent" })).toBe(new Intl.NumberFormat(locale, { style: "percent" }).format(0.256));
      expect(f.number(1000)).toContain(",");
    }
  });

  it("a time zone of its own per business time zone", () => {
    const iso = "2026-03-31T17:00:00.000Z";
    expect(formattersFor("en", "Asia/Shanghai").dateTime(iso)).not.toBe(formattersFor("en", "UTC").dateTime(iso));
  });
});
