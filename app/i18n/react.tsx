import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import { DEFAULT_LOCALE, translate, unitLabel, type Locale, type MessageKey, type Params } from "./index";
import { dateTimeFormat, numberFormat } from "~/utils/intl";
import { formatMoney, formatMoneyCompact } from "~/utils/money";

type RootData = { locale: Locale; businessTz: string } | undefined;

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as RootData;
  return data?.locale ?? DEFAULT_LOCALE;
}

export function useBusinessTz(): string {
  const data = useRouteLoaderData("root") as RootData;
  return data?.businessTz ?? "Asia/Shanghai";
}

export function useT() {
  const locale = useLocale();
  return useCallback((key: MessageKey, params?: Params) => translate(locale, key, params), [locale]);
}

export type Formatters = {
  money: (minor: number, currency?: string) => string;
  /** A short amount for a chart's axis ("CN¥1.5M", "¥150万"). */
  moneyCompact: (minor: number, currency?: string) => string;
  number: (n: number, opts?: Intl.NumberFormatOptions) => string;
  percent: (ratio: number) => string;
  dateTime: (d: Date | string | null | undefined) => string;
  /** A business date 'YYYY-MM-DD' (no time zone shift). */
  date: (d: string | null | undefined) => string;
  /** A list joined the locale's way: "Platinum and Gold", "白金和黄金" (Intl.ListFormat). */
  list: (items: readonly string[]) => string;
  /** A product unit in the locale's words (unitLabel). */
  unit: (unit: string) => string;
};

/** Remembered outputs per formatter: a page repeats the same dates and amounts; the table starts over when full. */
const MEMO_LIMIT = 4096;
function memo<K>(fn: (k: K) => string): (k: K) => string {
  const seen = new Map<K, string>();
  return (k) => {
    let v = seen.get(k);
    if (v === undefined) {
      if (seen.size >= MEMO_LIMIT) seen.clear();
      v = fn(k);
      seen.set(k, v);
    }
    return v;
  };
}

const formatters = new Map<string, Formatters>();

/**
 * Formatters for a locale and business time zone, built once and shared by every
 * render (Intl output depends only on the locale, the options and the input, so the
 * outputs are remembered too).
 */
export function formattersFor(locale: Locale, tz: string): Formatters {
  const key = `${locale}|${tz}`;
  let f = formatters.get(key);
  if (f) return f;
  const dateFmt = dateTimeFormat(locale, { timeZone: "UTC", dateStyle: "medium" });
  const dateTimeFmt = dateTimeFormat(locale, { timeZone: tz, dateStyle: "medium", timeStyle: "short" });
  const percentFmt = numberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const plain = numberFormat(locale);
  const date = memo((d: string) => dateFmt.format(new Date(`${d.slice(0, 10)}T00:00:00Z`)));
  const dateTimeOf = memo((d: string) => dateTimeFmt.format(new Date(d)));
  const moneyBy = new Map<string, (minor: number) => string>();
  const listFmt = new Intl.ListFormat(locale, { style: "long", type: "conjunction" });
  f = {
    money: (minor, currency = "CNY") => {
      let m = moneyBy.get(currency);
      if (!m) moneyBy.set(currency, (m = memo((n: number) => formatMoney(n, currency, locale))));
      return m(minor);
    },
    moneyCompact: (minor, currency = "CNY") => formatMoneyCompact(minor, currency, locale),
    // Whole numbers 0–999 print the same in both locales (ASCII digits, no grouping):
    // skipping Intl for them halves the cost of a stock table's 500 cells.
    number: (n, opts) =>
      !opts && Number.isInteger(n) && n >= 0 && n < 1000 && !Object.is(n, -0) ? String(n) : (opts ? numberFormat(locale, opts) : plain).format(n),
    percent: (ratio) => percentFmt.format(ratio),
    dateTime: (d) => (d ? (typeof d === "string" ? dateTimeOf(d) : dateTimeFmt.format(d)) : "—"),
    date: (d) => (d ? date(d) : "—"),
    list: (items) => listFmt.format(items),
    unit: (u) => unitLabel(locale, u),
  };
  formatters.set(key, f);
  return f;
}

/** Formatters for the user's locale: dates in the business time zone, money from minor units. */
export function useFormat(): Formatters {
  return formattersFor(useLocale(), useBusinessTz());
}
