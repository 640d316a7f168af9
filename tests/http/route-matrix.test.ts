import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../app/modules/auth/permissions";
import { createSession, type TestUser } from "../factories";
import { Client, startTestServer, stopTestServer } from "../helpers/http";
import { rawKeys } from "../helpers/i18n";
import { buildFixture, MATRIX } from "./route-matrix";

const routeFiles = readdirSync(path.resolve("app/routes")).filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."));

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});

async function clientFor(user: TestUser, locale: "en" | "zh-CN" = "en") {
  const c = new Client(base);
  const { sessionId } = await createSession(user);
  c.cookies.set("dd_session", sessionId);
  c.cookies.set("dd_lang", locale);
  return c;
}

describe("role × route matrix", () => {
  it("has an entry for every route file (a new route must be added to tests/http/route-matrix.ts)", () => {
    const missing = routeFiles.filter((f) => !(f in MATRIX));
    expect(missing).toEqual([]);
    const stale = Object.keys(MATRIX).filter((f) => !routeFiles.includes(f));
    expect(stale).toEqual([]);
  });

  for (const file of routeFiles) {
    const entry = MATRIX[file];
    if (!entry) continue;
    it(`${file}: anonymous, every role, and the other dealer`, async () => {
      const fx = await buildFixture();
      const cast = fx.cast;
      const url = entry.path(fx);
      const anon = await new Client(base).get(url);
      if (entry.allow === "api") {
        // The dealer API: a problem document, never a page or a redirect, for anyone without a token.
        const expected = entry.apiStatus ?? 401;
        expect(anon.status, `anonymous ${url}`).toBe(expected);
        expect(anon.headers.get("content-type") ?? "").toMatch(/^application\/problem\+json/);
        for (const role of ROLES as readonly Role[]) {
          const r = await (await clientFor(cast.byRole[role])).get(url);
          expect(r.status, `${role} GET ${url} with a session cookie`).toBe(expected);
          expect(r.headers.get("content-type") ?? "").toMatch(/^application\/problem\+json/);
        }
        return;
      }
      if (entry.allow === "public") expect(anon.status, `anonymous ${url}`).toBe(200);
      else if (entry.allow === "redirect") expect(anon.status).toBe(302);
      else {
        expect(anon.status, `anonymous ${url}`).toBe(302);
        expect(anon.location).toMatch(/^\/login/);
      }
      for (const role of ROLES as readonly Role[]) {
        for (const locale of ["en", "zh-CN"] as const) {
          const c = await clientFor(cast.byRole[role], locale);
          const r = await c.get(url);
          let expected: number;
          if (entry.allow === "redirect") expected = 302;
          else if (entry.allow === "public")
            expected = entry.signedInOk ? 200 : 302; // signed-in users leave /login
          else if (entry.allow.includes(role)) expected = 200;
          else expected = entry.notFound?.includes(role) ? 404 : 403;
          expect(r.status, `${role} GET ${url} (${locale})`).toBe(expected);
          if (r.status === 200 && (r.headers.get("content-type") ?? "").includes("text/html")) {
            expect(rawKeys(r.text), `raw i18n keys on ${url} as ${role} (${locale})`).toEqual([]);
          }
        }
      }
      for (const role of entry.otherDealer ?? []) {
        const c = await clientFor(cast.b[role]);
        const r = await c.get(url);
        expect(r.status, `dealer B ${role} GET ${url}`).toBe(404);
      }
    });
  }
});
