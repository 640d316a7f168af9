import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_PRICE_MINOR, parseTypedAmount, parseWhole } from "./numbers";
import { moneyField, optionalMoneyField, wholeNumberField } from "./numbers.server";

/** Decision 101: what a number typed into a form may look like. */
describe("typed numbers", () => {
  const qty = { min: 1, max: 999_999_999 };

  it("reads a whole number in one way only: digits, space around them ignored", () => {
    expect(parseWhole("12", qty)).toEqual({ ok: true, value: 12 });
    expect(parseWhole(" 5 ", qty)).toEqual({ ok: true, value: 5 });
    expect(parseWhole("007", qty)).toEqual({ ok: true, value: 7 });
    for (const bad of ["1,2,3", "1.2.3", "1,234.5,6", "1e3", "0x10", "1 000", "+5", "5.", ".5", "1_000", "12.345", "¥100", "NaN", "Infinity", "", "-"]) {
      expect(parseWhole(bad, qty), bad).toEqual({ ok: false, issue: "format" });
    }
    expect(parseWhole("１２３", qty)).toEqual({ ok: false, issue: "fullWidth" });
  });

  it("says which limit a number crosses, however many digits it has", () => {
    expect(parseWhole("0", qty)).toEqual({ ok: false, issue: "min" });
    expect(parseWhole("2147483648", qty)).toEqual({ ok: false, issue: "max" });
    expect(parseWhole(`1${"0".repeat(399)}`, qty)).toEqual({ ok: false, issue: "max" });
    // A sign where none belongs: "-1" is below the range, "-0" and "+5" are not how the field is written.
    expect(parseWhole("-1", qty)).toEqual({ ok: false, issue: "min" });
    expect(parseWhole("-0", { min: 0, max: 9 })).toEqual({ ok: false, issue: "format" });
  });

  it("takes a sign only where the field is signed, and -0 is zero", () => {
    const delta = { min: -999, max: 999, signed: true };
    expect(parseWhole("+5", delta)).toEqual({ ok: true, value: 5 });
    expect(parseWhole("-3", delta)).toEqual({ ok: true, value: -3 });
    expect(parseWhole("-0", delta)).toEqual({ ok: true, value: 0 });
    expect(Object.is((parseWhole("-0", delta) as { value: number }).value, 0)).toBe(true);
    expect(parseWhole("-1000", delta)).toEqual({ ok: false, issue: "min" });
    expect(parseWhole(`-${"9".repeat(40)}`, delta)).toEqual({ ok: false, issue: "min" });
    expect(parseWhole("+-5", delta)).toEqual({ ok: false, issue: "format" });
  });

  it("gives each refusal its message key, with the limit", () => {
    const field = wholeNumberField({ min: 1, max: 1_000_000 });
    const issue = (v: string) => {
      const r = field.safeParse(v);
      return r.success ? null : { message: r.error.issues[0]!.message, params: (r.error.issues[0] as { params?: unknown }).params };
    };
    expect(field.parse("40")).toBe(40);
    expect(issue("")?.message).toBe("validation.required");
    expect(issue("0x10")?.message).toBe("validation.integer");
    expect(issue("１２")?.message).toBe("validation.halfWidthDigits");
    expect(issue("0")?.message).toBe("validation.positive");
    expect(issue("1000001")).toEqual({ message: "validation.numberMax", params: { min: "1", max: "1,000,000" } });
  });

  it("reads amounts with grouping every three digits and at most two decimals, no sign and no currency sign", () => {
    expect(parseTypedAmount("1,234.5")).toEqual({ ok: true, minor: 123450 });
    expect(parseTypedAmount(" 5 ")).toEqual({ ok: true, minor: 500 });
    for (const bad of ["1,2,3", "1.2.3", "1,234.5,6", "1e3", "0x10", "1 000", "+5", "5.", ".5", "1_000", "¥100", "NaN", "Infinity"]) {
      expect(parseTypedAmount(bad), bad).toMatchObject({ ok: false, key: "validation.money" });
    }
    expect(parseTypedAmount("12.345")).toMatchObject({ ok: false, key: "validation.moneyDecimals" });
    expect(parseTypedAmount("１２３")).toMatchObject({ ok: false, key: "validation.halfWidthDigits" });
    for (const signed of ["-1", "-0", "-0.00"]) expect(parseTypedAmount(signed), signed).toMatchObject({ ok: false, key: "validation.amountPositive" });
    expect(parseTypedAmount("-1", { allowZero: true })).toMatchObject({ ok: false, key: "validation.amountNonNegative" });
    expect(parseTypedAmount("0")).toMatchObject({ ok: false, key: "validation.amountPositive" });
    // A field may say it its own way.
    expect(parseTypedAmount("0", { rangeMessage: "quotes.priceRange" })).toMatchObject({ ok: false, key: "quotes.priceRange" });
    expect(parseTypedAmount("100000000.01", { max: MAX_PRICE_MINOR, rangeMessage: "quotes.priceRange" })).toMatchObject({
      ok: false,
      key: "quotes.priceRange",
    });
    expect(parseTypedAmount("0", { allowZero: true })).toEqual({ ok: true, minor: 0 });
  });

  it("refuses an amount above the portal's ceiling (¥1,000,000,000.00) or the field's own", () => {
    expect(parseTypedAmount("1,000,000,000.00")).toEqual({ ok: true, minor: 100_000_000_000 });
    expect(parseTypedAmount("1000000000.01")).toEqual({ ok: false, key: "validation.moneyMax", params: { max: "1,000,000,000.00" } });
    expect(parseTypedAmount("2147483648")).toMatchObject({ ok: false, key: "validation.moneyMax" });
    expect(parseTypedAmount(`1${"0".repeat(399)}`)).toMatchObject({ ok: false, key: "validation.moneyMax" });
    expect(parseTypedAmount("100000000.01", { max: MAX_PRICE_MINOR })).toEqual({ ok: false, key: "validation.moneyMax", params: { max: "100,000,000.00" } });
  });

  it("refuses a repeated field (an array) like any other bad value, and reports the form's other errors too", () => {
    expect(wholeNumberField({ min: 1, max: 9 }).safeParse(["1", "2"]).success).toBe(false);
    expect(moneyField().safeParse(["1", "2"]).success).toBe(false);
    expect(optionalMoneyField().safeParse(["1"]).success).toBe(false);
    const form = z
      .object({ qty: wholeNumberField({ min: 1, max: 9 }), price: moneyField(), note: z.string().min(1) })
      .superRefine((_, ctx) => ctx.addIssue({ code: "custom", path: ["form"], message: "x" }));
    const r = form.safeParse({ qty: "1e3", price: "1,2,3", note: "" });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join("."))).toEqual(["qty", "price", "note", "form"]);
  });

  it("has a required and an optional zod field", () => {
    expect(moneyField().parse("1,299.00")).toBe(129900);
    expect(moneyField().safeParse("").success).toBe(false);
    expect(optionalMoneyField().parse("")).toBeNull();
    expect(optionalMoneyField().parse(undefined)).toBeNull();
    expect(optionalMoneyField().safeParse("1,2,3").success).toBe(false);
  });
});
