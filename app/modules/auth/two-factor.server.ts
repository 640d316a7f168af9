/**
 * Two-factor sign-in (ASVS 5.0 L2): TOTP (RFC 6238, SHA-1, 6 digits, 30 s, ±1 step) with the
 * otpauth library, QR codes as inline SVG (qrcode), and ten single-use recovery codes stored as
 * SHA-256 hashes. Required for every manufacturer role, optional for dealer users; no
 * remembered devices. docs/decisions/090-two-factor-sign-in.md
 */
import { createHash, randomBytes } from "node:crypto";
import * as OTPAuth from "otpauth";
import QRCode from "qrcode";
import { db, type Executor } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError, ValidationError } from "~/utils/errors";
import { env } from "~/utils/env.server";
import { clientIp } from "~/utils/request.server";
import { now } from "~/utils/time";
import { isLocale } from "~/i18n";
import { requirePermission, type Actor } from "./actor";
import { startSession } from "./auth.server";
import { verifyPassword } from "./password.server";
import { isRole } from "./permissions";
import { endChallenge, readChallenge, secondFactorRequired, type Challenge } from "./sign-in-challenge.server";
import { beginAttempt, checkThrottle, clearEmailFailures, recordFailure } from "./throttle.server";
import { RECOVERY_CODE_COUNT } from "./two-factor.schema";

const ISSUER = "Dealer Desk";
const PERIOD = 30;
const WINDOW = 1;

function totp(secret: string, label = "") {
  return new OTPAuth.TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** A new random TOTP secret (160 bits, base32). */
function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

/** The code an authenticator shows for `secret` at `at` (demo script and tests). */
export function totpCode(secret: string, at: Date = now()): string {
  return totp(secret).generate({ timestamp: at.getTime() });
}

function otpauthUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/** The time step a code belongs to (within ±1 step of `at`), or null. */
function matchStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: at.getTime(), window: WINDOW });
  return delta === null ? null : Math.floor(at.getTime() / 1000 / PERIOD) + delta;
}

// ---------------------------------------------------------------- recovery codes

// Crockford base32: no i, l, o, u; 16 characters = 80 random bits per code.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 16; i++) out = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)] + out;
  return out.match(/.{4}/g)!.join("-");
}

/** Case, spaces and dashes do not matter; i/l read as 1 and o as 0. */
export function normaliseRecoveryCode(code: string): string | null {
  const c = code.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
  return /^[0-9a-hj-km-np-tv-z]{16}$/.test(c) ? c : null;
}

const hashRecoveryCode = (normalised: string) => createHash("sha256").update(normalised).digest("hex");

async function replaceRecoveryCodes(tx: Executor, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  const t = now();
  await tx
    .insertInto("recovery_codes")
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(normaliseRecoveryCode(c)!), created_at: t })))
    .execute();
  return codes;
}

// ---------------------------------------------------------------- status and enrolment

export type SecondFactorStatus = { enabled: boolean; confirmedAt: Date | null; recoveryCodesLeft: number; required: boolean };

export async function secondFactorStatus(userId: number, role: string): Promise<SecondFactorStatus> {
  const row = await db.selectFrom("user_second_factors").select("confirmed_at").where("user_id", "=", userId).executeTakeFirst();
  const left = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return {
    enabled: !!row?.confirmed_at,
    confirmedAt: row?.confirmed_at ?? null,
    recoveryCodesLeft: Number(left.n),
    required: isRole(role) && secondFactorRequired(role),
  };
}

export type Enrolment = { secret: string; uri: string; qrSvg: string };

/**
 * The secret being enrolled: kept (unconfirmed) until a code confirms it, so reloading the page
 * shows the same QR code. Refused once a factor is confirmed.
 */
export async function beginEnrolment(user: { id: number; email: string }): Promise<Enrolment> {
  let row = await db.selectFrom("user_second_factors").select(["totp_secret", "confirmed_at"]).where("user_id", "=", user.id).executeTakeFirst();
  if (row?.confirmed_at) throw new ConflictError("twoFactor.alreadyEnabled");
  if (!row) {
    await db.insertInto("user_second_factors").values({ user_id: user.id, totp_secret: newTotpSecret(), created_at: now() }).ignore().execute();
    row = await db.selectFrom("user_second_factors").select(["totp_secret", "confirmed_at"]).where("user_id", "=", user.id).executeTakeFirstOrThrow();
  }
  const uri = otpauthUri(row.totp_secret, user.email);
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
  return { secret: row.totp_secret, uri, qrSvg };
}

