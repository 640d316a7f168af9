import { describe, expect, it } from "vitest";
import { checkCreditCode, creditCodeCheckChar, normaliseAccountName } from "./credit-code";
import { KeyAccountSchema } from "./deals.schema.server";

describe("unified social credit code (GB 32100-2015)", () => {
  it.each([
    "91350100M000100Y43", // the standard's published example
    "91110000802100433B", // real-format codes whose check character is right
    "91310115MA1K3YJ12X".slice(0, 17) + creditCodeCheckChar("91310115MA1K3YJ12"),
    "12100000400000427" + creditCodeCheckChar("12100000400000427"), // a public institution (1 = 机构编制)
    "51110000500000050" + creditCodeCheckChar("51110000500000050"), // a social organisation (5 = 民政)
  ])("accepts %s", (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, code });
  });

  it("computes the check character over the 31-character alphabet (31 → 0)", () => {
    expect(creditCodeCheckChar("91350100M000100Y4")).toBe("3");
    // Every code built with its computed check character validates; any other last character fails.
    for (const body of ["91440300MA5DC1234", "92330106MA2GL8NT1", "Y1110000MA0000000"]) {
      const good = creditCodeCheckChar(body);
      expect(checkCreditCode(body + good).ok).toBe(true);
      const bad = "0123456789ABCDEFGHJKLMNPQRTUWXY".split("").filter((c) => c !== good);
      for (const c of bad) expect(checkCreditCode(body + c)).toEqual({ ok: false, reason: "checkDigit" });
    }
  });

  it("cleans what people type: lower case, spaces, full-width characters", () => {
    expect(checkCreditCode(" 9135 0100 m000 100y43 ")).toEqual({ ok: true, code: "91350100M000100Y43" });
    expect(checkCreditCode("９１３５０１００Ｍ０００１００Ｙ４３")).toEqual({ ok: true, code: "91350100M000100Y43" });
  });

  it.each([
    ["91350100M000100Y44", "checkDigit"], // one character off
    ["91350100M000100Y34", "checkDigit"], // two transposed
    ["91350100M000100Y4", "format"], // 17 characters
    ["91350100M000100Y435", "format"], // 19 characters
    ["91350100I000100Y43", "format"], // I is not in the alphabet
    ["91350100O000100Y43", "format"], // O neither
    ["913501Z0M000100Y43", "format"], // division code must be digits
    ["91350100M000100S43", "format"], // S is excluded
    ["", "format"],
  ])("refuses %s (%s)", (code, reason) => {
    expect(checkCreditCode(code)).toEqual({ ok: false, reason });
  });

  it("the key account form reports a localized reason for each failure", () => {
    const base = { name: "X", industry: "it", region: "east", size: "large" };
    const fmt = KeyAccountSchema.safeParse({ ...base, creditCode: "ABC" });
    const digit = KeyAccountSchema.safeParse({ ...base, creditCode: "91350100M000100Y44" });
    const empty = KeyAccountSchema.safeParse({ ...base, creditCode: "" });
    expect(fmt.success ? null : fmt.error.issues[0]!.message).toBe("keyAccounts.creditCodeFormat");
    expect(digit.success ? null : digit.error.issues[0]!.message).toBe("keyAccounts.creditCodeCheckDigit");
    expect(empty.success && empty.data.creditCode).toBe(null);
  });
});

describe("key account name normalisation", () => {
  it.each([
    ["上海申城地铁运营有限公司", "上海申城地铁运营"],
    ["上海申城地铁运营（集团）有限公司", "上海申城地铁运营"],
    ["上海申城地铁运营 股份有限公司", "上海申城地铁运营"],
    ["上海申城地铁运营有限责任公司", "上海申城地铁运营"],
    ["ＡＢＣ Trading Co., Ltd.", "abctrading"],
    ["A.B.C. trading company limited", "abctrading"],
    ["“杭州·西溪”酒店管理有限公司", "杭州西溪酒店管理"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseAccountName(input)).toBe(expected);
  });

  it("never strips a name down to nothing", () => {
    expect(normaliseAccountName("公司")).toBe("公司");
    expect(normaliseAccountName("集团")).toBe("集团");
    expect(normaliseAccountName("有限公司").length).toBeGreaterThan(0);
  });
});

describe("activity form", () => {
  it("accepts an empty time (now) and a datetime-local value, refuses garbage", async () => {
    const { ActivitySchema } = await import("./deals.schema.server");
    expect(ActivitySchema.parse({ kind: "visit", body: "x", occurredAt: "" }).occurredAt).toBeNull();
    expect(ActivitySchema.parse({ kind: "visit", body: "x", occurredAt: "2026-03-01T14:30" }).occurredAt).toBe("2026-03-01T14:30");
    expect(ActivitySchema.safeParse({ kind: "visit", body: "x", occurredAt: "yesterday" }).success).toBe(false);
    expect(ActivitySchema.safeParse({ kind: "dinner", body: "x" }).success).toBe(false);
  });
});
