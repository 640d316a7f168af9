/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015) and key-account
 * name normalisation. Browser-safe: forms use the same checks as the server.
 *
 * Layout of the 18 characters:
 *   1      registration authority (登记管理部门代码)
 *   2      organisation type (机构类别代码)
 *   3–8    administrative division code (登记管理机关行政区划码), digits
 *   9–17   organisation code (主体标识码)
 *   18     check character (校验码), computed below
 * The alphabet is the digits and the capital letters without I, O, Z, S, V.
 */
const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const CHARS = "[0-9A-HJ-NPQRTUWXY]";
const FORMAT = new RegExp(`^${CHARS}{2}\\d{6}${CHARS}{10}$`);

export type CreditCodeCheck = { ok: true; code: string } | { ok: false; reason: "format" | "checkDigit" };

/** Uppercases and removes spaces and dashes people type in. */
function cleanCreditCode(input: string): string {
  return input.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
}

/** The check character for the first 17 characters (which must be in the alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new Error("character outside the credit code alphabet");
    sum += v * WEIGHTS[i]!;
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c]!;
}

/** Validates format and check digit; returns the cleaned code. */
export function checkCreditCode(input: string): CreditCodeCheck {
  const code = cleanCreditCode(input);
  if (!FORMAT.test(code)) return { ok: false, reason: "format" };
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, reason: "checkDigit" };
  return { ok: true, code };
}

// Longest first; stripped repeatedly from the end ("XX集团股份有限公司" → "XX").
const SUFFIXES = [
  "股份有限公司",
  "有限责任公司",
  "集团有限公司",
  "有限公司",
  "集团公司",
  "总公司",
  "公司",
  "集团",
  "corporation",
  "company",
  "limited",
  "coltd",
  "group",
  "corp",
  "ltd",
  "inc",
  "llc",
  "co",
];

/**
 * The key used to match key accounts by name: full-width → half-width (NFKC),
 * lower case, no spaces or punctuation, common company suffixes removed.
 * "上海申城地铁运营（集团）有限公司" and "上海申城地铁运营集团" match.
 */
export function normaliseAccountName(name: string): string {
  let s = name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of SUFFIXES) {
      if (s.endsWith(suffix) && s.length > suffix.length) {
        s = s.slice(0, -suffix.length);
        changed = true;
        break;
      }
    }
  }
  return s.slice(0, 200);
}