/** Confirms the enrolment with a valid code; returns the ten recovery codes (shown once). */
async function confirmEnrolment(actor: Actor, code: string): Promise<string[]> {
  const userId = actor.userId!;
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom("user_second_factors").select(["totp_secret", "confirmed_at"]).where("user_id", "=", userId).forUpdate().executeTakeFirst();
    if (!row) throw new ConflictError("twoFactor.enrolmentMissing");
    if (row.confirmed_at) throw new ConflictError("twoFactor.alreadyEnabled");
    const step = matchStep(row.totp_secret, code, now());
    if (step === null) throw new ValidationError("validation.formErrors", { code: ["twoFactor.invalid"] });
    await tx.updateTable("user_second_factors").set({ confirmed_at: now(), last_used_step: step }).where("user_id", "=", userId).execute();
    const codes = await replaceRecoveryCodes(tx, userId);
    await audit(tx, actor, { action: "user.second_factor_enabled", entityType: "user", entityId: userId, dealerId: actor.dealerId });
    return codes;
  });
}

// ---------------------------------------------------------------- proving the factor

/** Accepts a TOTP code once (a code of a step already used is refused), or an unused recovery code. */
async function proveFactor(userId: number, code: string): Promise<"totp" | "recovery_code" | null> {
  const row = await db.selectFrom("user_second_factors").select(["totp_secret", "confirmed_at"]).where("user_id", "=", userId).executeTakeFirst();
  if (!row?.confirmed_at) return null;
  const step = matchStep(row.totp_secret, code, now());
  if (step !== null) {
    // One conditional UPDATE: two requests with the same code cannot both pass.
    const res = await db
      .updateTable("user_second_factors")
      .set({ last_used_step: step })
      .where("user_id", "=", userId)
      .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", step)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? "totp" : null;
  }
  const recovery = normaliseRecoveryCode(code);
  if (!recovery) return null;
  const res = await db
    .updateTable("recovery_codes")
    .set({ used_at: now() })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashRecoveryCode(recovery))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? "recovery_code" : null;
}

// Failures count like password failures (the throttle module), under their own key per user.
const throttleKey = (userId: number) => `second-factor:${userId}`;

async function throttledProve(actor: Actor, code: string): Promise<"totp" | "recovery_code"> {
  const key = throttleKey(actor.userId!);
  const state = await checkThrottle(key, actor.ip);
  if (state.blocked) throw new TooManyRequestsError("login.slowDown", { seconds: state.retryAfterSeconds });
  // Counted before the code is checked (decision 082): a burst cannot outrun the lock.
  const attempt = await beginAttempt(key);
  if (attempt.blocked) throw new TooManyRequestsError("login.locked", { minutes: Math.ceil(attempt.retryAfterSeconds / 60) });
  const method = await proveFactor(actor.userId!, code);
  if (!method) {
    await recordFailure(key, actor.ip);
    await audit(db, actor, {
      action: attempt.last ? "auth.second_factor_locked" : "auth.second_factor_failed",
      entityType: "user",
      entityId: actor.userId!,
      dealerId: actor.dealerId,
    });
    if (attempt.last) throw new TooManyRequestsError("login.locked", { minutes: env().LOGIN_LOCK_MINUTES });
    throw new ValidationError("validation.formErrors", { code: ["twoFactor.invalid"] });
  }
  await clearEmailFailures(key);
  return method;
}

function challengeActor(request: Request, c: Challenge): Actor {
  const u = c.user;
  return {
    kind: "user",
    userId: u.id,
    role: u.role,
    organisationId: u.organisationId,
    dealerId: u.dealerId,
    name: u.name,
    email: u.email,
    locale: isLocale(u.locale) ? u.locale : "zh-CN",
    ip: clientIp(request),
  };
}

/** The browser's challenge, or a 401-like "start again" (the route sends it to /login). */
async function requireChallenge(request: Request): Promise<Challenge> {
  const c = await readChallenge(request);
  if (!c) throw new NotFoundError("twoFactor.challengeMissing");
  return c;
}

