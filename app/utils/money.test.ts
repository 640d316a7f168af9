import { describe, expect, it } from "vitest";
import { applyBasisPoints, formatMoney, minorToDecimal, parseMoney } from "./money";

describe("money", () => {
  it("parses decimal text into integer minor units without floats", () => {
    expect(parseMoney("1234.56")).toEqual({ ok: true, minor: 123456 });
    expect(parseMoney("1,234.5")).toEqual({ ok: true, minor: 123450 });
    expect(parseMoney("0.07")).toEqual({ ok: true, minor: 7 });
    expect(parseMoney("19.99")).toEqual({ ok: true, minor: 1999 });
  });

  it("refuses more decimals than the currency has, text, and negatives unless allowed", () => {
    expect(parseMoney("1.001")).toEqual({ ok: false, reason: "decimals" });
    expect(parseMoney("abc")).toEqual({ ok: false, reason: "format" });
    // Ambiguous group separators (issue 20, F7: "1,2,3" was posted as 123.00).
    for (const bad of ["1,2,3", "12,34", "1,234,5", "1,23.45", ",123", "123,", "1,,234", "1 234", "1_234", "1.234,56", "1,234.5,6", "１２３", "1，234"]) {
      expect(parseMoney(bad), bad).toEqual({ ok: false, reason: "format" });
    }
    expect(parseMoney("1,234,567.89")).toEqual({ ok: true, minor: 123456789 });
    expect(parseMoney("¥1,234")).toEqual({ ok: true, minor: 123400 });
    expect(parseMoney("-5")).toEqual({ ok: false, reason: "range" });
    expect(parseMoney("-5", "CNY", { allowNegative: true })).toEqual({ ok: true, minor: -500 });
    expect(parseMoney("99999999999999")).toEqual({ ok: false, reason: "range" });
  });

  it("formats minor units for each locale", () => {
    expect(formatMoney(123456, "CNY", "en")).toBe("CN¥1,234.56");
    expect(formatMoney(123456, "CNY", "zh-CN")).toBe("¥1,234.56");
    expect(formatMoney(-5, "CNY", "en")).toBe("-CN¥0.05");
    expect(minorToDecimal(-12345)).toBe("-123.45");
  });

  it("applies basis points with half-away-from-zero rounding", () => {
    expect(applyBasisPoints(1000, 1250)).toBe(125);
    expect(applyBasisPoints(5, 5000)).toBe(3);
    expect(applyBasisPoints(-5, 5000)).toBe(-3);
  });
});
