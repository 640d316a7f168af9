/**
 * Signed tokens for links that work without signing in (one-click unsubscribe, the service survey):
 * `<base64url JSON payload>.<base64url HMAC-SHA256>`, the MAC taken over `<purpose>.v1.<payload>` so a
 * token of one purpose is never valid for another. The payload carries its expiry (`x`, Unix seconds).
 * A tampered, truncated or foreign token is "invalid"; a genuine one past its expiry is "expired".
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { now } from "./time";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const mac = (secret: string, purpose: string, body: string) => createHmac("sha256", secret).update(`${purpose}.v1.${body}`).digest();

/** Signs `payload` (its keys in the order given) with the expiry appended as `x`. */
export function signToken(secret: string, purpose: string, payload: Record<string, string | number>, expiresAt: Date): string {
  const body = b64(JSON.stringify({ ...payload, x: Math.floor(expiresAt.getTime() / 1000) }));
  return `${body}.${b64(mac(secret, purpose, body))}`;
}

export type VerifiedToken = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: "invalid" | "expired" };

/** Checks the signature, then the expiry; the payload is returned unchecked beyond being a JSON object. */
export function verifyToken(secret: string, purpose: string, token: string): VerifiedToken {
  if (typeof token !== "string" || token.length > 512) return { ok: false, reason: "invalid" };
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || !/^[\w-]+$/.test(body) || !/^[\w-]+$/.test(sig)) return { ok: false, reason: "invalid" };
  const expected = mac(secret, purpose, body);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return { ok: false, reason: "invalid" };
  const x = (payload as { x?: unknown }).x;
  if (typeof x !== "number") return { ok: false, reason: "invalid" };
  if (x * 1000 < now().getTime()) return { ok: false, reason: "expired" };
  return { ok: true, payload: payload as Record<string, unknown> };
}
