/**
 * Issue 20, part A, over HTTP against the production build: open redirects (F3),
 * paths checked before `..` was resolved (F4), 500s on odd paths and one-click
 * unsubscribe (F5), CSV exports that checked scope after the headers went out (F6).
 * Paths that fetch would normalise are sent raw (rawRequest).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { appSecret, signUnsubscribeToken } from "../../app/modules/notifications/unsubscribe.server";
import { createCast, createSession, TEST_PASSWORD } from "../factories";
import { orderIn, orderWorld, submitNew } from "../factories/orders";
import { Client, clientFor, rawRequest, startTestServer, stopTestServer } from "../helpers/http";
import { post } from "../helpers/ledger";

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

/** Targets that must never leave the site, each as a browser would resolve it. */
const HOSTILE_TARGETS = [
  "/.//evil.example",
  "/%2e//evil.example",
  "//evil.example",
  "/\\evil.example",
  "https://evil.example/",
  "/%2f%2fevil.example",
  "/./%2e/%2F/evil.example",
  "/a/..//evil.example",
];

/** True when a Location header stays on this site (a path, not `//host` after the browser resolves it). */
function staysHome(location: string | null) {
  if (location === null) return false;
  const resolved = new URL(location, base);
  return resolved.origin === new URL(base).origin && !/^\/[/\\]/.test(decodeURIComponent(resolved.pathname));
}

describe("F3: redirect targets from input stay on this site", () => {
  it("GET /login?redirectTo= when signed in, POST /login, POST /locale and the order page's returnTo", async () => {
    const w = await orderWorld();
    const signed = await clientFor(base, w.staff.ops);
    for (const target of HOSTILE_TARGETS) {
      const loginGet = await signed.get(`/login?redirectTo=${encodeURIComponent(target)}`);
      expect(loginGet.status, target).toBe(302);
      expect(staysHome(loginGet.location), `GET /login ${target} → ${loginGet.location}`).toBe(true);

      const anon = new Client(base);
      const loginPost = await anon.post("/login", { email: w.a.dealer_sales.email, password: TEST_PASSWORD, redirectTo: target });
      expect(loginPost.status, target).toBe(302);
      expect(staysHome(loginPost.location), `POST /login ${target} → ${loginPost.location}`).toBe(true);

      const locale = await anon.post("/locale", { locale: "en", redirectTo: target });
      expect(locale.status, target).toBe(302);
      expect(staysHome(locale.location), `POST /locale ${target} → ${locale.location}`).toBe(true);

      // The order desk's "approve" from the review queue comes back to returnTo (a hostile one goes to the order).
      const order = await orderIn(w, "submitted");
      const o = await getDb().selectFrom("orders").select(["number", "version"]).where("id", "=", order.id).executeTakeFirstOrThrow();
      const back = await signed.post(`/orders/${o.number}`, { intent: "approve", orderId: String(order.id), version: String(o.version), returnTo: target });
      expect(back.status, `approve returnTo ${target}`).toBe(302);
      expect(staysHome(back.location), `returnTo ${target} → ${back.location}`).toBe(true);
    }
    // A plain local target still works everywhere.
    expect((await signed.get("/login?redirectTo=%2Forders%3Fstatus%3Dsubmitted")).location).toBe("/orders?status=submitted");
    expect((await new Client(base).post("/locale", { locale: "en", redirectTo: "/stock?q=a" })).location).toBe("/stock?q=a");
  });
});