/** Where a browser with a live challenge continues (the enrolment or the code page), or null. */
export async function pendingSignInStep(request: Request): Promise<string | null> {
  const c = await readChallenge(request);
  if (!c) return null;
  const row = await db.selectFrom("user_second_factors").select("confirmed_at").where("user_id", "=", c.userId).executeTakeFirst();
  return row?.confirmed_at ? "/login/two-factor" : "/login/enrol";
}

export type SignedIn = { cookies: string[]; redirectTo: string };

/** The sign-in's second step: a valid code ends the challenge and opens a session with a new id. */
export async function completeSecondFactor(request: Request, code: string): Promise<SignedIn & { method: "totp" | "recovery_code" }> {
  const c = await requireChallenge(request);
  const method = await throttledProve(challengeActor(request, c), code);
  const cleared = await endChallenge(request);
  const session = await startSession(request, c.userId, { persistent: c.persistent, secondFactor: method });
  return { cookies: [session, cleared], redirectTo: c.redirectTo, method };
}

/** Enrolment during sign-in (staff without a factor): confirm the code, get the codes, and the session. */
export async function completeEnrolment(request: Request, code: string): Promise<SignedIn & { recoveryCodes: string[] }> {
  const c = await requireChallenge(request);
  const recoveryCodes = await confirmEnrolment(challengeActor(request, c), code);
  const cleared = await endChallenge(request);
  const session = await startSession(request, c.userId, { persistent: c.persistent, secondFactor: "totp" });
  return { cookies: [session, cleared], redirectTo: c.redirectTo, recoveryCodes };
}

// ---------------------------------------------------------------- settings (signed in)

export function enrolFromSettings(actor: Actor): Promise<Enrolment> {
  requirePermission(actor, "settings:self");
  return beginEnrolment({ id: actor.userId!, email: actor.email });
}

export function confirmFromSettings(actor: Actor, code: string): Promise<string[]> {
  requirePermission(actor, "settings:self");
  return confirmEnrolment(actor, code);
}

/** New recovery codes (the old ones stop working), after a current authenticator code. */
export async function regenerateRecoveryCodes(actor: Actor, code: string): Promise<string[]> {
  requirePermission(actor, "settings:self");
  const method = await throttledProve(actor, code);
  if (method !== "totp") throw new ValidationError("validation.formErrors", { code: ["twoFactor.totpNeeded"] });
  return db.transaction().execute(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, actor.userId!);
    await audit(tx, actor, { action: "user.recovery_codes_replaced", entityType: "user", entityId: actor.userId!, dealerId: actor.dealerId });
    return codes;
  });
}

/** A dealer user turns their optional second factor off (password asked again). Staff cannot. */
export async function disableSecondFactor(actor: Actor, password: string): Promise<void> {
  requirePermission(actor, "settings:self");
  if (secondFactorRequired(actor.role)) throw new ForbiddenError("twoFactor.requiredForStaff");
  const user = await db.selectFrom("users").select("password_hash").where("id", "=", actor.userId!).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, password))) throw new ValidationError("validation.formErrors", { password: ["settings.passwordWrong"] });
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom("user_second_factors").where("user_id", "=", actor.userId!).execute();
    await tx.deleteFrom("recovery_codes").where("user_id", "=", actor.userId!).execute();
    await audit(tx, actor, { action: "user.second_factor_disabled", entityType: "user", entityId: actor.userId!, dealerId: actor.dealerId });
  });
}

// ---------------------------------------------------------------- administrators

/**
 * An administrator resets a user's second factor (lost phone and codes): the factor and codes are
 * deleted, every session and pending sign-in of the user ends, and it is audited. Staff enrol again
 * at their next sign-in.
 */
export async function resetSecondFactor(actor: Actor, userId: number): Promise<void> {
  requirePermission(actor, "second_factor:reset");
  await db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom("users").select(["id"]).where("id", "=", userId).forUpdate().executeTakeFirst();
    if (!user) throw new NotFoundError();
    const had = await tx.selectFrom("user_second_factors").select("confirmed_at").where("user_id", "=", userId).executeTakeFirst();
    await tx.deleteFrom("user_second_factors").where("user_id", "=", userId).execute();
    await tx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
    await tx.deleteFrom("sign_in_challenges").where("user_id", "=", userId).execute();
    await tx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    await audit(tx, actor, {
      action: "user.second_factor_reset",
      entityType: "user",
      entityId: userId,
      summary: { hadFactor: !!had?.confirmed_at, sessionsEnded: true },
    });
  });
}
