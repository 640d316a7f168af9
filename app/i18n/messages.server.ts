/**
 * Both languages, for the server (pages, emails, jobs, CSV), and each language as the JSON file a
 * browser fetches (decision 117). In the browser bundle Remix replaces this module with an empty one:
 * a page holds only its reader's language (./load.ts).
 */
import { createHash } from "node:crypto";
import admin from "./catalogs/admin";
import api from "./catalogs/api";
import auth from "./catalogs/auth";
import common from "./catalogs/common";
import dashboard from "./catalogs/dashboard";
import deals from "./catalogs/deals";
import documents from "./catalogs/documents";
import ledger from "./catalogs/ledger";
import measures from "./catalogs/measures";
import notifications from "./catalogs/notifications";
import orders from "./catalogs/orders";
import reports from "./catalogs/reports";
import security from "./catalogs/security";
import promotions from "./catalogs/promotions";
import sellout from "./catalogs/sellout";
import service from "./catalogs/service";
import stock from "./catalogs/stock";
import webhooks from "./catalogs/webhooks";
import type { Locale } from "./index";

const parts = [
  common,
  auth,
  admin,
  dashboard,
  stock,
  orders,
  deals,
  ledger,
  notifications,
  reports,
  security,
  documents,
  webhooks,
  service,
  api,
  sellout,
  measures,
  promotions,
] as const;

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

export const serverMessages: Record<Locale, Record<string, string>> = { en: merge("en"), "zh-CN": merge("zh") };

/** Each language's JSON and its content hash: the file's name changes exactly when a message does. */
const files = Object.fromEntries(
  (Object.entries(serverMessages) as Array<[Locale, Record<string, string>]>).map(([locale, table]) => {
    const body = JSON.stringify(table);
    return [locale, { body, hash: createHash("sha256").update(body).digest("hex").slice(0, 12) }];
  }),
) as Record<Locale, { body: string; hash: string }>;

/** Where a browser fetches a language's messages: a name that changes with them, so it may be cached for good. */
export function messagesHref(locale: Locale): string {
  return `/i18n/${locale}.${files[locale].hash}.json`;
}

/**
 * The file for a requested name (server.ts serves `/i18n/:file`): the current one is immutable; a name
 * without a hash (a page whose root data failed) or with another (a page from before a deploy) gets the
 * current messages, revalidated on each use. Anything else is not a messages file (null).
 */
export function messagesFile(name: string): { body: string; immutable: boolean } | null {
  const m = /^(en|zh-CN)(?:\.([0-9a-f]{12}))?\.json$/.exec(name);
  if (!m) return null;
  const file = files[m[1] as Locale];
  return { body: file.body, immutable: m[2] === file.hash };
}
