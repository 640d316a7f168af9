import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createSession, createUser, TEST_PASSWORD, TEST_TOTP_SECRET } from "../../../tests/factories";
import { DomainError } from "~/utils/errors";
import { getActor, signIn } from "./auth.server";
import { hashSessionId } from "./session-adapter.server";
import { CHALLENGE_COOKIE } from "./sign-in-challenge.server";
import {
  beginEnrolment,
  completeEnrolment,
  completeSecondFactor,
  confirmFromSettings,
  disableSecondFactor,
  enrolFromSettings,
  normaliseRecoveryCode,
  regenerateRecoveryCodes,
  resetSecondFactor,
  totpCode,
} from "./two-factor.server";

const T0 = new Date("2026-11-02T08:00:10Z");
const db = () => getDb();
const pair = (setCookie: string) => setCookie.split(";")[0]!;
const req = (cookie?: string, path = "/login/two-factor") =>
  new Request(`http://127.0.0.1${path}`, { method: "POST", headers: { ...(cookie ? { Cookie: cookie } : {}), "x-dealerdesk-client-ip": "10.0.0.9" } });

async function passwordStep(email: string, opts: { keepSignedIn?: boolean; redirectTo?: string } = {}) {
  return signIn(req(undefined, "/login"), { email, password: TEST_PASSWORD, ...opts });
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return { status: err.status, key: err.messageKey, fields: err.fieldErrors };
    throw err;
  }
  throw new Error("expected a failure");
}

afterEach(() => {
  vi.useRealTimers();
});

describe("staff sign-in needs a second factor", () => {
  it("a correct password gives a sign-in challenge, not a session: nothing signed in with it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    for (const role of ["account_manager", "ops", "finance", "admin"] as const) {
      const user = await createUser(role);
      const r = await passwordStep(user.email, { redirectTo: "/orders" });
      expect(r.redirectTo).toBe("/login/two-factor");
      expect(pair(r.cookie).startsWith(`${CHALLENGE_COOKIE}=`)).toBe(true);
      expect(await db().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
      expect(await getActor(new Request("http://x/orders", { headers: { Cookie: pair(r.cookie) } }))).toBeNull();
    }
  });

  it("a valid code opens a session with a new id and goes where the user was going; the same code is refused the second time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("ops");
    const challenge = pair((await passwordStep(user.email, { redirectTo: "/review/orders" })).cookie);
    const code = totpCode(TEST_TOTP_SECRET);
    const done = await completeSecondFactor(req(challenge), code);
    expect(done).toMatchObject({ redirectTo: "/review/orders", method: "totp" });
    const session = pair(done.cookies[0]!);
    expect(session.startsWith("dd_session=")).toBe(true);
    expect(session.split("=")[1]).not.toBe(challenge.split("=")[1]);
    expect(done.cookies[1]).toMatch(new RegExp(`^${CHALLENGE_COOKIE}=;.*Max-Age=0`));
    expect((await getActor(new Request("http://x/", { headers: { Cookie: session } })))?.userId).toBe(user.id);
    // The challenge is used up.
    expect(await failure(completeSecondFactor(req(challenge), code))).toMatchObject({ status: 404 });
    // Replay: a new sign-in in the same 30 s with the same code is refused, the next step's code passes.
    const again = pair((await passwordStep(user.email)).cookie);
    expect(await failure(completeSecondFactor(req(again), code))).toMatchObject({ status: 400, fields: { code: ["twoFactor.invalid"] } });
    vi.setSystemTime(new Date(T0.getTime() + 30_000));
    expect((await completeSecondFactor(req(again), totpCode(TEST_TOTP_SECRET))).method).toBe("totp");
    // A code of an earlier step than the last one used is refused too (still inside the ±1 window).
    const third = pair((await passwordStep(user.email)).cookie);
    expect(await failure(completeSecondFactor(req(third), code))).toMatchObject({ status: 400 });
  });

  it("accepts codes of the neighbouring 30-second steps only", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("finance");
    const old = totpCode(TEST_TOTP_SECRET, new Date(T0.getTime() - 60_000));
    const challenge = pair((await passwordStep(user.email)).cookie);
    expect(await failure(completeSecondFactor(req(challenge), old))).toMatchObject({ status: 400 });
    expect((await completeSecondFactor(req(challenge), totpCode(TEST_TOTP_SECRET, new Date(T0.getTime() - 30_000)))).method).toBe("totp");
  });

  it("the verify step is throttled like passwords: after 5 wrong codes even the right one waits", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("admin");
    const challenge = pair((await passwordStep(user.email)).cookie);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await failure(completeSecondFactor(req(challenge), "000000"))).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    expect(await failure(completeSecondFactor(req(challenge), totpCode(TEST_TOTP_SECRET)))).toMatchObject({ status: 429, key: "login.locked" });
    const audit = await db().selectFrom("audit_log").select("action").where("entity_type", "=", "user").where("entity_id", "=", String(user.id)).execute();
    expect(audit.map((a) => a.action)).toContain("auth.second_factor_locked");
    vi.setSystemTime(new Date(T0.getTime() + 16 * 60_000));
    const fresh = pair((await passwordStep(user.email)).cookie);
    expect((await completeSecondFactor(req(fresh), totpCode(TEST_TOTP_SECRET))).method).toBe("totp");
  });

  it("a challenge expires after 10 minutes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("ops");
    const challenge = pair((await passwordStep(user.email)).cookie);
    vi.setSystemTime(new Date(T0.getTime() + 10 * 60_000 + 1));
    expect(await failure(completeSecondFactor(req(challenge), totpCode(TEST_TOTP_SECRET)))).toMatchObject({ status: 404 });
  });
});

