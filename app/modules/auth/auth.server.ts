/**
 * Sign-in, sessions and the actor. lucia v3 stays behind this module: nothing
 * else imports it.
 */
import { redirect } from "@remix-run/node";
import { Lucia, TimeSpan, generateIdFromEntropySize } from "lucia";
import { db } from "../../../db/client";
import { isLocale, type Locale } from "~/i18n";
import { audit } from "~/modules/audit/audit.server";
import { env } from "~/utils/env.server";
import { TooManyRequestsError, ValidationError } from "~/utils/errors";
import { clientIp, forgetActor, localeOf, rememberActor, rememberedActor, safeRedirectPath, sharedActorLookup } from "~/utils/request.server";
import { now } from "~/utils/time";
import type { Actor } from "./actor";
import { hashPassword, isStrongPassword, verifyPassword } from "./password.server";
import { STAND_IN_ROLE, isDealerRole, isRole, type Permission } from "./permissions";
import { HashedSessionAdapter, hashSessionId, insertSession, type SessionAttributes, type UserAttributes } from "./session-adapter.server";
import { createChallenge, endChallenge, secondFactorStep } from "./sign-in-challenge.server";
import { beginAttempt, checkThrottle, clearEmailFailures, recordFailure } from "./throttle.server";
import { requirePermission } from "./actor";

const SESSION_COOKIE = "dd_session";

