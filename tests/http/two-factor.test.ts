/**
 * Two-factor sign-in and session cookies on the HTTP level: the state between password and
 * second factor reaches nothing but the second step; Set-Cookie headers as a browser sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { totpCode } from "../../app/modules/auth/two-factor.server";
import { createUser, TEST_PASSWORD, TEST_TOTP_SECRET } from "../factories";
import { Client, freshTotpCode, startTestServer, stopTestServer } from "../helpers/http";

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

const setCookies = (h: Headers) => h.getSetCookie();
const named = (h: Headers, name: string) => setCookies(h).find((c) => c.startsWith(`${name}=`));

describe("between password and second factor", () => {
  it("no page and no action is reachable, only the second step", async () => {
    const user = await createUser("finance", { locale: "en" });
    const c = new Client(base);
    const r = await c.post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/finance/ledger" });
    expect(r.status).toBe(302);
    expect(r.location).toBe("/login/two-factor");
    expect(named(r.headers, "dd_session")).toBeUndefined();
    expect(named(r.headers, "dd_signin")).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/);
    // The challenge cookie is sent everywhere here (the jar ignores its Path=/login), as an attacker could.
    const page = await c.get("/finance/ledger");
    expect(page.status).toBe(302);
    expect(page.location).toBe("/login?redirectTo=%2Ffinance%2Fledger");
    const before = await getDb().selectFrom("users").select(["locale", "digest_frequency"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    const post = await c.post("/settings", { intent: "preferences", locale: "zh-CN", digestFrequency: "off" });
    expect(post.status).toBe(302);
    expect(post.location).toMatch(/^\/login/);
    expect(await getDb().selectFrom("users").select(["locale", "digest_frequency"]).where("id", "=", user.id).executeTakeFirstOrThrow()).toEqual(before);
    // /login sends the browser back to the step it is on.
    expect((await c.get("/login")).location).toBe("/login/two-factor");
    const step = await c.get("/login/two-factor");
    expect(step.status).toBe(200);
    expect(step.text).toContain(user.email);
    // The code: a session with a new id, the challenge cleared, and on to where the user was going.
    const done = await c.post("/login/two-factor", { code: totpCode(TEST_TOTP_SECRET) });
    expect(done.status).toBe(302);
    expect(done.location).toBe("/finance/ledger");
    const session = named(done.headers, "dd_session")!;
    expect(session).toBeTruthy();
    expect(named(done.headers, "dd_signin")).toMatch(/^dd_signin=;.*Max-Age=0/);
    expect(session.split(";")[0]!.split("=")[1]).not.toBe(named(r.headers, "dd_signin")!.split(";")[0]!.split("=")[1]);
    expect((await c.get("/finance/ledger")).status).toBe(200);
  });

  it("a wrong code is answered in the user's language and the step stays; cancel starts again", async () => {
    const user = await createUser("ops");
    const c = new Client(base);
    c.cookies.set("dd_lang", "zh-CN");
    await c.post("/login", { email: user.email, password: TEST_PASSWORD });
    const zh = await c.get("/login/two-factor");
    expect(zh.text).toContain("输入验证码");
    const wrong = await c.post("/login/two-factor", { code: "000000" });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("验证码无效或已被使用");
    c.cookies.set("dd_lang", "en");
    const empty = await c.post("/login/two-factor", { code: "" });
    expect(empty.status).toBe(400);
    const cancel = await c.post("/login/two-factor", { intent: "cancel" });
    expect(cancel.location).toBe("/login");
    expect(named(cancel.headers, "dd_signin")).toMatch(/Max-Age=0/);
    expect((await c.get("/login/two-factor")).location).toBe("/login");
  });

  it("staff without a factor enrol right after the password: QR code as inline SVG, the key as text, ten codes once", async () => {
    const user = await createUser("account_manager", { secondFactor: false });
    const c = new Client(base);
    const r = await c.post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/deals" });
    expect(r.location).toBe("/login/enrol");
    expect((await c.get("/deals")).status).toBe(302);
    expect((await c.get("/login/two-factor")).location).toBe("/login/enrol");
    const page = await c.get("/login/enrol");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<svg[^>]*viewBox/);
    expect(page.text).not.toMatch(/<img[^>]*qr/i);
    const row = await getDb()
      .selectFrom("user_second_factors")
      .select(["totp_secret", "confirmed_at"])
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(row.confirmed_at).toBeNull();
    expect(page.text.replace(/\s+/g, "").replace(/<!--.*?-->/g, "")).toContain(row.totp_secret);
    const done = await c.post("/login/enrol", { code: totpCode(row.totp_secret) });
    expect(done.status).toBe(200);
    expect(named(done.headers, "dd_session")).toBeTruthy();
    const codes = [...done.text.matchAll(/\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b/g)].map((m) => m[0]);
    expect(new Set(codes).size).toBe(10);
    expect((await c.get("/deals")).status).toBe(200);
    // Shown once: the page does not show them again.
    const again = await c.get("/login/enrol");
    expect(again.text).not.toContain(codes[0]!);
  });
});

describe("session cookies", () => {
  it("a browser-session cookie by default; 'keep me signed in' sets Max-Age of 30 days", async () => {
    const user = await createUser("dealer_sales");
    const plain = await new Client(base).post("/login", { email: user.email, password: TEST_PASSWORD });
    const cookie = named(plain.headers, "dd_session")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toMatch(/Max-Age|Expires/i);
    const kept = await new Client(base).post("/login", { email: user.email, password: TEST_PASSWORD, keepSignedIn: "on" });
    expect(named(kept.headers, "dd_session")).toMatch(/Max-Age=2592000(;|$)/);
    expect(named(kept.headers, "dd_session")).not.toMatch(/Expires/i);
  });

  it("a password change replaces the current session id; the old cookie no longer works", async () => {
    const user = await createUser("admin");
    const c = new Client(base);
    await c.login(user.email, TEST_PASSWORD, { keepSignedIn: "on" });
    const old = c.cookies.get("dd_session")!;
    const r = await c.post("/settings", {
      intent: "password",
      currentPassword: TEST_PASSWORD,
      newPassword: "Another-Passw0rd",
      confirmPassword: "Another-Passw0rd",
    });
    expect(r.status).toBe(200);
    const fresh = named(r.headers, "dd_session")!;
    expect(fresh.split(";")[0]).not.toBe(`dd_session=${old}`);
    expect(fresh).toMatch(/Max-Age=\d+/); // still a kept session
    expect((await c.get("/settings")).status).toBe(200);
    const stale = new Client(base);
    stale.cookies.set("dd_session", old);
    expect((await stale.get("/settings")).status).toBe(302);
  });
});

describe("administrators reset a second factor from the user's page", () => {
  it("ends the user's sessions, is audited, and dealer administrators do not get the button", async () => {
    const admin = await createUser("admin");
    const user = await createUser("ops");
    const victim = new Client(base);
    await victim.login(user.email, TEST_PASSWORD);
    expect((await victim.get("/review/orders")).status).toBe(200);
    const a = new Client(base);
    await a.login(admin.email, TEST_PASSWORD);
    const page = await a.get(`/admin/users/${user.id}`);
    expect(page.text).toContain('value="resetSecondFactor"');
    const r = await a.post(`/admin/users/${user.id}`, { intent: "resetSecondFactor" });
    expect(r.status).toBe(200);
    expect((await victim.get("/review/orders")).status).toBe(302);
    expect(
      await getDb().selectFrom("audit_log").select("id").where("action", "=", "user.second_factor_reset").where("entity_id", "=", String(user.id)).execute(),
    ).toHaveLength(1);
    // Next sign-in: enrolment.
    expect((await new Client(base).post("/login", { email: user.email, password: TEST_PASSWORD })).location).toBe("/login/enrol");

    const dealerAdmin = await createUser("dealer_admin");
    const colleague = await createUser("dealer_sales", { organisationId: dealerAdmin.organisationId, secondFactor: true });
    const d = new Client(base);
    await d.login(dealerAdmin.email, TEST_PASSWORD);
    const own = await d.get(`/admin/users/${colleague.id}`);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain("resetSecondFactor");
    expect((await d.post(`/admin/users/${colleague.id}`, { intent: "resetSecondFactor" })).status).toBe(403);
    expect(await getDb().selectFrom("user_second_factors").select("user_id").where("user_id", "=", colleague.id).execute()).toHaveLength(1);
  });
});

describe("dealer users turn it on from /settings", () => {
  it("enrol, then sign-in asks the code; turn off with the password", async () => {
    const user = await createUser("dealer_admin");
    const c = new Client(base);
    await c.login(user.email, TEST_PASSWORD);
    const page = await c.get("/settings/two-factor");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<svg/);
    const secret = (await getDb().selectFrom("user_second_factors").select("totp_secret").where("user_id", "=", user.id).executeTakeFirstOrThrow()).totp_secret;
    const on = await c.post("/settings/two-factor", { intent: "confirm", code: totpCode(secret) });
    expect(on.status).toBe(200);
    expect(new Set([...on.text.matchAll(/\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b/g)].map((m) => m[0])).size).toBe(10);
    const next = new Client(base);
    expect((await next.post("/login", { email: user.email, password: TEST_PASSWORD })).location).toBe("/login/two-factor");
    expect((await next.post("/login/two-factor", { code: await freshTotpCode(user.email) })).status).toBe(302);
    const wrong = await c.post("/settings/two-factor", { intent: "disable", password: "nope" });
    expect(wrong.status).toBe(400);
    expect((await c.post("/settings/two-factor", { intent: "disable", password: TEST_PASSWORD })).status).toBe(200);
    expect((await new Client(base).post("/login", { email: user.email, password: TEST_PASSWORD })).location).toBe("/");
  });
});
