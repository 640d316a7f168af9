import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, type Locale } from "~/i18n";
import type { Actor } from "~/modules/auth/actor";

/** Header the Express server sets from req.ip (incoming copies are stripped). */
export const CLIENT_IP_HEADER = "x-dealerdesk-client-ip";
export const LOCALE_COOKIE = "dd_lang";

export function clientIp(request: Request): string | null {
  return request.headers.get(CLIENT_IP_HEADER);
}

/**
 * Header the Express server sets to a fresh random id per HTTP request (incoming
 * copies are stripped). Remix hands every loader of a document request its own
 * Request object and runs them at the same time, so the session lookup is shared
 * by this id while it is in flight: one lookup per HTTP request, not one per loader.
 */
export const REQUEST_ID_HEADER = "x-dealerdesk-request-id";

const actors = new WeakMap<Request, Actor>();
const lookups = new Map<string, { promise: Promise<Actor | null>; at: number }>();
const SHARE_MS = 30_000;
let lastPrune = 0;

export function rememberActor(request: Request, actor: Actor) {
  actors.set(request, actor);
}
export function rememberedActor(request: Request): Actor | undefined {
  return actors.get(request);
}

/** Runs `lookup` once per HTTP request: loaders of the same request share its promise. */
export async function sharedActorLookup(request: Request, lookup: () => Promise<Actor | null>): Promise<Actor | null> {
  const id = request.headers.get(REQUEST_ID_HEADER);
  if (!id) return lookup();
  const t = Date.now();
  if (t - lastPrune > SHARE_MS) {
    lastPrune = t;
    for (const [k, v] of lookups) if (t - v.at > SHARE_MS) lookups.delete(k);
  }
  let entry = lookups.get(id);
  if (!entry) {
    entry = { promise: lookup(), at: t };
    lookups.set(id, entry);
    entry.promise.catch(() => lookups.delete(id));
  }
  const actor = await entry.promise;
  if (actor) actors.set(request, actor);
  return actor;
}

/** After sign-out or a session change inside a request, later loaders must look again. */
export function forgetActor(request: Request) {
  actors.delete(request);
  const id = request.headers.get(REQUEST_ID_HEADER);
  if (id) lookups.delete(id);
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) {
      try {
        return decodeURIComponent(v.join("="));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The language to answer in: the user's setting, else the switcher's cookie, else Accept-Language. */
export function localeOf(request: Request): Locale {
  const actor = actors.get(request);
  if (actor) return actor.locale;
  const fromCookie = readCookie(request, LOCALE_COOKIE);
  if (isLocale(fromCookie)) return fromCookie;
  return localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? DEFAULT_LOCALE;
}

export { safeRedirectPath } from "./url-safety";
