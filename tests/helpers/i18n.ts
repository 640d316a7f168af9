import { messages } from "../../app/i18n";

const namespaces = [...new Set(Object.keys(messages.en).map((k) => k.split(".")[0]))];
const KEY_PATTERN = new RegExp(`\\b(?:${namespaces.join("|")})\\.[a-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9]+)*\\b`, "g");
const knownKeys = new Set(Object.keys(messages.en));

/** Raw i18n keys in a page's visible text (a key shown instead of its translation). */
export function rawKeys(html: string): string[] {
  const text = html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ");
  return [...text.matchAll(KEY_PATTERN)].map((m) => m[0]).filter((k) => knownKeys.has(k) || /^[a-z]+\.[a-z]+[A-Z]/.test(k));
}
