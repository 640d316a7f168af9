/**
 * What a page sends (issue #22 item 6, decision 117): responses compressed as the client accepts,
 * a page's scripts and messages in its reader's language only, and no zod in its scripts. Renders the real pages through
 * the server. Needs `npx remix build`.
 */
import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { messages, type Locale } from "../../app/i18n";
import { getDb } from "../../db/client";
import { createCast, createSession, type TestUser } from "../factories";
import { withTestServer } from "../helpers/http";

let base = "";
withTestServer((b) => (base = b));

type Wire = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** One GET as sent on the wire (fetch would decompress and hide the encoding). */
function get(path: string, headers: Record<string, string> = {}): Promise<Wire> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function decoded(r: Wire): string {
  const enc = r.headers["content-encoding"];
  const raw = enc === "gzip" ? gunzipSync(r.body) : enc === "br" ? brotliDecompressSync(r.body) : r.body;
  return raw.toString("utf8");
}

async function sessionCookie(user: TestUser, locale: Locale): Promise<string> {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  return `dd_session=${(await createSession(user)).sessionId}`;
}

/** The scripts a document loads (Remix writes a modulepreload link for each) and its messages file. */
function assetsOf(html: string): { scripts: string[]; messages: string } {
  const scripts = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
  const messagesHref = /<link id="dd-messages" rel="preload" as="fetch" crossorigin="anonymous" href="([^"]+)"/.exec(html)?.[1];
  if (!messagesHref) throw new Error("no messages link in the document");
  return { scripts, messages: messagesHref };
}

/** How a message may appear in a bundle: as written, or with non-ASCII characters escaped (esbuild writes \uXXXX). */
function spellings(text: string): string[] {
  const escaped = text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return [...new Set([text, escaped, JSON.stringify(text).slice(1, -1)])];
}

/** The longest messages of a language that the other language does not also use: each names its language unmistakably. */
function distinctive(locale: Locale, n = 8): string[] {
  const other = new Set(Object.values(messages[locale === "en" ? "zh-CN" : "en"]));
  return Object.values(messages[locale])
    .filter((m) => !other.has(m) && !m.includes("{"))
    .sort((x, y) => y.length - x.length)
    .slice(0, n);
}

