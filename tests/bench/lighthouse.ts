/**
 * `npm run bench:lighthouse` — what a phone downloads and how Lighthouse scores the pages
 * (issue #22, item 6; decision 117). A benchmark, not a test: its figures go in the README.
 *
 * It serves the production build (`npm start`'s path: migrate, seed the demo into an empty
 * database, build when stale) on its own database and port, signs in as the demo dealer
 * administrator and, for `/login`, the dashboard, `/orders`, an order, `/stock` and a
 * statement, in both languages:
 *   - weight: the document and every script the page loads (its modulepreloads), as sent
 *     (Accept-Encoding: br, gzip) and uncompressed;
 *   - Lighthouse 12 (mobile emulation, simulated throttling, the default config) driving
 *     Debian's chromium at CHROME_PATH (default /usr/bin/chromium): performance,
 *     accessibility, best practices and SEO, with the audits that cost points.
 *
 *   npm run bench:lighthouse
 *   options: --url http://… (measure a server already running, signed in with the demo logins)
 *            --port 22400 --database mysql://root@127.0.0.1:3306/dd_lighthouse
 *            --only weight|lighthouse  --lang en|zh-CN  --runs 1 (Lighthouse runs per page; the median is kept)
 *            --out FILE.json  --reports DIR (each Lighthouse report, JSON, for the viewer)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import lighthouse from "lighthouse";
import { parseArgs } from "./data";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const LOCALES = ["zh-CN", "en"] as const;
type Lang = (typeof LOCALES)[number];
const DEMO_USER = "dealer_admin@demo.local";
const DEMO_PASSWORD = "DealerDesk!2026";

type Page = { name: string; path: string; signedIn: boolean };
type Weight = {
  page: string;
  lang: Lang;
  path: string;
  documentBytes: number;
  documentSent: number;
  documentEncoding: string;
  scripts: number;
  jsBytes: number;
  jsGzip: number;
  jsBrotli: number;
  jsSent: number;
  cssBytes: number;
  cssSent: number;
  /** The page's messages file (decision 117); before it, the messages were part of the scripts. */
  messagesBytes: number;
  messagesSent: number;
};
type Scores = { performance: number; accessibility: number; bestPractices: number; seo: number };
type Score = { page: string; lang: Lang; path: string; scores: Scores; metrics: Record<string, number>; failing: string[] };

const a = parseArgs(process.argv.slice(2));
const port = Number(a.get("port") ?? 22400);
const only = a.get("only");
const langs: Lang[] = a.get("lang") ? [a.get("lang") as Lang] : [...LOCALES];
const runs = Math.max(1, Number(a.get("runs") ?? 1));
const chromePath = process.env.CHROME_PATH ?? "/usr/bin/chromium";

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

/** The production server as `npm start` runs it, on the bench's own database and port. */
async function startServer(): Promise<{ base: string; child: ChildProcess }> {
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/start.ts"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: a.get("database") ?? "mysql://root@127.0.0.1:3306/dd_lighthouse",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_ORIGIN: base,
      WEB_CONCURRENCY: "1",
      JOBS: "off",
    },
  });
  await waitFor(`${base}/healthz`, 600_000);
  return { base, child };
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ email: DEMO_USER, password: DEMO_PASSWORD }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("dd_session="));
  if (!session) throw new Error(`Signing in as ${DEMO_USER} failed (${res.status}); is the demo seeded?`);
  return session;
}

/** The reader's language: remembered on the account (it wins over the cookie) and in the cookie. */
async function useLanguage(base: string, cookie: string, lang: Lang) {
  const res = await fetch(`${base}/locale`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base, Cookie: cookie },
    body: new URLSearchParams({ locale: lang, redirectTo: "/" }),
  });
  if (res.status !== 302) throw new Error(`Switching to ${lang} answered ${res.status}`);
}

async function firstLink(base: string, cookie: string, list: string, pattern: RegExp): Promise<string> {
  const html = await (await fetch(`${base}${list}`, { headers: { Cookie: cookie } })).text();
  const m = pattern.exec(html);
  if (!m) throw new Error(`No link matching ${pattern} on ${list}`);
  return m[0].slice(6, -1);
}