describe("F4: the server checks the path the router will see", () => {
  it("POST /import/../orders/new with 5 MiB gets 413 and writes nothing", async () => {
    const w = await orderWorld();
    const { sessionId } = await createSession(w.a.dealer_sales);
    const body = new URLSearchParams({
      intent: "save",
      addressId: String(w.addrA.id),
      "lines.0.productId": String(w.widget.id),
      "lines.0.quantity": "1",
      pad: "x".repeat(5 * 1024 * 1024),
    }).toString();
    for (const path of ["/import/../orders/new", "/import/%2e%2e/orders/new", "/stock/import/../../orders/new"]) {
      const r = await rawRequest(base, {
        method: "POST",
        path,
        headers: { Origin: base, Cookie: `dd_session=${sessionId}`, "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
      expect(r.status, path).toBe(413);
    }
    expect(await getDb().selectFrom("orders").select("id").execute()).toHaveLength(0);
  });

  it("POST /unsubscribe/../orders/addresses without an Origin is refused and creates nothing", async () => {
    const cast = await createCast();
    const { sessionId } = await createSession(cast.a.dealer_admin);
    const form = new URLSearchParams({ intent: "create", label: "Evil", recipient: "X", phone: "12345678", line1: "Somewhere" }).toString();
    for (const path of ["/unsubscribe/../orders/addresses", "/unsubscribe/%2e%2e/orders/addresses", "/unsubscribe/x/%2E%2E/../orders/addresses"]) {
      const r = await rawRequest(base, {
        method: "POST",
        path,
        headers: { Cookie: `dd_session=${sessionId}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: form,
      });
      expect(r.status, path).toBe(403);
    }
    expect(await getDb().selectFrom("dealer_addresses").select("id").execute()).toHaveLength(0);
  });

  it("encoded slashes, backslashes and dot segments are answered 400 or sent to the one canonical path, never served as another route", async () => {
    const cast = await createCast();
    const { sessionId } = await createSession(cast.a.dealer_sales);
    const headers = { Cookie: `dd_session=${sessionId}` };
    const redirected = await rawRequest(base, { path: "/orders/./../stock?q=a", headers });
    expect(redirected.status).toBe(308);
    expect(redirected.headers.location).toBe("/stock?q=a");
    for (const path of ["/orders%2fnew", "/orders%2Fnew", "/orders%5cnew", "/orders\\new", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/stock%00"]) {
      const r = await rawRequest(base, { path, headers });
      expect(r.status, path).toBe(400);
    }
  });
});

describe("F5: no 500s", () => {
  it("GET /%FF answers a 400 page, signed in or not", async () => {
    const cast = await createCast();
    const { sessionId } = await createSession(cast.a.dealer_sales);
    for (const path of ["/%FF", "/orders/%FF", "/products/%E4%B8", "/%FF?format=csv"]) {
      for (const headers of [{}, { Cookie: `dd_session=${sessionId}` }] as Record<string, string>[]) {
        const r = await rawRequest(base, { path, headers });
        expect(r.status, path).toBe(400);
        expect(r.headers["content-security-policy"]).toBeTruthy();
      }
    }
  });

  it("one-click unsubscribe (RFC 8058) works with a foreign Origin, with none, and with the page's own", async () => {
    const cast = await createCast();
    const users = [cast.a.dealer_sales, cast.a.dealer_admin, cast.a.dealer_finance];
    await getDb()
      .updateTable("users")
      .set({ digest_frequency: "daily" })
      .where(
        "id",
        "in",
        users.map((u) => u.id),
      )
      .execute();
    const secret = await appSecret();
    const origins = ["https://mail.example.com", null, base];
    for (const [i, user] of users.entries()) {
      const token = signUnsubscribeToken(secret, user.id);
      const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
      if (origins[i]) headers.Origin = origins[i]!;
      const r = await rawRequest(base, { method: "POST", path: `/unsubscribe/${token}`, headers, body: "List-Unsubscribe=One-Click" });
      expect(r.status, String(origins[i])).toBe(200);
      const row = await getDb().selectFrom("users").select("digest_frequency").where("id", "=", user.id).executeTakeFirstOrThrow();
      expect(row.digest_frequency, String(origins[i])).toBe("off");
    }
    // A bad token from anywhere is a 400, and changes nobody.
    const bad = await rawRequest(base, {
      method: "POST",
      path: "/unsubscribe/not-a-token",
      headers: { Origin: "https://mail.example.com", "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(bad.status).toBe(400);
  });
});

describe("F6: a CSV export checks scope before it answers", () => {
  it("an export filtered to another dealer answers 404 before any CSV (fees), or a complete CSV with none of its rows (lists whose filter meets the scope)", async () => {
    const w = await orderWorld();
    await post(w.dealerB.id, "fee", 5_000, "2026-10-05");
    await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: w.widget.id, quantity: 1 }]);
    const other = w.dealerB.id;
    const bCode = (await getDb().selectFrom("organisations").select("code").where("id", "=", other).executeTakeFirstOrThrow()).code;
    let tried = 0;
    const check = async (c: Client, who: string, path: string, expectNotFound: boolean) => {
      const csv = await c.get(`${path}${path.includes("?") ? "&" : "?"}dealerId=${other}&format=csv`);
      tried++;
      if (csv.status === 403) return; // not this role's export at all
      if (expectNotFound) {
        expect(csv.status, `${who} ${path}`).toBe(404);
        expect(csv.headers.get("content-type") ?? "", path).not.toContain("text/csv");
        return;
      }
      expect(csv.status, `${who} ${path}`).toBe(200);
      expect(csv.text, `${who} ${path}`).not.toContain(bCode);
      expect(csv.text.trim().split("\r\n"), `${who} ${path}: the header only`).toHaveLength(1);
    };
    for (const user of [w.a.dealer_admin, w.a.dealer_finance, w.a.dealer_sales]) {
      const c = await clientFor(base, user);
      await check(c, user.role, "/fees", true);
      for (const path of ["/orders", "/deals", "/statements", "/reports"]) await check(c, user.role, path, false);
    }
    // The account manager of dealer A is not assigned dealer B.
    const am = await clientFor(base, w.staff.account_manager);
    for (const path of ["/orders", "/deals", "/reports"]) await check(am, "account_manager", path, false);
    expect(tried).toBe(18);
  });
});
