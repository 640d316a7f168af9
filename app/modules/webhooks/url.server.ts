/**
 * Which webhook URLs the server may call (docs/decisions/126-webhook-secrets-and-url-rules.md).
 *
 * - HTTPS always; plain HTTP only to a loopback host (localhost, 127.0.0.0/8, ::1) and only when the
 *   app is not in production, so that tests and a developer's receiver on this machine work.
 * - In production no loopback, private, link-local, shared (CGNAT), unspecified or multicast address,
 *   neither written in the URL nor, at delivery time, as what the host name resolves to (server-side
 *   request forgery: a dealer must not make the server call into the manufacturer's network).
 * - No user name or password in the URL (they would be shown on the page and logged).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import type { MessageKey } from "~/i18n";

const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked4.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["::ffff:0:0", 96],
] as const)
  blocked6.addSubnet(net, prefix, "ipv6");

/** Whether an IP address is one the server never calls in production. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  // Separate lists: one list would match every IPv4 address against the IPv4-mapped IPv6 range.
  return family === 4 ? blocked4.check(ip, "ipv4") : blocked6.check(ip, "ipv6");
}

function bareHost(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith("127.");
  return family === 6 && host === "::1";
}

export type UrlVerdict = { ok: true; url: string } | { ok: false; key: MessageKey };

export function checkWebhookUrl(raw: string, production: boolean): UrlVerdict {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, key: "webhooks.url.invalid" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { ok: false, key: "webhooks.url.httpsRequired" };
  if (!u.hostname) return { ok: false, key: "webhooks.url.invalid" };
  if (u.username || u.password) return { ok: false, key: "webhooks.url.credentials" };
  const host = bareHost(u);
  const loopback = isLoopbackHost(host);
  if (production && (loopback || isPrivateAddress(host) || host.endsWith(".local") || host.endsWith(".internal")))
    return { ok: false, key: "webhooks.url.privateAddress" };
  if (u.protocol === "http:") {
    if (production) return { ok: false, key: "webhooks.url.httpsRequired" };
    if (!loopback) return { ok: false, key: "webhooks.url.httpLoopbackOnly" };
  }
  u.hash = "";
  return { ok: true, url: u.toString() };
}

/**
 * At delivery time, in production: the host name must not resolve to an address the server never calls.
 * Returns the refusal to record, or null. (The HTTP client resolves again; a name that changes its answer
 * between the two lookups is the remaining gap, noted in decision 126.)
 */
export async function refuseResolvedPrivate(url: string, production: boolean): Promise<string | null> {
  if (!production) return null;
  const host = bareHost(new URL(url));
  if (isIP(host)) return isPrivateAddress(host) ? "refused: private address" : null;
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    if (addresses.some((a) => isPrivateAddress(a.address))) return "refused: the host resolves to a private address";
    return null;
  } catch (err) {
    return `DNS: ${(err as { code?: string }).code ?? "lookup failed"}`;
  }
}