function createLucia() {
  const e = env();
  return new Lucia(new HashedSessionAdapter(), {
    sessionExpiresIn: new TimeSpan(e.SESSION_IDLE_HOURS, "h"),
    sessionCookie: {
      name: SESSION_COOKIE,
      // Only the blank (sign-out) cookie comes from lucia; startSession writes the session cookie.
      expires: false,
      attributes: { secure: e.APP_ORIGIN.startsWith("https:"), sameSite: "lax", path: "/" },
    },
    getSessionAttributes: (a) => a,
    getUserAttributes: (a) => a,
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    UserId: number;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

let luciaInstance: ReturnType<typeof createLucia> | undefined;
let luciaKey = "";
function lucia() {
  const e = env();
  const key = `${e.SESSION_IDLE_HOURS}|${e.APP_ORIGIN}`;
  if (!luciaInstance || key !== luciaKey) {
    luciaInstance = createLucia();
    luciaKey = key;
  }
  return luciaInstance;
}

function readSessionId(request: Request): string | null {
  return lucia().readSessionCookie(request.headers.get("Cookie") ?? "");
}

// Extend the idle window at most this often, so a busy user does not write on every request.
const EXTEND_EVERY_MS = 5 * 60_000;

/** The signed-in actor, or null. Also keeps the idle window sliding. */
export async function getActor(request: Request): Promise<Actor | null> {
  const known = rememberedActor(request);
  if (known) return known;
  return sharedActorLookup(request, () => lookUpActor(request));
}

async function lookUpActor(request: Request): Promise<Actor | null> {
  const sessionId = readSessionId(request);
  if (!sessionId) return null;
  const { session, user } = await lucia().validateSession(sessionId);
  if (!session || !user) return null;
  const idleMs = env().SESSION_IDLE_HOURS * 3_600_000;
  const remaining = session.expiresAt.getTime() - now().getTime();
  if (!session.fresh && remaining < idleMs - EXTEND_EVERY_MS) {
    await new HashedSessionAdapter().updateSessionExpiration(sessionId, new Date(now().getTime() + idleMs));
  }
  const a = user;
  if (!isRole(a.role)) return null;
  const actor: Actor = {
    kind: "user",
    userId: user.id,
    role: a.role,
    organisationId: a.organisation_id,
    dealerId: isDealerRole(a.role) && a.org_kind === "dealer" ? a.organisation_id : null,
    name: a.name,
    email: a.email,
    locale: isLocale(a.locale) ? a.locale : "zh-CN",
    ip: clientIp(request),
    sessionId: hashSessionId(sessionId),
  };
  if (isDealerRole(actor.role) && actor.dealerId === null) return null;
  rememberActor(request, actor);
  return actor;
}

/** The actor, or a redirect to /login that comes back here afterwards. */
export async function requireActor(request: Request, permission?: Permission): Promise<Actor> {
  const actor = await getActor(request);
  if (!actor) {
    const url = new URL(request.url);
    const back = `${url.pathname}${url.search}`;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  if (permission) requirePermission(actor, permission);
  return actor;
}

export type SignInResult = { cookie: string; redirectTo: string; userId: number };
export type SignInInput = { email: string; password: string; redirectTo?: string; keepSignedIn?: boolean };

/** Email + password sign-in with throttling. Unknown email and wrong password look the same. */
export async function signIn(request: Request, input: SignInInput): Promise<SignInResult> {
  const ip = clientIp(request);
  const email = input.email.trim().toLowerCase();
  const state = await checkThrottle(email, ip);
  if (state.blocked) throw new TooManyRequestsError("login.slowDown", { seconds: state.retryAfterSeconds });
  // Counted before the password is checked: a burst cannot outrun the lock.
  const attempt = await beginAttempt(email);
  if (attempt.blocked) throw new TooManyRequestsError("login.locked", { minutes: Math.ceil(attempt.retryAfterSeconds / 60) });
  const user = await db
    .selectFrom("users as u")
    .innerJoin("organisations as o", "o.id", "u.organisation_id")
    .select(["u.id", "u.password_hash", "u.status", "u.role", "u.name", "u.email", "u.locale", "u.organisation_id", "o.status as org_status"])
    .where("u.email", "=", email)
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!ok || !user || user.status !== "active" || user.org_status !== "active") {
    await recordFailure(email, ip);
    const locked = attempt.last;
    if (user) {
      await audit(db, anonymousActor(request, user.id, user.organisation_id), {
        action: locked ? "auth.locked" : "auth.sign_in_failed",
        entityType: "user",
        entityId: user.id,
      });
    }
    if (locked) throw new TooManyRequestsError("login.locked", { minutes: env().LOGIN_LOCK_MINUTES });
    throw new ValidationError("login.invalid");
  }
  await clearEmailFailures(email);
  // Session fixation: whatever session the browser brought is ended; a new id is issued.
  await endSessionOf(request);
  const redirectTo = safeRedirectPath(input.redirectTo);
  const persistent = input.keepSignedIn === true;
  // Staff (and dealer users who enrolled) prove a second factor before any session exists.
  const step = await secondFactorStep(user.id, user.role);
  if (step) {
    const cookie = await createChallenge(request, user.id, { persistent, redirectTo });
    await audit(db, anonymousActor(request, user.id, user.organisation_id), {
      action: "auth.password_verified",
      entityType: "user",
      entityId: user.id,
      summary: { next: step },
    });
    return { cookie, redirectTo: step === "enrol" ? "/login/enrol" : "/login/two-factor", userId: user.id };
  }
  const cookie = await startSession(request, user.id, { persistent });
  return { cookie, redirectTo, userId: user.id };
}

async function endSessionOf(request: Request): Promise<void> {
  const previous = readSessionId(request);
  if (previous) await lucia().invalidateSession(previous);
  forgetActor(request);
}

/**
 * Opens a full session after every factor has been proven; returns its Set-Cookie value.
 * A browser-session cookie (no Max-Age, no Expires) unless the user asked to be kept signed in:
 * then Max-Age is SESSION_REMEMBER_DAYS (at most 30 days) and the server ends it at the same time.
 */
export async function startSession(request: Request, userId: number, opts: { persistent: boolean; secondFactor?: "totp" | "recovery_code" }): Promise<string> {
  await endSessionOf(request);
  const e = env();
  const t = now();
  const absoluteExpiresAt = new Date(t.getTime() + (opts.persistent ? e.SESSION_REMEMBER_DAYS : e.SESSION_ABSOLUTE_DAYS) * 86_400_000);
  const sessionId = generateIdFromEntropySize(25);
  const attrs = { absoluteExpiresAt, persistent: opts.persistent, ip: clientIp(request), userAgent: request.headers.get("User-Agent") };
  await db.transaction().execute(async (tx) => {
    await insertSession(tx, sessionId, userId, new Date(t.getTime() + e.SESSION_IDLE_HOURS * 3_600_000), attrs);
    await tx.updateTable("users").set({ last_login_at: t }).where("id", "=", userId).execute();
    const u = await tx.selectFrom("users").select(["organisation_id"]).where("id", "=", userId).executeTakeFirstOrThrow();
    await audit(tx, anonymousActor(request, userId, u.organisation_id), {
      action: "auth.sign_in",
      entityType: "user",
      entityId: userId,
      summary: { persistent: opts.persistent, ...(opts.secondFactor ? { secondFactor: opts.secondFactor } : {}) },
    });
  });
  return sessionCookie(sessionId, opts.persistent ? e.SESSION_REMEMBER_DAYS * 86_400 : null);
}

/** The session cookie; Max-Age (seconds) only for a kept session, else the browser drops it when it closes. */
function sessionCookie(sessionId: string, maxAgeSeconds: number | null): string {
  const parts = [`${SESSION_COOKIE}=${sessionId}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (env().APP_ORIGIN.startsWith("https:")) parts.push("Secure");
  if (maxAgeSeconds !== null) parts.push(`Max-Age=${Math.max(0, maxAgeSeconds)}`);
  return parts.join("; ");
}

function anonymousActor(request: Request, userId: number, organisationId: number): Actor {
  return { kind: "user", userId, role: STAND_IN_ROLE, organisationId, dealerId: null, name: "", email: "", locale: localeOf(request), ip: clientIp(request) };
}

/** Ends the current session; returns the cookie that clears it in the browser. */
export async function signOut(request: Request): Promise<string[]> {
  const challengeCookie = await endChallenge(request);
  const sessionId = readSessionId(request);
  if (sessionId) {
    const actor = await getActor(request);
    await lucia().invalidateSession(sessionId);
    forgetActor(request);
    if (actor) await audit(db, actor, { action: "auth.sign_out", entityType: "user", entityId: actor.userId! });
  }
  return [lucia().createBlankSessionCookie().serialize(), challengeCookie];
}

/** Ends every session of a user (disabled, or password changed). */
export async function endAllSessions(userId: number, exceptHashedId?: string): Promise<void> {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptHashedId) q = q.where("id", "<>", exceptHashedId);
  await q.execute();
}

/**
 * Changes the password. Every other session of the user ends, and the current one is replaced
 * by a new id (same absolute expiry and "keep me signed in" choice): returns its Set-Cookie value.
 */
export async function changePassword(actor: Actor, input: { currentPassword: string; newPassword: string; confirmPassword: string }): Promise<string> {
  const row = await db.selectFrom("users").select(["password_hash"]).where("id", "=", actor.userId!).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, input.currentPassword))) {
    throw new ValidationError("validation.formErrors", { currentPassword: ["settings.passwordWrong"] });
  }
  if (input.newPassword !== input.confirmPassword) throw new ValidationError("validation.formErrors", { confirmPassword: ["settings.passwordMismatch"] });
  if (!isStrongPassword(input.newPassword)) throw new ValidationError("validation.formErrors", { newPassword: ["settings.passwordWeak"] });
  const passwordHash = await hashPassword(input.newPassword);
  const newId = generateIdFromEntropySize(25);
  const current = await db.transaction().execute(async (tx) => {
    const cur = await tx
      .selectFrom("sessions")
      .select(["expires_at", "absolute_expires_at", "persistent", "ip", "user_agent"])
      .where("id", "=", actor.sessionId ?? "")
      .where("user_id", "=", actor.userId!)
      .forUpdate()
      .executeTakeFirst();
    await tx.updateTable("users").set({ password_hash: passwordHash, password_changed_at: now(), updated_at: now() }).where("id", "=", actor.userId!).execute();
    await tx.deleteFrom("sessions").where("user_id", "=", actor.userId!).execute();
    if (cur) {
      await insertSession(tx, newId, actor.userId!, cur.expires_at, {
        absoluteExpiresAt: cur.absolute_expires_at,
        persistent: cur.persistent === 1,
        ip: cur.ip,
        userAgent: cur.user_agent,
      });
    }
    await audit(tx, actor, { action: "user.password_changed", entityType: "user", entityId: actor.userId!, dealerId: actor.dealerId });
    return cur;
  });
  if (!current) return lucia().createBlankSessionCookie().serialize();
  // A kept session keeps its end: the new cookie lives until the same absolute expiry.
  return sessionCookie(newId, current.persistent === 1 ? Math.floor((current.absolute_expires_at.getTime() - now().getTime()) / 1000) : null);
}

export async function updatePreferences(actor: Actor, input: { locale: Locale; digestFrequency: "off" | "daily" | "weekly" }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom("users").select(["locale", "digest_frequency"]).where("id", "=", actor.userId!).executeTakeFirstOrThrow();
    await tx
      .updateTable("users")
      .set({ locale: input.locale, digest_frequency: input.digestFrequency, updated_at: now() })
      .where("id", "=", actor.userId!)
      .execute();
    await audit(tx, actor, {
      action: "user.preferences_changed",
      entityType: "user",
      entityId: actor.userId!,
      dealerId: actor.dealerId,
      summary: { locale: { from: before.locale, to: input.locale }, digest: { from: before.digest_frequency, to: input.digestFrequency } },
    });
  });
}

export async function setLocale(actor: Actor, locale: Locale): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable("users").set({ locale, updated_at: now() }).where("id", "=", actor.userId!).execute();
    await audit(tx, actor, { action: "user.locale_changed", entityType: "user", entityId: actor.userId!, dealerId: actor.dealerId, summary: { locale } });
  });
}

export { hashPassword };
