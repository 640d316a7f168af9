/**
 * Hostile input across every route, generated from the route matrix so a new
 * route is covered automatically: query parameters with XSS and SQL-injection
 * payloads, and every form found on every page submitted with them. Paths, body
 * sizes and numbers: hostile-input.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast } from "../factories";
import { formsOf } from "../helpers/forms";
import { Client, clientFor, startTestServer, stopTestServer } from "../helpers/http";
import { buildFixture, MATRIX } from "./route-matrix";

const XSS = `<script>alert("dd")</script><img src=x onerror=alert(1)>`;
const SQLI = `' OR 1=1; DROP TABLE users; --`;
const PAYLOADS = [XSS, SQLI, "%00\u0000", "𝕏".repeat(100), "-1", "9".repeat(40), "2026-02-30", "=cmd|' /C calc'!A0"];
export const counters = { payloads: 0, requests: 0, forms: 0 };

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  console.log(`hostile input: ${counters.payloads} payload×route combinations, ${counters.requests} requests, ${counters.forms} forms`);
  await stopTestServer();
});

function assertSafe(html: string, where: string) {
  expect(html, where).not.toContain("<script>alert(");
  expect(html, where).not.toMatch(/<img src=x onerror/i);
}

describe("hostile input on every route", () => {
  it("query parameters with XSS and SQL payloads never give a 500 and are rendered escaped", { timeout: 300_000 }, async () => {
    const fx = await buildFixture();
    const cast = fx.cast;
    const usersBefore = await getDb().selectFrom("users").select("id").execute();
    for (const [file, entry] of Object.entries(MATRIX)) {
      if (entry.allow === "redirect" || entry.allow === "api") continue;
      const role = entry.allow === "public" ? null : entry.allow.includes("admin") ? "admin" : entry.allow[0]!;
      const c = role ? await clientFor(base, cast.byRole[role]) : new Client(base);
      const path = entry.path(fx);
      const names = ["q", "status", "page", "from", "dealer", "sort", "format", "redirectTo"];
      const urls: string[] = [];
      // Every payload in every parameter at once, then the two worst payloads one parameter at a time.
      for (const p of PAYLOADS) urls.push(`${path}${path.includes("?") ? "&" : "?"}${names.map((n) => `${n}=${encodeURIComponent(p)}`).join("&")}`);
      for (const p of [XSS, SQLI]) for (const n of names) urls.push(`${path}${path.includes("?") ? "&" : "?"}${n}=${encodeURIComponent(p)}`);
      for (const url of urls) {
        const r = await c.get(url);
        counters.requests++;
        counters.payloads++;
        expect([200, 302, 400, 404, 414, 431], `${file} GET ${url.slice(0, 200)} → ${r.status}`).toContain(r.status);
        assertSafe(r.text, `${file} ${url.slice(0, 200)}`);
      }
    }
    // Nothing was dropped or changed by the SQL payloads.
    expect(await getDb().selectFrom("users").select("id").execute()).toHaveLength(usersBefore.length);
  });

  it("every form on every page, filled with payloads, answers 2xx/3xx/4xx (never 500) and escapes what it echoes", { timeout: 300_000 }, async () => {
    const fx = await buildFixture();
    const cast = fx.cast;
    for (const [file, entry] of Object.entries(MATRIX)) {
      if (entry.allow === "redirect" || entry.allow === "public" || entry.allow === "api") continue;
      const role = entry.allow.includes("admin") ? "admin" : entry.allow[0]!;
      const c = await clientFor(base, cast.byRole[role]);
      const path = entry.path(fx);
      const page = await c.get(path);
      if (page.status !== 200) continue;
      for (const form of formsOf(page.text, path).filter((f) => f.method === "post")) {
        if (form.action === "/logout") continue;
        counters.forms++;
        for (const payload of [XSS, SQLI]) {
          const body: Record<string, string> = {};
          // Every field gets the payload; hidden values, choices and the first submit button (the intent) are kept.
          const button = form.fields.find((f) => f.type === "submit");
          for (const f of form.fields)
            if (f.type !== "submit" || f === button) body[f.name] = f.type === "hidden" || f.type === "select" || f.type === "submit" ? f.value : payload;
          const r = await c.post(form.action, body);
          counters.requests++;
          expect([200, 201, 204, 302, 400, 403, 404, 409, 429], `${file} POST ${form.action} → ${r.status}`).toContain(r.status);
          assertSafe(r.text, `${file} POST ${form.action}`);
        }
      }
      // Whatever was stored is rendered escaped when the page is shown again.
      const again = await c.get(path);
      assertSafe(again.text, `${file} after posts`);
    }
  });

  it("unknown enum values and malformed dates in list filters are a 400, not a 500", async () => {
    const cast = await createCast();
    const c = await clientFor(base, cast.staff.admin);
    for (const url of [
      "/admin/users?role=superuser",
      "/admin/dealers?region=atlantis",
      "/admin/audit?from=yesterday",
      "/admin/audit?to=2026-02-30",
      "/?from=2026-13-01",
    ]) {
      expect((await c.get(url)).status, url).toBe(400);
    }
  });
});
