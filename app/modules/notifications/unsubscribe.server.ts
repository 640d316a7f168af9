/**
 * One-click unsubscribe links: a signed token (HMAC-SHA256, ~/utils/signed-token.server) carrying the user
 * id, the purpose and an expiry. It works without signing in; a tampered or
 * expired token changes nothing. The secret is APP_SECRET, or when that is not
 * set, a random secret generated once and kept in app_settings.
 */
import { randomBytes } from "node:crypto";
import { db, type Executor } from "../../../db/client";
import { isLocale, type Locale } from "~/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/actor";
import { STAND_IN_ROLE, isDealerRole, isRole } from "~/modules/auth/permissions";
import { env } from "~/utils/env.server";
import { signToken, verifyToken } from "~/utils/signed-token.server";
import { now } from "~/utils/time";

const UNSUBSCRIBE_TTL_DAYS = 90;
const SECRET_SETTING = "app_secret";
type Purpose = "digest";

/** APP_SECRET, or the generated one stored in app_settings (created once; concurrent first calls agree). */
export async function appSecret(tx: Executor = db): Promise<string> {
  const fromEnv = env().APP_SECRET;
  if (fromEnv) return fromEnv;
  const existing = await tx.selectFrom("app_settings").select("value").where("name", "=", SECRET_SETTING).executeTakeFirst();
  if (existing) return existing.value;
  await tx
    .insertInto("app_settings")
    .ignore()
    .values({ name: SECRET_SETTING, value: randomBytes(48).toString("base64url") })
    .execute();
  const row = await tx.selectFrom("app_settings").select("value").where("name", "=", SECRET_SETTING).executeTakeFirstOrThrow();
  return row.value;
}

export function signUnsubscribeToken(
  secret: string,
  userId: number,
  purpose: Purpose = "digest",
  expiresAt = new Date(now().getTime() + UNSUBSCRIBE_TTL_DAYS * 86_400_000),
): string {
  return signToken(secret, "unsubscribe", { u: userId, p: purpose }, expiresAt);
}

export type TokenCheck = { ok: true; userId: number; purpose: Purpose } | { ok: false; reason: "invalid" | "expired" };

export function verifyUnsubscribeToken(secret: string, token: string): TokenCheck {
  const check = verifyToken(secret, "unsubscribe", token);
  if (!check.ok) return check;
  const { u, p } = check.payload;
  if (typeof u !== "number" || !Number.isSafeInteger(u) || p !== "digest") return { ok: false, reason: "invalid" };
  return { ok: true, userId: u, purpose: "digest" };
}

export function unsubscribeUrl(token: string): string {
  return `${env().APP_ORIGIN}/unsubscribe/${token}`;
}

export type UnsubscribeView = { ok: true; email: string; locale: Locale; frequency: string } | { ok: false; reason: "invalid" | "expired" };

/** Masks the address on the public page: "li…@example.com". */
function maskEmail(email: string): string {
  const [local, domain] = email.split("@");
  if (!local || !domain) return email;
  return `${local.slice(0, 2)}…@${domain}`;
}

async function tokenUser(token: string) {
  const check = verifyUnsubscribeToken(await appSecret(), token);
  if (!check.ok) return { check, user: null };
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "name", "role", "locale", "digest_frequency", "organisation_id", "status"])
    .where("id", "=", check.userId)
    .executeTakeFirst();
  if (!user) return { check: { ok: false as const, reason: "invalid" as const }, user: null };
  return { check, user };
}

/** What the confirmation page shows (GET: nothing changes). */
export async function unsubscribeView(token: string): Promise<UnsubscribeView> {
  const { check, user } = await tokenUser(token);
  if (!check.ok || !user) return { ok: false, reason: check.ok ? "invalid" : check.reason };
  return { ok: true, email: maskEmail(user.email), locale: isLocale(user.locale) ? user.locale : "zh-CN", frequency: user.digest_frequency };
}

/** POST: turns the digest off for the token's user (RFC 8058 one-click, or the page's button). */
export async function unsubscribe(token: string, ip: string | null): Promise<UnsubscribeView> {
  const { check, user } = await tokenUser(token);
  if (!check.ok || !user) return { ok: false, reason: check.ok ? "invalid" : check.reason };
  const locale = isLocale(user.locale) ? user.locale : "zh-CN";
  if (user.digest_frequency !== "off") {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable("users").set({ digest_frequency: "off", updated_at: now() }).where("id", "=", user.id).execute();
      const actor: Actor = {
        kind: "user",
        userId: user.id,
        role: isRole(user.role) ? user.role : STAND_IN_ROLE,
        organisationId: user.organisation_id,
        dealerId: null,
        name: user.name,
        email: user.email,
        locale,
        ip,
      };
      await audit(tx, actor, {
        action: "user.digest_unsubscribed",
        entityType: "user",
        entityId: user.id,
        dealerId: isRole(user.role) && isDealerRole(user.role) ? user.organisation_id : null,
        summary: { from: user.digest_frequency, via: "unsubscribe_link" },
      });
    });
  }
  return { ok: true, email: maskEmail(user.email), locale, frequency: "off" };
}