async function pagesOf(base: string, cookie: string): Promise<Page[]> {
  return [
    { name: "login", path: "/login", signedIn: false },
    { name: "dashboard", path: "/", signedIn: true },
    { name: "orders", path: "/orders", signedIn: true },
    { name: "order", path: await firstLink(base, cookie, "/orders", /href="\/orders\/[A-Z]{2}-[^"]+"/), signedIn: true },
    { name: "stock", path: "/stock", signedIn: true },
    { name: "statement", path: await firstLink(base, cookie, "/statements", /href="\/statements\/\d+"/), signedIn: true },
  ];
}

async function sent(url: string, cookie: string): Promise<{ raw: Buffer; sentBytes: number; encoding: string }> {
  const { request } = await import("node:http");
  const u = new URL(url);
  const wire = await new Promise<{ body: Buffer; encoding: string }>((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: { Cookie: cookie, "Accept-Encoding": "br, gzip" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ body: Buffer.concat(chunks), encoding: String(res.headers["content-encoding"] ?? "identity") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
  const plain = await fetch(url, { headers: { Cookie: cookie, "Accept-Encoding": "identity" } });
  if (!plain.ok) throw new Error(`${url} answered ${plain.status}`);
  const raw = Buffer.from(await plain.arrayBuffer());
  return { raw, sentBytes: wire.body.length, encoding: wire.encoding };
}

async function weigh(base: string, page: Page, lang: Lang, cookie: string): Promise<Weight> {
  const jar = [page.signedIn ? cookie : "", `dd_lang=${lang}`].filter(Boolean).join("; ");
  const doc = await sent(`${base}${page.path}`, jar);
  const html = doc.raw.toString("utf8");
  const scripts = new Set<string>();
  for (const m of html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)) scripts.add(m[1]!);
  for (const m of html.matchAll(/import\("([^"]+\.js)"\)|import \* as \w+ from "([^"]+\.js)"/g)) scripts.add((m[1] ?? m[2])!);
  const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
  const w: Weight = {
    page: page.name,
    lang,
    path: page.path,
    documentBytes: doc.raw.length,
    documentSent: doc.sentBytes,
    documentEncoding: doc.encoding,
    scripts: scripts.size,
    jsBytes: 0,
    jsGzip: 0,
    jsBrotli: 0,
    jsSent: 0,
    cssBytes: 0,
    cssSent: 0,
    messagesBytes: 0,
    messagesSent: 0,
  };
  const messagesHref = /<link id="dd-messages"[^>]* href="([^"]+)"/.exec(html)?.[1];
  if (messagesHref) {
    const r = await sent(new URL(messagesHref, base).href, jar);
    w.messagesBytes = r.raw.length;
    w.messagesSent = r.sentBytes;
  }
  for (const s of scripts) {
    const r = await sent(new URL(s, base).href, jar);
    w.jsBytes += r.raw.length;
    w.jsGzip += gzipSync(r.raw, { level: 9 }).length;
    w.jsBrotli += brotliCompressSync(r.raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    w.jsSent += r.sentBytes;
  }
  for (const s of styles) {
    const r = await sent(new URL(s, base).href, jar);
    w.cssBytes += r.raw.length;
    w.cssSent += r.sentBytes;
  }
  return w;
}

async function launchChromium(): Promise<{ port: number; stop: () => Promise<void> }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), "dd-lighthouse-"));
  const debugPort = port + 1;
  const child = spawn(
    chromePath,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      `--remote-debugging-port=${debugPort}`,
      "about:blank",
    ],
    { stdio: "ignore" },
  );
  await waitFor(`http://127.0.0.1:${debugPort}/json/version`, 30_000);
  return {
    port: debugPort,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** One Lighthouse run; a failed trace (NO_NAVSTART, NO_FCP: Chromium under load) is run again, twice at most. */
async function runLighthouse(url: string, cookie: string, chromePort: number) {
  for (let attempt = 1; ; attempt++) {
    const r = await lighthouse(url, {
      port: chromePort,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
      extraHeaders: { Cookie: cookie },
      // The default config is a mobile device (Moto G Power) with simulated slow 4G and a 4× slower CPU.
    });
    const error = r ? r.lhr.runtimeError : { message: "no result" };
    if (!error) return r!.lhr;
    if (attempt === 3) throw new Error(`Lighthouse: ${error.message} (${url})`);
    console.error(`Lighthouse: ${error.message} (${url}); running it again`);
  }
}

async function audit(base: string, page: Page, lang: Lang, cookie: string, chromePort: number): Promise<Score> {
  const jar = [page.signedIn ? cookie : "", `dd_lang=${lang}`].filter(Boolean).join("; ");
  const results: Score[] = [];
  for (let i = 0; i < runs; i++) {
    const lhr = await runLighthouse(`${base}${page.path}`, jar, chromePort);
    const reports = a.get("reports");
    if (reports) writeFileSync(path.join(reports, `${page.name}-${lang}-${i + 1}.json`), JSON.stringify(lhr));
    const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const metric = (id: string) => Math.round(Number(lhr.audits[id]?.numericValue ?? 0));
    const failing = Object.values(lhr.categories)
      .flatMap((c) => c.auditRefs.filter((ref) => ref.weight > 0).map((ref) => lhr.audits[ref.id]!))
      .filter((x) => x.score !== null && x.score < 0.9 && x.scoreDisplayMode !== "informative" && x.scoreDisplayMode !== "notApplicable")
      .map((x) => `${x.id}${x.displayValue ? ` (${x.displayValue})` : ""}`);
    results.push({
      page: page.name,
      lang,
      path: page.path,
      scores: { performance: score("performance"), accessibility: score("accessibility"), bestPractices: score("best-practices"), seo: score("seo") },
      metrics: {
        fcpMs: metric("first-contentful-paint"),
        lcpMs: metric("largest-contentful-paint"),
        tbtMs: metric("total-blocking-time"),
        cls1000: Math.round(Number(lhr.audits["cumulative-layout-shift"]?.numericValue ?? 0) * 1000),
        siMs: metric("speed-index"),
      },
      failing: [...new Set(failing)],
    });
  }
  results.sort((x, y) => x.scores.performance - y.scores.performance);
  return results[Math.floor(results.length / 2)]!;
}

const kb = (n: number) => (n / 1024).toFixed(1);

async function main() {
  const given = a.get("url");
  const server = given ? { base: given.replace(/\/$/, ""), child: null } : await startServer();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.splice(0)) await s();
    server.child?.kill("SIGTERM");
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));
  try {
    const cookie = await signIn(server.base);
    const pages = await pagesOf(server.base, cookie);
    const weights: Weight[] = [];
    const scores: Score[] = [];
    if (only !== "lighthouse") {
      for (const l of langs) {
        await useLanguage(server.base, cookie, l);
        for (const p of pages) weights.push(await weigh(server.base, p, l, cookie));
      }
      console.log(
        "\n| page | lang | document KiB (sent, encoding) | scripts | JS KiB | JS gzip-9 KiB | JS brotli-11 KiB | JS sent KiB | CSS KiB (sent) | messages KiB (sent) |",
      );
      console.log("|---|---|---|---|---|---|---|---|---|---|");
      for (const w of weights)
        console.log(
          `| ${w.page} | ${w.lang} | ${kb(w.documentBytes)} (${kb(w.documentSent)}, ${w.documentEncoding}) | ${w.scripts} | ${kb(w.jsBytes)} | ${kb(w.jsGzip)} | ${kb(w.jsBrotli)} | ${kb(w.jsSent)} | ${kb(w.cssBytes)} (${kb(w.cssSent)}) | ${kb(w.messagesBytes)} (${kb(w.messagesSent)}) |`,
        );
    }
    if (only !== "weight") {
      const chrome = await launchChromium();
      stops.push(chrome.stop);
      for (const l of langs) {
        await useLanguage(server.base, cookie, l);
        for (const p of pages) scores.push(await audit(server.base, p, l, cookie, chrome.port));
      }
      console.log("\n| page | lang | performance | accessibility | best practices | SEO | FCP ms | LCP ms | TBT ms | CLS×1000 | SI ms | below 90 |");
      console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (const s of scores)
        console.log(
          `| ${s.page} | ${s.lang} | ${s.scores.performance} | ${s.scores.accessibility} | ${s.scores.bestPractices} | ${s.scores.seo} | ${s.metrics.fcpMs} | ${s.metrics.lcpMs} | ${s.metrics.tbtMs} | ${s.metrics.cls1000} | ${s.metrics.siMs} | ${s.failing.join(", ") || "—"} |`,
        );
      const below = scores.filter((s) => s.scores.performance < 90 || s.scores.accessibility < 95 || s.scores.bestPractices < 95);
      console.log(
        below.length ? `\n${below.length} page(s) below target (performance 90, accessibility 95, best practices 95).` : "\nEvery page meets the targets.",
      );
    }
    const out = a.get("out");
    if (out) writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), weights, scores }, null, 2));
  } finally {
    await stopAll();
  }
}

await main();
