import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, createDealer, createUser, TEST_PASSWORD } from "../factories";
import { Client, startTestServer, stopTestServer } from "../helpers/http";

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

function expectSecurityHeaders(h: Headers) {
  const csp = h.get("content-security-policy") ?? "";
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(h.get("x-content-type-options")).toBe("nosniff");
  expect(h.get("referrer-policy")).toBeTruthy();
  expect(h.get("strict-transport-security")).toBeNull(); // http origin in tests
}

async function signedIn(role: Parameters<typeof createUser>[0]) {
  const user = await createUser(role);
  const c = new Client(base);
  const r = await c.login(user.email, TEST_PASSWORD);
  expect(r.status).toBe(302);
  return { c, user };
}

describe("headers on every kind of response", () => {
  it("pages, 404s, static files, errors, CSV and health checks carry the security headers", async () => {
    const { c } = await signedIn("admin");
    const page = await c.get("/admin/users");
    const notFound = await c.get("/no-such-page");
    const badQuery = await c.get("/admin/users?page=-3");
    const csv = await c.get("/admin/users?format=csv");
    const anon = await new Client(base).get("/login");
    const fav = await new Client(base).get("/favicon.svg");
    const health = await new Client(base).get("/healthz");
    expect([page.status, notFound.status, badQuery.status, csv.status, anon.status, fav.status, health.status]).toEqual([200, 404, 400, 200, 200, 200, 200]);
    for (const r of [page, notFound, badQuery, csv, anon, fav, health]) expectSecurityHeaders(r.headers);
    for (const r of [page, notFound, csv, anon]) expect(r.headers.get("cache-control")).toContain("no-store");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(health.text).toContain('"ok"');
  });

  it("pages carry a per-request CSP nonce that every inline script uses", async () => {
    const r1 = await new Client(base).get("/login");
    const r2 = await new Client(base).get("/login");
    const n1 = /'nonce-([^']+)'/.exec(r1.headers.get("content-security-policy")!)![1];
    const n2 = /'nonce-([^']+)'/.exec(r2.headers.get("content-security-policy")!)![1];
    expect(n1).not.toBe(n2);
    const scripts = [...r1.text.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s[1]).toContain(`nonce="${n1}"`);
  });
});

