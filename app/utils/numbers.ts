/**
 * Numbers typed by a person into a form (docs/decisions/101-typed-numbers.md): one
 * reading or an error, never a guess. Browser-safe.
 *
 * A whole number is ASCII digits, with a sign only where the field is signed; space
 * around it is ignored. Refused, each with a message that says why: decimals, group
 * separators, exponents (`1e3`), hex (`0x10`), spaces or underscores inside, and
 * full-width digits (`１２３`, a Chinese input method in full-width mode), which are
 * asked for again in half-width. Amounts follow the same rules (utils/money.ts parses
 * them) and, in forms, carry no currency sign: the field names its currency.
 */
import { minorToDecimal, parseMoney } from "./money";

/** Full-width digits, signs and separators (０–９ ＋ － ， ．): a Chinese input method in full-width mode types them. */
const FULL_WIDTH = /[\uff10-\uff19\uff0b\uff0c\uff0d\uff0e]/;

/** The largest amount a person may type anywhere in the portal: ¥1,000,000,000.00 (10亿). */
const MAX_TYPED_AMOUNT_MINOR = 100_000_000_000;
/** The largest unit price (list, tier or quoted): ¥100,000,000.00. */
export const MAX_PRICE_MINOR = 10_000_000_000;

export type WholeIssue = "format" | "fullWidth" | "min" | "max";
export type WholeResult = { ok: true; value: number } | { ok: false; issue: WholeIssue };

/** A whole number typed by a person, within [min, max]. */
export function parseWhole(input: string | number, opts: { min: number; max: number; signed?: boolean }): WholeResult {
  let value: number;
  if (typeof input !== "string" && typeof input !== "number") return { ok: false, issue: "format" };
  if (typeof input === "number") {
    if (!Number.isSafeInteger(input)) return { ok: false, issue: "format" };
    value = input;
  } else {
    const t = input.trim();
    if (FULL_WIDTH.test(t)) return { ok: false, issue: "fullWidth" };
    const m = /^([+-]?)(\d+)$/.exec(t);
    if (!m) return { ok: false, issue: "format" };
    if (m[1] && !opts.signed) {
      // "-2" where no sign belongs is below the range (say so); "+5" and "-0" are just not how it is written.
      return { ok: false, issue: m[1] === "-" && /[1-9]/.test(m[2]!) ? "min" : "format" };
    }
    // More digits than any limit here: out of range without becoming a float first.
    if (m[2]!.replace(/^0+/, "").length > 15) return { ok: false, issue: m[1] === "-" ? "min" : "max" };
    value = Number(m[2]) * (m[1] === "-" ? -1 : 1) || 0;
  }
  if (value < opts.min) return { ok: false, issue: "min" };
  if (value > opts.max) return { ok: false, issue: "max" };
  return { ok: true, value };
}
export const groups = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** `rangeMessage`: the field's own message for a sign, a zero or an amount above `max` (a quote's "above zero, at most the list price"). */
export type AmountOptions = { allowZero?: boolean; max?: number; rangeMessage?: string };

/** "1,000,000,000.00": a limit as the messages show it. */
function amountText(minor: number): string {
  const [whole, frac] = minorToDecimal(minor).split(".");
  return frac === undefined ? groups(Number(whole)) : `${groups(Number(whole))}.${frac}`;
}

/** An amount typed into a form, in minor units, or the i18n key (and its parameters) of what is wrong with it. */
export function parseTypedAmount(
  input: string,
  opts: AmountOptions = {},
): { ok: true; minor: number } | { ok: false; key: string; params?: Record<string, string> } {
  const max = opts.max ?? MAX_TYPED_AMOUNT_MINOR;
  if (typeof input !== "string") return { ok: false, key: "validation.money" };
  const t = input.trim();
  if (FULL_WIDTH.test(t)) return { ok: false, key: "validation.halfWidthDigits" };
  const r = parseMoney(t, "CNY", { symbol: false, allowNegative: true });
  const negative = t.startsWith("-");
  if (!r.ok && r.reason !== "range") return { ok: false, key: r.reason === "decimals" ? "validation.moneyDecimals" : "validation.money" };
  const below = opts.rangeMessage ?? (opts.allowZero ? "validation.amountNonNegative" : "validation.amountPositive");
  // A sign is never part of an amount typed here (also "-0"): what is owed or paid back is the field's, not the sign's.
  if (negative) return { ok: false, key: below };
  if (!r.ok || r.minor > max) return { ok: false, key: opts.rangeMessage ?? "validation.moneyMax", params: { max: amountText(max) } };
  if (r.minor === 0 && !opts.allowZero) return { ok: false, key: below };
  return { ok: true, minor: r.minor };
}
