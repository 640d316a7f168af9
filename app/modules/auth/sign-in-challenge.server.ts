/**
 * The state between a correct password and the second factor: a sign-in challenge. It is
 * not a session (its own table and cookie), so nothing but the second-factor step can use it:
 * every page and action asks `getActor`, which only knows sessions. A challenge lives
 * CHALLENGE_MINUTES, is bound to one user, and ends when the second factor succeeds (a new
 * session id is issued then), on cancel, on sign-out, and when an administrator resets the factor.
 */
import { createHash, randomBytes } from "node:crypto";
import { db } from "../../../db/client";
import { env } from "~/utils/env.server";
import { clientIp, readCookie } from "~/utils/request.server";
import { now } from "~/utils/time";
import { isDealerRole, isRole, type Role } from "./permissions";

export const CHALLENGE_COOKIE = "dd_signin";
const CHALLENGE_MINUTES = 10;

const hashId = (id: string) => createHash("sha256").update(id).digest("hex");

/** What the user must do after the password: nothing (null), prove the factor, or enrol first (staff only). */
export async function secondFactorStep(userId: number, role: string): Promise<"verify" | "enrol" | null> {
  const factor = await db.selectFrom("user_second_factors").select("confirmed_at").where("user_id", "=", userId).executeTakeFirst();
  if (factor?.confirmed_at) return "verify";
  return isRole(role) && secondFactorRequired(role) ? "enrol" : null;
}

/** Every manufacturer role must use a second factor; dealer users may. */
export function secondFactorRequired(role: Role): boolean {
  return !isDealerRole(role);
}

function cookie(value: string, maxAgeSeconds: number): string {
  const parts = [`${CHALLENGE_COOKIE}=${value}`, "Path=/login", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (env().APP_ORIGIN.startsWith("https:")) parts.push("Secure");
  return parts.join("; ");
}

export async function createChallenge(request: Request, userId: number, opts: { persistent: boolean; redirectTo: string }): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  const t = now();
  await db.deleteFrom("sign_in_challenges").where("user_id", "=", userId).where("expires_at", "<=", t).execute();
  await db
    .insertInto("sign_in_challenges")
    .values({
      id: hashId(id),
      user_id: userId,
      expires_at: new Date(t.getTime() + CHALLENGE_MINUTES * 60_000),
      persistent: opts.persistent ? 1 : 0,
      redirect_to: opts.redirectTo.slice(0, 2000),
      ip: clientIp(request)?.slice(0, 64) ?? null,
      user_agent: request.headers.get("User-Agent")?.slice(0, 255) ?? null,
      created_at: t,
    })
    .execute();
  return cookie(id, CHALLENGE_MINUTES * 60);
}

export type Challenge = {
  id: string;
  userId: number;
  persistent: boolean;
  redirectTo: string;
  user: { id: number; email: string; name: string; role: Role; organisationId: number; dealerId: number | null; locale: string };
};

/** The browser's live challenge, or null (none, expired, or its user or organisation disabled since). */
export async function readChallenge(request: Request): Promise<Challenge | null> {
  const raw = readCookie(request, CHALLENGE_COOKIE);
  if (!raw || raw.length > 100) return null;
  const row = await db
    .selectFrom("sign_in_challenges as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .innerJoin("organisations as o", "o.id", "u.organisation_id")
    .select([
      "c.id",
      "c.user_id",
      "c.expires_at",
      "c.persistent",
      "c.redirect_to",
      "u.email",
      "u.name",
      "u.role",
      "u.organisation_id",
      "u.locale",
      "u.status",
      "o.status as org_status",
    ])
    .where("c.id", "=", hashId(raw))
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= now().getTime() || row.status !== "active" || row.org_status !== "active" || !isRole(row.role)) return null;
  return {
    id: row.id,
    userId: row.user_id,
    persistent: row.persistent === 1,
    redirectTo: row.redirect_to,
    user: {
      id: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      organisationId: row.organisation_id,
      dealerId: isDealerRole(row.role) ? row.organisation_id : null,
      locale: row.locale,
    },
  };
}

/** Ends the browser's challenge (if any); returns the cookie that clears it. */
export async function endChallenge(request: Request): Promise<string> {
  const raw = readCookie(request, CHALLENGE_COOKIE);
  if (raw && raw.length <= 100) await db.deleteFrom("sign_in_challenges").where("id", "=", hashId(raw)).execute();
  return cookie("", 0);
}