describe("CSRF: writes only from our own origin", () => {
  it("refuses a cross-origin POST with 403 and changes nothing", async () => {
    const { c, user } = await signedIn("admin");
    const dealer = await createDealer();
    const before = await getDb().selectFrom("organisations").selectAll().where("id", "=", dealer.id).executeTakeFirstOrThrow();
    const form = { intent: "update", code: before.code, name: "Hijacked", region: "west", tier: "silver", creditLimit: "1" };
    const evil = await c.request(`/admin/dealers/${dealer.id}`, { method: "POST", form, origin: "https://evil.example" });
    const none = await c.request(`/admin/dealers/${dealer.id}`, { method: "POST", form, origin: null });
    const crossSite = await c.request(`/admin/dealers/${dealer.id}`, { method: "POST", form, origin: null, headers: { "Sec-Fetch-Site": "cross-site" } });
    expect([evil.status, none.status, crossSite.status]).toEqual([403, 403, 403]);
    const after = await getDb().selectFrom("organisations").selectAll().where("id", "=", dealer.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    void user;
    // The same form from our origin works.
    const ok = await c.post(`/admin/dealers/${dealer.id}`, form);
    expect(ok.status).toBe(200);
    expect((await getDb().selectFrom("organisations").select("name").where("id", "=", dealer.id).executeTakeFirstOrThrow()).name).toBe("Hijacked");
  });

  it("refuses a cross-origin sign-in attempt (login CSRF)", async () => {
    const user = await createUser("ops");
    const c = new Client(base);
    const r = await c.request("/login", { method: "POST", form: { email: user.email, password: TEST_PASSWORD }, origin: "http://attacker.test" });
    expect(r.status).toBe(403);
    expect(r.headers.get("set-cookie")).toBeNull();
  });
});

describe("redirect after sign-in accepts only local paths", () => {
  it.each([
    ["//evil.com", "/"],
    ["/\\evil.com", "/"],
    ["https://evil.com/x", "/"],
    ["http:evil.com", "/"],
    ["javascript:alert(1)", "/"],
    // Encoded slashes decode to `//evil.com`: refused too (decision 081).
    ["/%2F%2Fevil.com", "/"],
    ["/.//evil.com", "/"],
    ["/admin/users?q=a", "/admin/users?q=a"],
  ])("redirectTo=%s → %s", async (to, expected) => {
    const user = await createUser("admin");
    const c = new Client(base);
    // Staff: the target is kept through the second step and applied after it.
    const r = await c.login(user.email, TEST_PASSWORD, { redirectTo: to });
    expect(r.status).toBe(302);
    expect(r.location).toBe(expected);
  });

  it("the language switcher does not redirect off-site either", async () => {
    const r = await new Client(base).post("/locale", { locale: "en", redirectTo: "//evil.com/path" });
    expect(r.status).toBe(302);
    expect(r.location).toBe("/");
  });
});

describe("hostile requests", () => {
  it("refuses an oversized body with 413, a wrong content type with 415, a chunked body without length with 411", async () => {
    const { c } = await signedIn("admin");
    const big = await c.request("/settings", {
      method: "POST",
      body: "x=" + "a".repeat(2 * 1024 * 1024),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(big.status).toBe(413);
    const json = await c.request("/settings", {
      method: "POST",
      body: JSON.stringify({ intent: "preferences" }),
      headers: { "Content-Type": "application/json" },
    });
    expect(json.status).toBe(415);
  });

  it("answers malformed ids and parameters with 404/400, never 500", async () => {
    const { c } = await signedIn("admin");
    for (const p of ["/admin/users/abc", "/admin/users/99999999999999999999", "/admin/users/-1", "/admin/dealers/1e3"])
      expect((await c.get(p)).status).toBe(404);
    for (const p of ["/admin/users?role=emperor", "/admin/dealers?tier=diamond", "/admin/audit?from=2026-13-45"]) expect((await c.get(p)).status).toBe(400);
  });

  it("ignores extra fields (mass assignment): a dealer admin cannot move a user to another organisation or make a manufacturer role", async () => {
    const cast = await createCast();
    const c = new Client(base);
    await c.login(cast.a.dealer_admin.email, TEST_PASSWORD);
    const r = await c.post("/admin/users/new", {
      name: "New Rep",
      email: "new.rep@test.local",
      role: "dealer_sales",
      password: "Str0ng-Password",
      organisationId: String(cast.dealerB.id),
      organisation_id: String(cast.dealerB.id),
      status: "disabled",
    });
    expect(r.status).toBe(302);
    const row = await getDb().selectFrom("users").selectAll().where("email", "=", "new.rep@test.local").executeTakeFirstOrThrow();
    expect(row.organisation_id).toBe(cast.dealerA.id);
    expect(row.status).toBe("active");
    const asAdmin = await c.post("/admin/users/new", { name: "Sneaky", email: "sneaky@test.local", role: "admin", password: "Str0ng-Password" });
    expect(asAdmin.status).toBe(400);
    expect(await getDb().selectFrom("users").select("id").where("email", "=", "sneaky@test.local").executeTakeFirst()).toBeUndefined();
  });
});

describe("sign-in over HTTP", () => {
  it("sets an HttpOnly SameSite=Lax session cookie and signs out cleanly", async () => {
    const user = await createUser("finance");
    const c = new Client(base);
    const r = await c.login(user.email, TEST_PASSWORD);
    const setCookie = r.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/dd_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const stolen = c.cookieHeader();
    expect((await c.get("/")).status).toBe(200);
    expect((await c.post("/logout", {})).status).toBe(302);
    const thief = new Client(base);
    thief.cookies.set("dd_session", stolen.split("=")[1]!);
    const after = await thief.get("/");
    expect(after.status).toBe(302);
    expect(after.location).toBe("/login");
  });

  it("keeps the user's email and shows a localized error on a failed sign-in", async () => {
    const c = new Client(base);
    const r = await c.request("/login", { method: "POST", form: { email: "who@test.local", password: "nope-nope" }, headers: { "Accept-Language": "zh-CN" } });
    expect(r.status).toBe(400);
    expect(r.text).toContain("邮箱或密码不正确");
    expect(r.text).toContain('value="who@test.local"');
  });
});
