/**
 * Two guards on URLs that come from outside (docs/decisions/081):
 * - `safeRedirectPath`: the one function every redirect target taken from input
 *   goes through; only a same-origin relative path survives.
 * - `canonicalPath`: the path of an incoming request as the router will see it
 *   (dot segments and percent-encoded dots resolved, repeated slashes collapsed),
 *   so the server's checks (body limits, origin, throttles) test that path and
 *   not the raw one. What has no single reading is refused.
 */

const CONTROL = /[\u0000-\u001f\u007f]/;
const BASE = "http://local.invalid";

/** Percent-decodes until nothing changes (at most a few rounds); null when the bytes are not UTF-8. */
function decodeFully(s: string): string | null {
  let cur = s;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return null;
    }
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}

/**
 * A redirect target from input, kept only when it is a path on this site:
 * absolute and protocol-relative URLs, backslashes, control characters and
 * anything that resolves (after dot segments and percent-decoding) to `//host`
 * or `/\host` give the fallback.
 */
export function safeRedirectPath(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.includes("\\") || CONTROL.test(to)) return fallback;
  let u: URL;
  try {
    // Concatenated, not resolved against a base: `//x` must stay a path here, never become a host.
    u = new URL(`${BASE}${to}`);
  } catch {
    return fallback;
  }
  if (u.origin !== BASE) return fallback;
  // `//evil`, `/.//evil`, `/%2e//evil`, `/a/..//evil` resolve to `//evil`; `/%2f%2fevil` and `/%5cevil` decode to it.
  // A path of this site never needs an encoded slash or backslash, nor an empty segment.
  const decoded = decodeFully(u.pathname);
  if (decoded === null || !decoded.startsWith("/") || /%(2f|5c)/i.test(u.pathname) || decoded.includes("//") || decoded.includes("\\") || CONTROL.test(decoded))
    return fallback;
  const out = `${u.pathname}${u.search}${u.hash}`;
  return /^\/(?![/\\])/.test(out) ? out : fallback;
}

export type CanonicalPath = { ok: true; path: string; search: string; changed: boolean } | { ok: false };

/**
 * The request target (`req.url`: path and query) as the router reads it. Refused
 * (`ok: false`): not a path, malformed percent-encoding, encoded `/` or `\`, a
 * backslash, control characters (raw or encoded). Otherwise `.`/`..` segments
 * (also `%2e`) are resolved and repeated slashes collapsed; `changed` says whether
 * that altered the path.
 */
export function canonicalPath(target: string): CanonicalPath {
  if (!target.startsWith("/")) return { ok: false };
  const q = target.indexOf("?");
  const raw = q === -1 ? target : target.slice(0, q);
  const search = q === -1 ? "" : target.slice(q);
  if (raw.includes("\\") || CONTROL.test(raw) || /%(2f|5c)/i.test(raw)) return { ok: false };
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { ok: false };
  }
  if (CONTROL.test(decoded) || decoded.includes("\\")) return { ok: false };
  let resolved: string;
  try {
    resolved = new URL(`${BASE}${raw}`).pathname;
  } catch {
    return { ok: false };
  }
  const path = resolved.replace(/\/{2,}/g, "/");
  return { ok: true, path, search, changed: path !== raw };
}