describe("enrolment and recovery codes", () => {
  it("staff without a factor are sent to enrolment; a valid code turns it on and gives ten recovery codes, stored as SHA-256 only", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("account_manager", { secondFactor: false });
    const r = await passwordStep(user.email, { redirectTo: "/deals" });
    expect(r.redirectTo).toBe("/login/enrol");
    const challenge = pair(r.cookie);
    const first = await beginEnrolment(user);
    expect(first.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(first.uri).toContain(`secret=${first.secret}`);
    expect((await beginEnrolment(user)).secret).toBe(first.secret); // a reload shows the same QR code
    // A wrong code changes nothing.
    expect(await failure(completeEnrolment(req(challenge, "/login/enrol"), "123456"))).toMatchObject({ status: 400 });
    expect(await db().selectFrom("recovery_codes").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    const done = await completeEnrolment(req(challenge, "/login/enrol"), totpCode(first.secret));
    expect(done.redirectTo).toBe("/deals");
    expect(done.recoveryCodes).toHaveLength(10);
    expect(new Set(done.recoveryCodes).size).toBe(10);
    for (const c of done.recoveryCodes) expect(c).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    const stored = await db().selectFrom("recovery_codes").select(["code_hash", "used_at"]).where("user_id", "=", user.id).execute();
    const hashes = done.recoveryCodes.map((c) => createHash("sha256").update(normaliseRecoveryCode(c)!).digest("hex"));
    expect(stored.map((s) => s.code_hash).sort()).toEqual(hashes.sort());
    expect((await getActor(new Request("http://x/", { headers: { Cookie: pair(done.cookies[0]!) } })))?.userId).toBe(user.id);
    const audit = await db().selectFrom("audit_log").select("action").where("entity_id", "=", String(user.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["auth.password_verified", "user.second_factor_enabled", "auth.sign_in"]));
  });

  it("each recovery code signs in once; spaces, dashes and case do not matter", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("finance", { secondFactor: false });
    const challenge = pair((await passwordStep(user.email)).cookie);
    const { secret } = await beginEnrolment(user);
    const { recoveryCodes } = await completeEnrolment(req(challenge), totpCode(secret));
    const code = recoveryCodes[3]!;
    const c1 = pair((await passwordStep(user.email)).cookie);
    expect((await completeSecondFactor(req(c1), ` ${code.toUpperCase().replace(/-/g, " ")} `.replace(/\s+/g, ""))).method).toBe("recovery_code");
    const c2 = pair((await passwordStep(user.email)).cookie);
    expect(await failure(completeSecondFactor(req(c2), code))).toMatchObject({ status: 400 });
    expect((await completeSecondFactor(req(c2), recoveryCodes[4]!)).method).toBe("recovery_code");
    const left = await db().selectFrom("recovery_codes").select("id").where("user_id", "=", user.id).where("used_at", "is", null).execute();
    expect(left).toHaveLength(8);
  });

  it("new recovery codes need a current authenticator code and stop the old ones", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("dealer_sales");
    const actor = actorFor(user);
    const { secret } = await enrolFromSettings(actor);
    const old = await confirmFromSettings(actor, totpCode(secret));
    expect(await failure(regenerateRecoveryCodes(actor, old[0]!))).toMatchObject({ status: 400 });
    vi.setSystemTime(new Date(T0.getTime() + 30_000));
    const fresh = await regenerateRecoveryCodes(actor, totpCode(secret));
    expect(fresh).toHaveLength(10);
    const c = pair((await passwordStep(user.email)).cookie);
    expect(await failure(completeSecondFactor(req(c), old[1]!))).toMatchObject({ status: 400 });
    expect((await completeSecondFactor(req(c), fresh[0]!)).method).toBe("recovery_code");
  });
});

