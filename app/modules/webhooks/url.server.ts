/**
 * Which webhook URLs the server may call (docs/decisions/126-webhook-secrets-and-url-rules.md).
 *
 * - HTTPS always; plain HTTP only to a loopback host (localhost, 127.0.0.0/8, ::1) and only when the
 *   app is not in production, so that tests and a developer's receiver on this machine work.
 * - In production no loopback, private, link-local, shared (CGNAT), unspecified or multicast address,
 *   neither written in the URL nor, at delivery time, as what the host name resolves to: the connection
 *   is made to the address the check passed (server-side request forgery: a dealer must not make the
 *   server call into the manufacturer's network; decision 147).
 * - No user name or password in the URL (they would be shown on the page and logged).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
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

/** The error a refused connection fails with; the attempt records its message. */
class RefusedAddress extends Error {
  readonly code = "EREFUSEDADDRESS";
}

type Resolve = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A socket `lookup` that refuses, in production, a host name resolving to any address the server never calls.
 * The socket connects to an address this lookup checked, in the same resolution, so a name cannot answer a
 * public address to a check and a private one to the connection (DNS rebinding; decision 147).
 * `resolve` is `dns.lookup`; tests pass their own answers.
 */
export function guardedLookup(resolve: Resolve = dnsLookup as unknown as Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      const done = callback as (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
      if (err) return done(err, "");
      if (addresses.length === 0) return done(Object.assign(new Error(`DNS: no address for ${hostname}`), { code: "ENOTFOUND" }), "");
      if (addresses.some((a) => isPrivateAddress(a.address))) return done(new RefusedAddress(`refused: ${hostname} resolves to a private address`), "");
      if ((options as { all?: boolean }).all) return done(null, addresses);
      return done(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** An address written in the URL is connected to without a lookup: refused here, in production, before any connection. */
export function refusedLiteral(url: string, production: boolean): string | null {
  if (!production) return null;
  const host = bareHost(new URL(url));
  return isIP(host) && isPrivateAddress(host) ? "refused: private address" : null;
}
