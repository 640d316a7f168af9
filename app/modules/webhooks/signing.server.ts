/**
 * Webhook signatures and the endpoints' signing secrets.
 *
 * A delivery carries `Dealer-Desk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
 * with the endpoint's secret. The server must know the secret to sign, so it cannot keep only a hash: the
 * secret is sealed with AES-256-GCM under a key derived (HKDF-SHA256) from APP_SECRET (or the generated
 * application secret, app_settings), so a copy of the table alone does not give the secrets away
 * (docs/decisions/126-webhook-secrets-and-url-rules.md).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Dealer-Desk-Signature";
export const EVENT_ID_HEADER = "Dealer-Desk-Event-Id";
export const EVENT_TYPE_HEADER = "Dealer-Desk-Event-Type";
export const DELIVERY_HEADER = "Dealer-Desk-Delivery";

/** A new signing secret, shown once: `whsec_` and 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The last four characters, shown beside the endpoint so its owner can tell which secret is current. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}

function sealingKey(appSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", appSecret, "dealer-desk", "webhook-signing-secret.v1", 32));
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function sealSecret(appSecret: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(appSecret), iv);
  const ct = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function openSecret(appSecret: string, sealed: string): string {
  const [v, iv, tag, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || !ct) throw new Error("unknown sealed secret format");
  const decipher = createDecipheriv("aes-256-gcm", sealingKey(appSecret), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (the README shows the same in a few lines): recompute the HMAC over "<t>.<raw body>",
 * compare in constant time, and refuse a timestamp older than `toleranceSeconds` (replays).
 */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(
    header.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return false;
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, "hex"));
}
