import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import { DEFAULT_LOCALE, translate, type Locale, type MessageKey, type Params } from "./index";
import { dateTimeFormat, numberFormat } from "~/utils/intl";
import { formatMoney } from "~/utils/money";

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

/** Formatters for the user's locale: dates in the business time zone, money from minor units. */
export function useFormat() {
  const locale = useLocale();
  const tz = useBusinessTz();
  return {
    money: (minor: number, currency = "CNY") => formatMoney(minor, currency, locale),
    number: (n: number, opts?: Intl.NumberFormatOptions) => numberFormat(locale, opts).format(n),
    percent: (ratio: number) => numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio),
    dateTime: (d: Date | string | null | undefined) =>
      d ? dateTimeFormat(locale, { timeZone: tz, dateStyle: "medium", timeStyle: "short" }).format(new Date(d)) : "—",
    /** A business date 'YYYY-MM-DD' (no time zone shift). */
    date: (d: string | null | undefined) => (d ? dateTimeFormat(locale, { timeZone: "UTC", dateStyle: "medium" }).format(new Date(`${d.slice(0, 10)}T00:00:00Z`)) : "—"),
  };
}
