/**
 * Message catalogs. Each domain owns one file in ./catalogs with both languages;
 * `satisfies` there makes a missing key a type error, and tests check the merge.
 */
import admin from "./catalogs/admin";
import auth from "./catalogs/auth";
import common from "./catalogs/common";
import dashboard from "./catalogs/dashboard";
import deals from "./catalogs/deals";
import documents from "./catalogs/documents";
import ledger from "./catalogs/ledger";
import notifications from "./catalogs/notifications";
import orders from "./catalogs/orders";
import reports from "./catalogs/reports";
import security from "./catalogs/security";
import stock from "./catalogs/stock";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

const parts = [common, auth, admin, dashboard, stock, orders, deals, ledger, notifications, reports, security, documents] as const;

type EnMessages = (typeof parts)[number]["en"];
type KeysOf<U> = U extends unknown ? keyof U : never;
export type MessageKey = KeysOf<EnMessages> & string;

function merge(lang: "en" | "zh"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p[lang])) {
      if (k in out) throw new Error(`Duplicate i18n key ${k}`);
      out[k] = v as string;
    }
  }
  return out;
}

export const messages: Record<Locale, Record<string, string>> = { en: merge("en"), "zh-CN": merge("zh") };

export type Params = Record<string, string | number>;

/** Whether a string known only at run time (read from the database, a payload, a library) is a message key. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages.en, key);
}

/**
 * The text of a key built or read at run time, or null when there is no such message, so the caller
 * chooses its fallback. Keys written in the code go through `translate`, which only takes known keys.
 */
export function translateKnown(locale: Locale, key: string, params?: Params): string | null {
  return isMessageKey(key) ? translate(locale, key, params) : null;
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = messages[locale][key] ?? messages.en[key];
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
  return messages[locale][`unit.${unit}`] ?? unit;
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
