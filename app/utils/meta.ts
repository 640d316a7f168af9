/**
 * Browser tab titles. Every page names itself (and, on a detail page, its record) in the reader's language:
 * "订单 SO-2026-000015 · 经销商工作台" / "Order SO-2026-000015 · Dealer Desk".
 *
 * Deliberately NOT `.server`: route modules export `meta = pageMeta(…)` at top level and Remix runs it in the
 * browser too (on every client navigation). The language is the root loader's (`app/root.tsx`), found in
 * `matches`, so a page's loader need not return it.
 */
import type { LoaderFunction, MetaDescriptor, MetaFunction, SerializeFrom } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, translate, type Locale, type MessageKey } from "~/i18n";

/** A loader's data as the page (and its meta function) receives it. */
export type MetaData<Loader> = Loader extends LoaderFunction ? SerializeFrom<Loader> : unknown;

/**
 * Names the record a detail page shows (an order number, a customer's name…), from the loader's data, in
 * `locale`. Nothing (undefined, null, "") leaves the title as the page name alone.
 */
export type MetaRecord<Loader> = (data: MetaData<Loader>, locale: Locale) => string | null | undefined;

/** The reader's language: the root loader's, or the default when the root loader has none (it failed). */
export function metaLocale(matches: ReadonlyArray<{ id: string; data: unknown }>): Locale {
  const root = matches.find((m) => m.id === "root")?.data;
  const locale = typeof root === "object" && root !== null && "locale" in root ? root.locale : undefined;
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** "<page>[ <record>] · <application name>", all but the record in `locale`. */
export function pageTitle(locale: Locale, key: MessageKey, record?: string | null): string {
  const name = record?.trim();
  return `${translate(locale, key)}${name ? ` ${name}` : ""} · ${translate(locale, "app.name")}`;
}

/**
 * A route's `meta`: the page named by `key` (a catalog message, usually the page's heading or its navigation
 * item), followed by the record `record` names. Without loader data (the loader threw: a 404, a 403…) the
 * title names the page alone; Remix hands `null` when an action's thrown 4xx skipped the loaders.
 *
 *     export const meta = pageMeta("orders.title");
 *     export const meta = pageMeta<typeof loader>("orders.order", (d) => d.order.number);
 */
export function pageMeta<Loader extends LoaderFunction | unknown = unknown>(key: MessageKey, record?: MetaRecord<Loader>): MetaFunction<Loader> {
  return ({ data, matches }): MetaDescriptor[] => {
    const locale = metaLocale(matches);
    return [{ title: pageTitle(locale, key, data == null || !record ? undefined : record(data as MetaData<Loader>, locale)) }];
  };
}
