import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { Client, startTestServer, stopTestServer } from "../helpers/http";
import { TEST_PASSWORD, createCast } from "../factories";
import { transaction } from "../../app/utils/tx.server";
import { enqueueEmail } from "../../app/modules/notifications/outbox.server";
import { appSecret, signUnsubscribeToken } from "../../app/modules/notifications/unsubscribe.server";

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

async function signedIn(email: string) {
  const c = new Client(base);
  const r = await c.login(email, TEST_PASSWORD);
  expect(r.status).toBe(302);
  return c;
}

describe("admin pages over HTTP", () => {
  it("/admin/jobs, /admin/outbox and /admin/announcements are admin only", async () => {
    const cast = await createCast();
    const admin = await signedIn(cast.staff.admin.email);
    for (const p of ["/admin/jobs", "/admin/outbox", "/admin/announcements", "/admin/announcements/new"]) expect((await admin.get(p)).status).toBe(200);
    for (const who of [cast.staff.ops, cast.a.dealer_admin, cast.staff.finance]) {
      const c = await signedIn(who.email);
      for (const p of ["/admin/jobs", "/admin/outbox", "/admin/announcements"]) expect((await c.get(p)).status).toBe(403);
      expect((await c.post("/admin/jobs", { job: "session-cleanup" })).status).toBe(403);
    }
    expect((await new Client(base).get("/admin/jobs")).status).toBe(302);
  });

  it("run now: refused from another origin, queued from ours, and visible in the history", async () => {
    const cast = await createCast();
    const admin = await signedIn(cast.staff.admin.email);
    expect((await admin.post("/admin/jobs", { job: "session-cleanup" }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await admin.post("/admin/jobs", { job: "not-a-job" })).status).toBe(400);
    const ok = await admin.post("/admin/jobs", { job: "session-cleanup" });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("Run queued");
    const again = await admin.post("/admin/jobs", { job: "session-cleanup" });
    expect(again.status).toBe(409);
    const page = await admin.get("/admin/jobs?status=queued");
    expect(page.text).toMatch(/manual:\d+/);
    const csv = await admin.get("/admin/jobs?format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.text).toContain("session-cleanup");
  });

  it("an outbox email is shown as the recipient sees it, in a sandboxed srcdoc frame under the page's strict CSP", async () => {
    const cast = await createCast();
    await transaction("t", (tx) =>
      enqueueEmail(tx, {
        dedupeKey: "http-1",
        kind: "digest.daily",
        userId: cast.a.dealer_admin.id,
        to: "a@example.com",
        locale: "en",
        subject: "Your digest <b>",
        html: "<p>Hi <b>there</b><script>alert(1)</script></p>",
        text: "Hi there",
        headers: { "List-Unsubscribe": "<http://x/u>" },
      }),
    );
    const id = (await getDb().selectFrom("outbox_emails").select("id").executeTakeFirstOrThrow()).id;
    const admin = await signedIn(cast.staff.admin.email);
    const r = await admin.get(`/admin/outbox/${id}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(r.text).toMatch(/<iframe[^>]*sandbox=""[^>]*srcDoc=|<iframe[^>]*srcDoc=[^>]*sandbox=""/i);
    expect(r.text).toContain("Your digest &lt;b&gt;");
    expect(r.text).toContain("List-Unsubscribe");
    expect((await admin.get("/admin/outbox/999999")).status).toBe(404);
    expect((await admin.get("/admin/outbox/x1")).status).toBe(404);
    const list = await admin.get("/admin/outbox?status=pending&q=a%40example");
    expect(list.text).toContain("Your digest &lt;b&gt;");
    expect((await admin.get("/admin/outbox?status=bogus")).status).toBe(400);
  });
});

describe("one-click unsubscribe over HTTP (RFC 8058)", () => {
  it("a mail client's POST without cookies or Origin unsubscribes; a browser GET only asks", async () => {
    const cast = await createCast();
    const user = cast.b.dealer_sales;
    const token = signUnsubscribeToken(await appSecret(), user.id);
    const mailClient = new Client(base);
    const get = await mailClient.get(`/unsubscribe/${token}`);
    expect(get.status).toBe(200);
    expect(get.text).toContain("Stop sending digest emails");
    const post = await mailClient.request(`/unsubscribe/${token}`, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      origin: null,
    });
    expect(post.status).toBe(200);
    expect(post.text).toContain("no longer receives digest emails");
    const row = await getDb().selectFrom("users").select("digest_frequency").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.digest_frequency).toBe("off");
    const bad = await mailClient.request(`/unsubscribe/${token.slice(0, -4)}AAAA`, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en" },
      origin: null,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("not valid");
  });
});
