/**
 * Message catalogs and `translate`. Each domain owns one file in ./catalogs with both languages;
 * `satisfies` there makes a missing key a type error, and tests check the merge.
 *
 * The server holds both languages (./messages.server.ts). The browser holds only its reader's
 * language (decision 117): entry.client fetches it before hydrating and the root route's clientLoader
 * fetches another when the reader switches (./load.ts), so `translate` always finds the language it is
 * asked for.
 */
import type admin from "./catalogs/admin";
import type api from "./catalogs/api";
import type auth from "./catalogs/auth";
import type common from "./catalogs/common";
import type dashboard from "./catalogs/dashboard";
import type deals from "./catalogs/deals";
import type documents from "./catalogs/documents";
import type ledger from "./catalogs/ledger";
import type measures from "./catalogs/measures";
import type notifications from "./catalogs/notifications";
import type orders from "./catalogs/orders";
import type reports from "./catalogs/reports";
import type security from "./catalogs/security";
import type promotions from "./catalogs/promotions";
import type sellout from "./catalogs/sellout";
import type service from "./catalogs/service";
import type stock from "./catalogs/stock";
import type webhooks from "./catalogs/webhooks";
// Deliberately a .server value in a browser module: in the browser bundle Remix makes it an empty module
// (undefined here), and the table below starts empty until ./load.ts fills in the reader's language.
// eslint-disable-next-line dealer-desk/no-server-values-in-client
import { serverMessages } from "./messages.server";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

type Catalogs = [
  typeof common,
  typeof auth,
  typeof admin,
  typeof dashboard,
  typeof stock,
  typeof orders,
  typeof deals,
  typeof ledger,
  typeof notifications,
  typeof reports,
  typeof security,
  typeof documents,
  typeof webhooks,
  typeof service,
  typeof api,
  typeof sellout,
  typeof measures,
  typeof promotions,
];
type KeysOf<U> = U extends unknown ? keyof U : never;
export type MessageKey = KeysOf<Catalogs[number]["en"]> & string;

/**
 * The messages of each language this process holds: both on the server; in the browser only those loaded
 * so far (`serverMessages` is undefined there), so code that runs in the browser reads it with `?.`.
 */
export const messages: Record<Locale, Record<string, string>> = { ...serverMessages };

/** Whether the language's messages are here (always on the server; in the browser once loaded). */
export function hasMessages(locale: Locale): boolean {
  return messages[locale] !== undefined;
}

/** Adds a language's messages (the browser, fetched by ./load.ts). */
export function addMessages(locale: Locale, table: Record<string, string>): void {
  messages[locale] = table;
}

/** Any table held: every language has the same keys (i18n.test.ts). */
function someTable(): Record<string, string> {
  return messages.en ?? messages["zh-CN"] ?? {};
}

export type Params = Record<string, string | number>;

/** Whether a string known only at run time (read from the database, a payload, a library) is a message key. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(someTable(), key);
}

/**
 * The text of a key built or read at run time, or null when there is no such message, so the caller
 * chooses its fallback. Keys written in the code go through `translate`, which only takes known keys.
 */
export function translateKnown(locale: Locale, key: string, params?: Params): string | null {
  return isMessageKey(key) ? translate(locale, key, params) : null;
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = messages[locale]?.[key] ?? messages.en?.[key];
  if (template === undefined) return key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/**
 * A product's unit in the reader's language: units are stored as typed on the product (`pcs`, `set`,
 * `system`, `m`, or any text an administrator enters); known codes have a `unit.<code>` message,
 * anything else is shown as typed (it is user data).
 */
export function unitLabel(locale: Locale, unit: string): string {
  return messages[locale]?.[`unit.${unit}`] ?? unit;
}

export function isLocale(v: unknown): v is Locale {
  return v === "en" || v === "zh-CN";
}

/** Best match from an Accept-Language header. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, ...rest] = part.trim().split(";");
      const q = rest.find((r) => r.trim().startsWith("q="));
      return { tag: (tag ?? "").toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}
