/**
 * Money is an integer number of minor units (分/cents) plus an ISO currency code.
 * Never a float: parsing works on the digits of the text.
 */
export type Money = { minor: number; currency: string };

const fmtCache = new Map<string, Intl.NumberFormat>();

const digitsCache = new Map<string, number>();

function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
}

export function formatMoney(minor: number | bigint, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    fmtCache.set(key, f);
  }
  const digits = minorDigits(currency);
  const n = typeof minor === "bigint" ? minor : BigInt(Math.trunc(minor));
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const scale = 10n ** BigInt(digits);
  const whole = abs / scale;
  const frac = abs % scale;
  // Intl accepts decimal strings exactly (no float rounding).
  const text = digits > 0 ? `${neg ? "-" : ""}${whole}.${frac.toString().padStart(digits, "0")}` : `${neg ? "-" : ""}${whole}`;
  return f.format(text as unknown as number);
}

/**
 * A short amount for a chart's axis: "CN¥1.5M", "¥150万" (Intl compact notation, at most one
 * decimal). For ticks only: exact amounts are in the chart's table.
 */
export function formatMoneyCompact(minor: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}|compact`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1 });
    fmtCache.set(key, f);
  }
  return f.format(minor / 10 ** minorDigits(currency));
}

/** Plain decimal text for forms and CSV: 1234.5 CNY minor 123450 → "1234.50". */
export function minorToDecimal(minor: number, currency = "CNY"): string {
  const digits = minorDigits(currency);
  const neg = minor < 0;
  const abs = Math.abs(minor);
  if (digits === 0) return `${neg ? "-" : ""}${abs}`;
  const scale = 10 ** digits;
  return `${neg ? "-" : ""}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, "0")}`;
}

export type ParseMoneyResult = { ok: true; minor: number } | { ok: false; reason: "format" | "decimals" | "range" };

/**
 * Parses "1234", "1,234.5", "-12.30" into minor units; more decimals than the currency has is an error.
 * Group separators must sit every three digits of the whole part ("1,234,567"): "1,2,3", "12,34",
 * "1,234,5.6" or spaces and underscores inside the number have no single reading and are a format error.
 * A leading currency sign (¥ $ € £) is dropped unless `symbol: false` (forms: the field names its currency).
 */
export function parseMoney(input: string, currency = "CNY", opts: { allowNegative?: boolean; max?: number; symbol?: boolean } = {}): ParseMoneyResult {
  const digits = minorDigits(currency);
  const trimmed = input.trim();
  const t = opts.symbol === false ? trimmed : trimmed.replace(/^[¥$€£]/, "");
  if (!/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(t)) return { ok: false, reason: "format" };
  const s = t.replace(/,/g, "");
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, reason: "format" };
  const [, sign, whole, frac = ""] = m;
  if (sign && !opts.allowNegative) return { ok: false, reason: "range" };
  if (frac.length > digits) return { ok: false, reason: "decimals" };
  if (whole!.length > 13) return { ok: false, reason: "range" };
  const minor = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
  const signed = sign ? -minor : minor;
  if (!Number.isSafeInteger(signed)) return { ok: false, reason: "range" };
  if (opts.max !== undefined && Math.abs(signed) > opts.max) return { ok: false, reason: "range" };
  return { ok: true, minor: signed };
}

/** Integer percentage of an amount, in basis points, rounded half away from zero. */
export function applyBasisPoints(minor: number, bp: number): number {
  const product = BigInt(minor) * BigInt(bp);
  const q = product / 10000n;
  const r = product % 10000n;
  const absR = r < 0n ? -r : r;
  const adj = absR * 2n >= 10000n ? (product < 0n ? -1n : 1n) : 0n;
  return Number(q + adj);
}