describe("compression", () => {
  it("a page, its loader data and a CSV export come gzip- or brotli-compressed as the client accepts, and plain otherwise", async () => {
    const cast = await createCast();
    const cookie = await sessionCookie(cast.staff.admin, "en");

    const plain = await get("/admin/users", { Cookie: cookie });
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const html = plain.body.toString("utf8");
    expect(html).toContain("<h1");

    const gz = await get("/admin/users", { Cookie: cookie, "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(String(gz.headers.vary)).toMatch(/Accept-Encoding/i);
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
    // The same document, apart from the per-request CSP nonce.
    const nonceless = (s: string) => s.replace(/nonce="[^"]*"/g, "");
    expect(nonceless(decoded(gz))).toBe(nonceless(html));

    const br = await get("/admin/users", { Cookie: cookie, "Accept-Encoding": "br, gzip" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(nonceless(decoded(br))).toBe(nonceless(html));

    const data = await get("/admin/users?_data=routes%2Fadmin.users._index", { Cookie: cookie, "Accept-Encoding": "gzip" });
    expect(data.headers["content-type"]).toMatch(/application\/json/);
    expect(data.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(decoded(data))).toHaveProperty("rows");

    const csvPlain = await get("/admin/users?format=csv", { Cookie: cookie });
    const csv = await get("/admin/users?format=csv", { Cookie: cookie, "Accept-Encoding": "gzip" });
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.headers["content-encoding"]).toBe("gzip");
    expect(csvPlain.headers["content-encoding"]).toBeUndefined();
    const text = decoded(csv);
    expect(text).toBe(csvPlain.body.toString("utf8"));
    expect(text).toContain(cast.a.dealer_sales.email);
  });

  it("static scripts and styles are compressed and cached for good; tiny bodies are left alone", async () => {
    const html = (await get("/login")).body.toString("utf8");
    // The largest script the page loads (React and Remix): well over the 1 KiB below which nothing is compressed.
    const sized = await Promise.all(assetsOf(html).scripts.map(async (s) => ({ s, size: (await get(s)).body.length })));
    const script = sized.sort((x, y) => y.size - x.size)[0]!;
    expect(script.size).toBeGreaterThan(100_000);
    const js = await get(script.s, { "Accept-Encoding": "gzip" });
    expect(js.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(js.body).length).toBe(script.size);
    expect(js.headers["cache-control"]).toMatch(/immutable/);
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
    expect((await get(css, { "Accept-Encoding": "br" })).headers["content-encoding"]).toBe("br");
    // Under 1 KiB compression costs more than it saves.
    const health = await get("/healthz", { "Accept-Encoding": "gzip" });
    expect(health.headers["content-encoding"]).toBeUndefined();
  });
});

describe("a page's scripts and messages are in its reader's language only", () => {
  it("an English page loads no Chinese message and a Chinese page no English one; each gets exactly its own table", async () => {
    const cast = await createCast();
    const zhOnly = distinctive("zh-CN");
    const enOnly = distinctive("en");
    expect(zhOnly.length).toBe(8);
    expect(enOnly.length).toBe(8);
    for (const locale of ["en", "zh-CN"] as const) {
      const cookie = await sessionCookie(cast.a.dealer_admin, locale);
      for (const path of ["/", "/orders", "/stock", "/statements", "/settings"]) {
        const page = await get(path, { Cookie: cookie });
        expect(page.status, path).toBe(200);
        const { scripts, messages: href } = assetsOf(page.body.toString("utf8"));
        expect(scripts.length, path).toBeGreaterThan(3);
        const bundle = (await Promise.all(scripts.map(async (s) => (await get(s)).body.toString("utf8")))).join("\n");
        const file = await get(href);
        expect(file.headers["content-type"]).toMatch(/application\/json/);
        expect(JSON.parse(file.body.toString("utf8"))).toEqual(messages[locale]);
        const everything = `${bundle}\n${file.body.toString("utf8")}`;
        // zod parses forms on the server only (schemas in *.schema.server.ts): no page's scripts carry it.
        for (const marker of ["ZodError", "$ZodType"]) expect(bundle.includes(marker), `${path} (${locale}) loads zod`).toBe(false);
        for (const m of locale === "en" ? zhOnly : enOnly)
          for (const s of spellings(m)) expect(everything.includes(s), `${path} (${locale}) holds "${m}"`).toBe(false);
        // Its own language is there (in the messages file), so the check above could find the other.
        for (const m of locale === "en" ? enOnly : zhOnly)
          expect(
            spellings(m).some((s) => everything.includes(s)),
            `${path} (${locale}) lacks "${m}"`,
          ).toBe(true);
      }
    }
    // Signed out, the sign-in page follows the browser's language.
    const login = assetsOf((await get("/login", { "Accept-Language": "en-US" })).body.toString("utf8"));
    const loginBundle = (await Promise.all(login.scripts.map(async (s) => (await get(s)).body.toString("utf8")))).join("\n");
    expect(loginBundle.includes("ZodError"), "/login loads zod").toBe(false);
    expect(login.messages).toMatch(/^\/i18n\/en\.[0-9a-f]{12}\.json$/);
  });

  it("the messages file is cached for good under its hashed name and revalidated under any other", async () => {
    const login = assetsOf((await get("/login", { Cookie: "dd_lang=zh-CN" })).body.toString("utf8"));
    const hashed = await get(login.messages, { "Accept-Encoding": "gzip" });
    expect(hashed.status).toBe(200);
    expect(hashed.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(hashed.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(decoded(hashed))).toEqual(messages["zh-CN"]);
    for (const name of ["/i18n/zh-CN.json", "/i18n/zh-CN.000000000000.json"]) {
      const r = await get(name);
      expect(r.status, name).toBe(200);
      expect(r.headers["cache-control"], name).toBe("no-cache");
      expect(JSON.parse(r.body.toString("utf8"))).toEqual(messages["zh-CN"]);
    }
    for (const name of ["/i18n/fr.json", "/i18n/en.json.map", "/i18n/..%2Fpackage.json"]) expect((await get(name)).status, name).not.toBe(200);
  });
});