describe("dealer users: optional", () => {
  it("without a factor a dealer user is signed in by the password; once enrolled, the code is asked", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("dealer_admin");
    const direct = await passwordStep(user.email, { redirectTo: "/orders" });
    expect(direct.redirectTo).toBe("/orders");
    expect(pair(direct.cookie).startsWith("dd_session=")).toBe(true);
    const actor = actorFor(user);
    const { secret } = await enrolFromSettings(actor);
    await confirmFromSettings(actor, totpCode(secret));
    expect((await passwordStep(user.email)).redirectTo).toBe("/login/two-factor");
    // Turning it off asks for the password again.
    expect(await failure(disableSecondFactor(actor, "wrong"))).toMatchObject({ status: 400 });
    await disableSecondFactor(actor, TEST_PASSWORD);
    expect((await passwordStep(user.email)).redirectTo).toBe("/");
  });

  it("staff cannot turn their factor off", async () => {
    const user = await createUser("ops");
    expect(await failure(disableSecondFactor(actorFor(user), TEST_PASSWORD))).toMatchObject({ status: 403 });
    expect(await db().selectFrom("user_second_factors").select("user_id").where("user_id", "=", user.id).execute()).toHaveLength(1);
  });
});

describe("an administrator resets a user's second factor", () => {
  it("removes the factor and codes, ends the user's sessions and pending sign-ins, and is audited", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const admin = await createUser("admin");
    const user = await createUser("account_manager");
    const s = await createSession(user);
    const pending = pair((await passwordStep(user.email)).cookie);
    await resetSecondFactor(actorFor(admin), user.id);
    expect(await getActor(new Request("http://x/", { headers: { Cookie: s.cookie } }))).toBeNull();
    expect(await failure(completeSecondFactor(req(pending), totpCode(TEST_TOTP_SECRET)))).toMatchObject({ status: 404 });
    expect(await db().selectFrom("user_second_factors").select("user_id").where("user_id", "=", user.id).execute()).toEqual([]);
    const row = await db()
      .selectFrom("audit_log")
      .select(["action", "actor_user_id"])
      .where("action", "=", "user.second_factor_reset")
      .where("entity_id", "=", String(user.id))
      .executeTakeFirstOrThrow();
    expect(row.actor_user_id).toBe(admin.id);
    // Next sign-in: enrol again.
    expect((await passwordStep(user.email)).redirectTo).toBe("/login/enrol");
  });

  it("only administrators may reset", async () => {
    const user = await createUser("dealer_sales");
    const dealerAdmin = await createUser("dealer_admin", { organisationId: user.organisationId });
    for (const who of [dealerAdmin, await createUser("ops"), await createUser("finance")]) {
      expect(await failure(resetSecondFactor(actorFor(who), user.id))).toMatchObject({ status: 403 });
    }
  });
});

describe("keep me signed in", () => {
  it("without it the cookie is a browser-session cookie; with it Max-Age is 30 days and so is the server's absolute lifetime", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("dealer_sales");
    const plain = await passwordStep(user.email);
    expect(plain.cookie).not.toMatch(/Max-Age|Expires/i);
    const kept = await passwordStep(user.email, { keepSignedIn: true });
    expect(kept.cookie).toMatch(/Max-Age=2592000(;|$)/);
    const row = async (setCookie: string) =>
      db()
        .selectFrom("sessions")
        .select(["absolute_expires_at", "expires_at", "persistent"])
        .where("id", "=", hashSessionId(pair(setCookie).split("=")[1]!))
        .executeTakeFirstOrThrow();
    expect(await row(plain.cookie)).toEqual({
      absolute_expires_at: new Date(T0.getTime() + 7 * 86_400_000),
      expires_at: new Date(T0.getTime() + 12 * 3_600_000),
      persistent: 0,
    });
    const thirtyDays = new Date(T0.getTime() + 30 * 86_400_000);
    expect(await row(kept.cookie)).toEqual({ absolute_expires_at: thirtyDays, expires_at: thirtyDays, persistent: 1 });
    const who = (c: string) => getActor(new Request("http://x/", { headers: { Cookie: pair(c) } }));
    vi.setSystemTime(new Date(T0.getTime() + 13 * 3_600_000));
    expect(await who(plain.cookie)).toBeNull();
    expect((await who(kept.cookie))?.userId).toBe(user.id);
    vi.setSystemTime(new Date(thirtyDays.getTime() + 1000));
    expect(await who(kept.cookie)).toBeNull();
  });

  it("staff who tick it keep the choice through the second step", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const user = await createUser("ops");
    const kept = await completeSecondFactor(req(pair((await passwordStep(user.email, { keepSignedIn: true })).cookie)), totpCode(TEST_TOTP_SECRET));
    expect(kept.cookies[0]).toMatch(/Max-Age=2592000(;|$)/);
    vi.setSystemTime(new Date(T0.getTime() + 30_000));
    const plain = await completeSecondFactor(req(pair((await passwordStep(user.email)).cookie)), totpCode(TEST_TOTP_SECRET));
    expect(plain.cookies[0]).not.toMatch(/Max-Age|Expires/i);
  });
});
