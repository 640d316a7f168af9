/**
 * The browser's messages (decision 117): a page holds only its reader's language, fetched from the
 * server (`/i18n/<locale>.<hash>.json`, immutable, compressed) before the first render (entry.client,
 * from the preload link root.tsx writes) and before a page in another language renders (the root
 * route's clientLoader). On the server both languages are always there and this does nothing.
 */
import { addMessages, hasMessages, type Locale } from "./index";

/** The messages file when the root data (and so the hashed name) is missing: revalidated on each use. */
export function plainMessagesHref(locale: Locale): string {
  return `/i18n/${locale}.json`;
}

const pending = new Map<Locale, Promise<void>>();

/** Holds the language's messages once this resolves; one request per language however many ask at once. */
export function loadMessages(locale: Locale, href: string): Promise<void> {
  if (hasMessages(locale)) return Promise.resolve();
  let p = pending.get(locale);
  if (!p) {
    p = fetch(href)
      .then(async (res) => {
        if (!res.ok) throw new Error(`Messages for ${locale}: ${res.status}`);
        addMessages(locale, (await res.json()) as Record<string, string>);
      })
      .finally(() => pending.delete(locale));
    pending.set(locale, p);
  }
  return p;
}
