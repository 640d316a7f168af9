import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createSession, createUser, requestAs, TEST_PASSWORD } from "../../../tests/factories";
import { changePassword, getActor, requireActor, signIn, signOut } from "./auth.server";
import { hashSessionId } from "./session-adapter.server";
import { emailKey } from "./throttle.server";
import { setUserStatus } from "../organisations/organisations.server";
import { DomainError } from "~/utils/errors";
import { REQUEST_ID_HEADER } from "~/utils/request.server";

const loginRequest = (cookie?: string, ip = "10.0.0.1") =>
  new Request("http://127.0.0.1/login", { method: "POST", headers: { ...(cookie ? { Cookie: cookie } : {}), "x-dealerdesk-client-ip": ip } });

async function attempt(email: string, password: string, ip = "10.0.0.1") {
  try {
    const r = await signIn(loginRequest(undefined, ip), { email, password });
    return { ok: true as const, cookie: r.cookie };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false as const, status: err.status, key: err.messageKey };
    throw err;
  }
}
const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;

afterEach(() => {
  vi.useRealTimers();
});

describe("sessions", () => {
  it("stores only the SHA-256 of the session id, with HttpOnly SameSite=Lax cookies", async () => {
    const user = await createUser("dealer_sales");
    const r = await attempt(user.email, TEST_PASSWORD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cookie).toMatch(/HttpOnly/i);
    expect(r.cookie).toMatch(/SameSite=Lax/i);
    expect(r.cookie).not.toMatch(/Secure/); // the test origin is http
    const raw = cookieOf(r.cookie).split("=")[1]!;
    const rows = await getDb().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(rows.map((x) => x.id)).toEqual([hashSessionId(raw)]);
    expect(rows[0]!.id).not.toContain(raw);
  });

  it("issues a new session id on every sign-in and ends the one the browser brought (fixation)", async () => {
    const user = await createUser("dealer_sales");
    const first = await signIn(loginRequest(), { email: user.email, password: TEST_PASSWORD });
    const second = await signIn(loginRequest(cookieOf(first.cookie)), { email: user.email, password: TEST_PASSWORD });
    expect(cookieOf(second.cookie)).not.toBe(cookieOf(first.cookie));
    const a = await getActor(new Request("http://x/", { headers: { Cookie: cookieOf(first.cookie) } }));
    const b = await getActor(new Request("http://x/", { headers: { Cookie: cookieOf(second.cookie) } }));
    expect(a).toBeNull();
    expect(b?.userId).toBe(user.id);
  });

  it("expires after the idle timeout and slides while used", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = new Date("2026-11-01T00:00:00Z");
    vi.setSystemTime(t0);
    const user = await createUser("ops");
    const { cookie } = await createSession(user);
    const req = () => new Request("http://x/", { headers: { Cookie: cookie } });
    vi.setSystemTime(new Date(t0.getTime() + 11 * 3_600_000));
    expect((await getActor(req()))?.userId).toBe(user.id); // used at 11 h: window slides
    vi.setSystemTime(new Date(t0.getTime() + 22 * 3_600_000));
    expect((await getActor(req()))?.userId).toBe(user.id); // 11 h idle since last use
    vi.setSystemTime(new Date(t0.getTime() + 34.5 * 3_600_000));
    expect(await getActor(req())).toBeNull(); // 12.5 h idle
  });

  it("ends at the absolute lifetime however active the user is", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = new Date("2026-11-01T00:00:00Z");
    vi.setSystemTime(t0);
    const user = await createUser("ops");
    const { cookie } = await createSession(user, { absoluteDays: 7 });
    const req = () => new Request("http://x/", { headers: { Cookie: cookie } });
    for (let h = 6; h < 7 * 24; h += 6) {
      vi.setSystemTime(new Date(t0.getTime() + h * 3_600_000));
      expect(await getActor(req())).not.toBeNull();
    }
    vi.setSystemTime(new Date(t0.getTime() + 7 * 24 * 3_600_000 + 1000));
    expect(await getActor(req())).toBeNull();
    expect(await getDb().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toHaveLength(0);
  });

  it("ends all of a user's sessions when the user is disabled", async () => {
    const admin = await createUser("admin");
    const user = await createUser("dealer_sales");
    const s1 = await createSession(user);
    const s2 = await createSession(user);
    await setUserStatus(actorFor(admin), user.id, "disabled");
    for (const s of [s1, s2]) expect(await getActor(new Request("http://x/", { headers: { Cookie: s.cookie } }))).toBeNull();
    expect((await attempt(user.email, TEST_PASSWORD)).ok).toBe(false);
  });

  it("ends the other sessions when the password changes and moves the current one to a new id", async () => {
    const user = await createUser("finance");
    const current = await createSession(user);
    const other = await createSession(user);
    const actor = (await getActor(new Request("http://x/", { headers: { Cookie: current.cookie } })))!;
    const before = await getDb()
      .selectFrom("sessions")
      .select(["absolute_expires_at", "persistent"])
      .where("id", "=", hashSessionId(current.sessionId))
      .executeTakeFirstOrThrow();
    const setCookie = await changePassword(actor, { currentPassword: TEST_PASSWORD, newPassword: "NewPassw0rd-2026", confirmPassword: "NewPassw0rd-2026" });
    expect(await getActor(new Request("http://x/", { headers: { Cookie: other.cookie } }))).toBeNull();
    expect(await getActor(new Request("http://x/", { headers: { Cookie: current.cookie } }))).toBeNull();
    expect(cookieOf(setCookie)).not.toBe(current.cookie);
    expect((await getActor(new Request("http://x/", { headers: { Cookie: cookieOf(setCookie) } })))?.userId).toBe(user.id);
    // Same lifetime as the session it replaces: a rotation never extends it.
    const rows = await getDb().selectFrom("sessions").select(["absolute_expires_at", "persistent"]).where("user_id", "=", user.id).execute();
    expect(rows).toEqual([before]);
    expect((await attempt(user.email, TEST_PASSWORD)).ok).toBe(false);
    expect((await attempt(user.email, "NewPassw0rd-2026")).ok).toBe(true);
  });

  it("refuses a wrong current password or a weak new one and changes nothing", async () => {
    const user = await createUser("finance");
    const before = await getDb().selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
    await expect(
      changePassword(actorFor(user), { currentPassword: "wrong", newPassword: "NewPassw0rd-2026", confirmPassword: "NewPassw0rd-2026" }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(changePassword(actorFor(user), { currentPassword: TEST_PASSWORD, newPassword: "short1", confirmPassword: "short1" })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      changePassword(actorFor(user), { currentPassword: TEST_PASSWORD, newPassword: "NewPassw0rd-2026", confirmPassword: "Different-2026" }),
    ).rejects.toMatchObject({ status: 400 });
    const after = await getDb().selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(before.password_hash);
  });

  it("signs out: the session is gone and a stolen copy of the cookie no longer works", async () => {
    const user = await createUser("dealer_admin");
    const { cookie } = await createSession(user);
    const cleared = await signOut(new Request("http://x/logout", { method: "POST", headers: { Cookie: cookie } }));
    expect(cleared.join("\n")).toMatch(/dd_session=;/);
    expect(await getActor(new Request("http://x/", { headers: { Cookie: cookie } }))).toBeNull();
  });

  it("redirects an anonymous request to /login with the page to come back to", async () => {
    const req = await requestAs(null, "/orders?status=submitted");
    const thrown = await requireActor(req).catch((r: unknown) => r);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(302);
    expect((thrown as Response).headers.get("Location")).toBe("/login?redirectTo=%2Forders%3Fstatus%3Dsubmitted");
  });
});

describe("one session lookup per HTTP request", () => {
  it("loaders of the same request share the lookup; another request looks again", async () => {
    const user = await createUser("ops");
    const { cookie } = await createSession(user);
    const req = (id: string) => new Request("http://127.0.0.1/", { headers: { Cookie: cookie, [REQUEST_ID_HEADER]: id } });
    // Two loaders of one request at the same time, then a third after the session is gone: all see the actor.
    const [a, b] = await Promise.all([getActor(req("r-1")), getActor(req("r-1"))]);
    expect(a?.userId).toBe(user.id);
    expect(b?.userId).toBe(user.id);
    await getDb().deleteFrom("sessions").where("user_id", "=", user.id).execute();
    expect((await getActor(req("r-1")))?.userId).toBe(user.id);
    // A new HTTP request (new id) or one without an id reads the session again: it is gone.
    expect(await getActor(req("r-2"))).toBeNull();
    expect(await getActor(new Request("http://127.0.0.1/", { headers: { Cookie: cookie } }))).toBeNull();
  });
});

describe("sign-in throttling", () => {
  it("answers an unknown email and a wrong password identically", async () => {
    const user = await createUser("dealer_sales");
    const unknown = await attempt("nobody@test.local", "whatever-1", "10.0.0.2");
    const wrong = await attempt(user.email, "whatever-1", "10.0.0.3");
    expect(unknown).toEqual(wrong);
    expect(unknown).toEqual({ ok: false, status: 400, key: "login.invalid" });
  });

  it("locks an account for 15 minutes after 5 failures, even with the right password", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = new Date("2026-11-01T08:00:00Z");
    vi.setSystemTime(t0);
    const user = await createUser("dealer_sales");
    for (let i = 1; i <= 4; i++) expect(await attempt(user.email, `bad-${i}`, `10.1.0.${i}`)).toMatchObject({ status: 400 });
    expect(await attempt(user.email, "bad-5", "10.1.0.5")).toMatchObject({ status: 429, key: "login.locked" });
    expect(await attempt(user.email, TEST_PASSWORD, "10.1.0.6")).toMatchObject({ status: 429, key: "login.locked" });
    vi.setSystemTime(new Date(t0.getTime() + 14 * 60_000));
    expect(await attempt(user.email, TEST_PASSWORD, "10.1.0.7")).toMatchObject({ status: 429 });
    vi.setSystemTime(new Date(t0.getTime() + 16 * 60_000));
    expect((await attempt(user.email, TEST_PASSWORD, "10.1.0.8")).ok).toBe(true);
  });

  it("holds under concurrency: of 50 parallel wrong passwords at most 5 are answered 'wrong password', the rest locked, and the lock then stands", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = new Date("2026-11-01T08:00:00Z");
    vi.setSystemTime(t0);
    const user = await createUser("dealer_sales");
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(user.email, `bad-${i}`, `10.3.${Math.floor(i / 8)}.${i}`)));
    const wrong = results.filter((r) => !r.ok && r.key === "login.invalid").length;
    const locked = results.filter((r) => !r.ok && r.key === "login.locked").length;
    expect(wrong).toBeLessThanOrEqual(5);
    expect(wrong + locked).toBe(50);
    const lockedUntil = async () =>
      (
        await getDb().selectFrom("login_throttles").select("blocked_until").where("throttle_key", "=", emailKey(user.email)).executeTakeFirstOrThrow()
      ).blocked_until!.getTime();
    const until = await lockedUntil();
    expect(until).toBeGreaterThanOrEqual(t0.getTime() + 15 * 60_000);
    // Later failures neither shorten nor erase the lock, even after the 15-minute window has passed.
    vi.setSystemTime(new Date(t0.getTime() + 10 * 60_000));
    for (let i = 0; i < 6; i++) expect(await attempt(user.email, `late-${i}`, `10.4.0.${i}`)).toMatchObject({ status: 429, key: "login.locked" });
    expect(await lockedUntil()).toBe(until);
    expect(await attempt(user.email, TEST_PASSWORD, "10.4.1.1")).toMatchObject({ status: 429, key: "login.locked" });
  });

  it("a burst with the right password after the 5th failure does not sign in", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-01T08:00:00Z"));
    const user = await createUser("dealer_sales");
    // 30 at once: positions 0–4 wrong, the right password at 5, 19 and 20, the rest wrong.
    const passwords = Array.from({ length: 30 }, (_, i) => ([5, 19, 20].includes(i) ? TEST_PASSWORD : `bad-${i}`));
    const results: ReturnType<typeof attempt>[] = [];
    for (const [i, p] of passwords.entries()) {
      if (i < 5) results.push(Promise.resolve(await attempt(user.email, p, `10.5.0.${i}`)));
      else results.push(attempt(user.email, p, `10.5.1.${i}`));
    }
    const settled = await Promise.all(results);
    expect(settled.slice(0, 4).every((r) => !r.ok && r.key === "login.invalid")).toBe(true);
    expect(settled[4]).toMatchObject({ status: 429, key: "login.locked" });
    expect(settled.filter((r) => r.ok)).toHaveLength(0);
    expect(await getDb().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toHaveLength(0);
  });

  it("locks unknown emails the same way, so locking reveals nothing", async () => {
    for (let i = 1; i <= 5; i++) await attempt("ghost@test.local", `bad-${i}`, `10.2.0.${i}`);
    expect(await attempt("ghost@test.local", "bad-6", "10.2.0.9")).toMatchObject({ status: 429, key: "login.locked" });
  });

  it("slows an IP that keeps failing across many emails", async () => {
    const ip = "10.9.9.9";
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await attempt(`spray${i}@test.local`, "guess-1", ip));
    expect(results.slice(0, 10).every((r) => !r.ok && r.status === 400)).toBe(true);
    const next = await attempt("another@test.local", "guess-1", ip);
    expect(next).toMatchObject({ status: 429, key: "login.slowDown" });
    // Another IP is not affected.
    expect(await attempt("another@test.local", "guess-1", "10.9.9.10")).toMatchObject({ status: 400 });
  });
});
