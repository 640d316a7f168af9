/**
 * The Node server: Express in front of the Remix build, with security
 * headers on every response, same-origin checks on every write, body limits,
 * the client IP, /healthz and a graceful shutdown.
 */
import cluster, { type Worker } from "node:cluster";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { closeDb, pingDb } from "./db/client";
import { isLocale, localeFromAcceptLanguage, translate, type Locale, type MessageKey } from "./app/i18n";
import { messagesFile } from "./app/i18n/messages.server";
import { env, EnvError } from "./app/utils/env.server";
import { documentBody } from "./app/utils/document-response.server";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from "./app/utils/request.server";
import { canonicalPath } from "./app/utils/url-safety";

const here = path.dirname(fileURLToPath(import.meta.url));
export const BUILD_PATH = path.join(here, "build", "index.js");

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
/**
 * Writes that may come without an Origin: one-click unsubscribe from mail clients (a signed token in the
 * path), and the dealer API (a Bearer token in the header; cookies never authenticate an API call).
 */
const ORIGIN_EXEMPT = [/^\/unsubscribe\/[^/]+$/, /^\/api\//];
/** The dealer API (/api/…): its refusals are problem documents (RFC 9457), not HTML pages. */
const isApiPath = (p: string) => p === "/api" || p.startsWith("/api/");

/** A refusal of the API's plumbing as a problem document (the same shape app/utils/api.server.ts writes). */
function apiProblem(req: Request, res: Response, status: number, type: string, key: MessageKey) {
  const locale: Locale = /^\s*zh/i.test(req.headers["accept-language"] ?? "") ? "zh-CN" : "en";
  res
    .status(status)
    .type("application/problem+json; charset=utf-8")
    .send(JSON.stringify({ type: `/api/docs#problem-${type}`, title: translate(locale, key), status, detail: translate(locale, key) }));
}
/** Paths whose writes carry files (imports): the larger upload limit applies. */
export const isUploadPath = (p: string) => /\/import(\/|$)/.test(p) || p.endsWith("/imports") || /^\/service(\/|$)/.test(p);

function requestLocale(req: Request): Locale {
  const cookie = /(?:^|;\s*)dd_lang=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
  if (isLocale(cookie)) return cookie;
  return localeFromAcceptLanguage(req.headers["accept-language"]);
}

function plainErrorPage(req: Request, res: Response, status: number, key: MessageKey) {
  const locale = requestLocale(req);
  const title = translate(locale, "error.title");
  const msg = translate(locale, key);
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${status} · ${translate(locale, "app.name")}</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem"><p>${status}</p><h1>${title}</h1><p>${msg}</p><p><a href="/">${translate(locale, "error.goHome")}</a></p></body></html>`,
    );
}

export type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean };

/** The route tree of a build, for finding the leaf route of a URL. */
export function routeTree(routes: Record<string, ManifestRoute>, parentId?: string): AgnosticRouteObject[] {
  return Object.values(routes)
    .filter((r) => r.parentId === parentId)
    .map(
      (r) =>
        ({
          id: r.id,
          path: r.path,
          index: r.index,
          caseSensitive: r.caseSensitive,
          children: r.index ? undefined : routeTree(routes, r.id),
        }) as AgnosticRouteObject,
    );
}

export type AppHandle = { app: express.Express; state: { shuttingDown: boolean } };

export function createApp(build: ServerBuild | (() => Promise<ServerBuild>), opts: { mode?: string } = {}): AppHandle {
  const e = env();
  const state = { shuttingDown: false };
  const origin = e.APP_ORIGIN;
  const https = origin.startsWith("https:");
  const app = express();
  app.disable("x-powered-by");
  const tp = e.TRUST_PROXY;
  app.set("trust proxy", tp === "true" ? true : tp === "false" ? false : /^\d+$/.test(tp) ? Number(tp) : tp);
  // First, so its request timings start where the request enters this process.
  if (e.BENCH_METRICS) installBenchMetrics(app);

  // Security headers on every response: pages, static files, 404s and errors.
  app.use((req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const dev = opts.mode === "development";
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self'${dev ? " ws://localhost:* ws://127.0.0.1:*" : ""}`,
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ].join("; "),
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    // The client IP as Express sees it (TRUST_PROXY decides); a client cannot set it.
    delete req.headers[CLIENT_IP_HEADER];
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "";
    req.headers[REQUEST_ID_HEADER] = randomUUID();
    if (e.LOG_REQUESTS) {
      const started = process.hrtime.bigint();
      res.on("finish", () => {
        console.log(
          JSON.stringify({ msg: "request", method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
      });
    }
    next();
  });

  // Every response a client may take compressed (Accept-Encoding: br or gzip) is compressed:
  // documents (written as bytes, decision 061), loader data, CSV streams (flushed per batch:
  // writeReadableStreamToWritable calls the flush this adds) and the static files below
  // (decision 117). Bodies under 1 KiB, non-text types and `Cache-Control: no-transform` are not.
  app.use(compression());

  // One path for every check and for the router (decision 081): the path as the router will
  // read it. A GET for a non-canonical spelling is sent to the canonical one; a write is
  // handled as the canonical path, so body limits and the origin check see what Remix
  // serves. What has no single reading (bad escapes, encoded slashes, backslashes,
  // control characters) is a 400.
  app.use((req, res, next) => {
    const c = canonicalPath(req.url);
    if (!c.ok) return plainErrorPage(req, res, 400, "error.400");
    if (!c.changed) return next();
    if (req.method === "GET" || req.method === "HEAD") {
      res.setHeader("Cache-Control", "no-store");
      return void res.redirect(308, `${c.path}${c.search}`);
    }
    req.url = `${c.path}${c.search}`;
    req.originalUrl = req.url;
    next();
  });

  app.get("/healthz", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    if (state.shuttingDown) return void res.status(503).json({ status: "shutting_down" });
    pingDb()
      .then((ok) => void res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "database_unavailable" }))
      .catch(next);
  });

  app.use((req, res, next) => {
    if (state.shuttingDown) {
      res.setHeader("Connection", "close");
      res.setHeader("Retry-After", "5");
      return plainErrorPage(req, res, 503, "error.503");
    }
    next();
  });

  // CSRF: every write must come from our own origin.
  app.use((req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (ORIGIN_EXEMPT.some((r) => r.test(req.path))) {
      // RFC 8058: a mail client posts the one-click unsubscribe with its own Origin or none; the
      // signed token in the path is the authority. Remix would refuse an Origin that is not the
      // Host (and answer 500), so the request reaches it as one without an Origin.
      delete req.headers.origin;
      delete req.headers["x-forwarded-host"];
      req.headers.host = new URL(origin).host;
      return next();
    }
    const o = req.headers.origin;
    const site = req.headers["sec-fetch-site"];
    const sameOrigin = o !== undefined ? o === origin : site === "same-origin";
    if (!sameOrigin) return plainErrorPage(req, res, 403, "error.csrf");
    // The origin is ours: let Remix see our canonical host (it re-checks Host against Origin).
    delete req.headers["x-forwarded-host"];
    req.headers.host = new URL(origin).host;
    next();
  });

  // Body size and content type for writes.
  app.use((req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (isApiPath(req.path)) {
      // JSON only, within the API's limit; a chunked body is counted as it is read (app/utils/api.server.ts).
      const len = req.headers["content-length"] === undefined ? 0 : Number(req.headers["content-length"]);
      if (!Number.isFinite(len) || len < 0) return apiProblem(req, res, 400, "validation", "error.400");
      if (len > e.API_BODY_LIMIT_BYTES) {
        res.setHeader("Connection", "close");
        return apiProblem(req, res, 413, "payload-too-large", "api.bodyTooLarge");
      }
      return next();
    }
    const limit = isUploadPath(req.path) ? e.UPLOAD_LIMIT_BYTES : e.BODY_LIMIT_BYTES;
    const lenHeader = req.headers["content-length"];
    if (lenHeader === undefined) {
      if (req.headers["transfer-encoding"]) return plainErrorPage(req, res, 411, "error.400");
      return next();
    }
    const len = Number(lenHeader);
    if (!Number.isFinite(len) || len < 0) return plainErrorPage(req, res, 400, "error.400");
    if (len > limit) {
      res.setHeader("Connection", "close");
      return plainErrorPage(req, res, 413, "error.413");
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (len > 0 && !FORM_TYPES.has(type)) return plainErrorPage(req, res, 415, "error.415");
    next();
  });

  app.use("/build", express.static(path.join(here, "public", "build"), { immutable: true, maxAge: "1y", index: false }));
  // Other public files (favicon, images) all have an extension; pages never need a
  // file-system stat (it showed up in profiles of every page request).
  const publicFiles = express.static(path.join(here, "public"), { maxAge: "1h", index: false });
  app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()));

  // A page's messages (decision 117): `/i18n/<locale>.<hash>.json`, cached for good; the name changes with them.
  app.get("/i18n/:file", (req, res, next) => {
    const file = messagesFile(req.params.file);
    if (!file) return next();
    res.setHeader("Cache-Control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    res.type("json").send(file.body);
  });

  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  // `?format=csv` on a list page (and `?format=xlsx`, the sell-out template): ask Remix for the leaf
  // loader's own response (a streamed CSV, a workbook) instead of rendering the page around it.
  const tree = routeTree((build as ServerBuild).routes as Record<string, ManifestRoute>);
  app.use((req, _res, next) => {
    if (req.method !== "GET" || (req.query.format !== "csv" && req.query.format !== "xlsx") || req.query._data !== undefined) return next();
    const matches = matchRoutes(tree, req.path);
    const leaf = matches?.[matches.length - 1]?.route.id;
    if (leaf) {
      const extra = `_data=${encodeURIComponent(leaf)}`;
      req.url += `${req.url.includes("?") ? "&" : "?"}${extra}`;
      req.originalUrl += `${req.originalUrl.includes("?") ? "&" : "?"}${extra}`;
    }
    next();
  });

  const handleRemix = remixHandler(build, opts.mode ?? "production");
  // The handler catches its own errors and hands them to `next`; Express 4 does not await it.
  app.all("*", (req, res, next) => void handleRemix(req, res, next));

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    console.error(JSON.stringify({ level: "error", msg: "express error", path: req.path, error: err instanceof Error ? err.stack : String(err) }));
    if (res.headersSent) return;
    plainErrorPage(req, res, 500, "error.500");
  });

  return { app, state };
}

/**
 * @remix-run/express's handler, except that a rendered document (entry.server's
 * bytes, see app/utils/document-response.server.ts) is written as the bytes
 * themselves instead of being read back through a web stream.
 */
/** The Fetch Request Remix sees, as @remix-run/express builds it (host and port as Express resolves them). */
function remixRequest(req: Request, res: Response): globalThis.Request {
  const hostPort = Number.parseInt(req.get("X-Forwarded-Host")?.split(":")[1] ?? req.get("host")?.split(":")[1] ?? "", 10);
  const url = `${req.protocol}://${req.hostname}${Number.isSafeInteger(hostPort) ? `:${hostPort}` : ""}${req.originalUrl}`;
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (!values) continue;
    if (Array.isArray(values)) for (const v of values) headers.append(key, v);
    else headers.set(key, values);
  }
  let controller: AbortController | null = new AbortController();
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  // Abort loaders and actions when the client goes away before the response is written.
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new globalThis.Request(url, init);
}

function remixHandler(build: ServerBuild | (() => Promise<ServerBuild>), mode: string) {
  const handle = createRequestHandler(build, mode);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const response = await handle(remixRequest(req, res), { cspNonce: res.locals.cspNonce as string });
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      const document = documentBody(response);
      if (document !== undefined) res.end(document);
      else if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Benchmark only (BENCH_METRICS=true, never in production): GET /__metrics answers
 * the process's RSS, its peak since the last reset (sampled every 50 ms), the
 * event-loop delay percentiles and the server-side time of every other request
 * since the last reset: from the moment Express sees it in this process (its
 * first middleware) until its last byte is handed to the socket ("finish").
 * `?durations=1` adds each duration, so the bench can merge the workers' times
 * before taking percentiles; `?reset=1` starts a new measurement window.
 */
function installBenchMetrics(app: express.Express) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 50);
  timer.unref();
  const MAX_DURATIONS = 1_000_000;
  let durations: number[] = [];
  app.use((req, res, next) => {
    if (req.path !== "/__metrics") {
      const started = process.hrtime.bigint();
      res.once("finish", () => {
        if (durations.length < MAX_DURATIONS) durations.push(Number(process.hrtime.bigint() - started) / 1e6);
      });
    }
    next();
  });
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  app.get("/__metrics", (req, res) => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    const sorted = Float64Array.from(durations).sort();
    const at = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 100) / 100 : 0);
    const body = {
      pid: process.pid,
      rss,
      peakRss: peak,
      maxRssLifetime: process.resourceUsage().maxRSS * 1024,
      // User + system CPU time of the process so far (the bench divides a run's delta by its requests).
      cpuMicros: (({ user, system }) => user + system)(process.cpuUsage()),
      eventLoopDelayMs: { mean: ms(delay.mean), p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
      serverMs: { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) },
      ...(req.query.durations === "1" ? { durations: durations.map((d) => Math.round(d * 1000) / 1000) } : {}),
    };
    if (req.query.reset === "1") {
      delay.reset();
      peak = rss;
      durations = [];
    }
    res.setHeader("Cache-Control", "no-store");
    res.json(body);
  });
}

export async function loadBuild(buildPath = BUILD_PATH): Promise<ServerBuild> {
  if (!existsSync(buildPath)) throw new Error(`No build at ${buildPath}; run npm run build first.`);
  return (await import(pathToFileURL(buildPath).href)) as ServerBuild;
}

type Closer = () => Promise<void> | void;
const closers: Closer[] = [];
/** Things to stop on shutdown (cron tasks, the outbox sender). */
export function onShutdown(fn: Closer) {
  closers.push(fn);
}

export type Running = { server: Server; url: string; close: () => Promise<void> };

export async function startServer(
  opts: { build?: ServerBuild; port?: number; host?: string; mode?: string; installSignalHandlers?: boolean } = {},
): Promise<Running> {
  const e = env();
  const build = opts.build ?? (await loadBuild());
  const { app, state } = createApp(build, { mode: opts.mode });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port ?? e.PORT, opts.host ?? e.HOST, () => resolve(s));
    s.once("error", reject);
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : e.PORT;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      state.shuttingDown = true;
      const done = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), 8_000);
      await done;
      clearTimeout(timer);
      for (const c of closers.splice(0)) await c();
      await closeDb();
    })());
  if (opts.installSignalHandlers) exitOnSignals(close);
  return { server, url: `http://localhost:${port}`, close };
}

export type ClusterHandle = { url: string; close: () => Promise<void>; pids: () => number[] };

/**
 * Serves with `workers` processes sharing one port (node:cluster; the primary hands
 * connections out round robin). Each worker is this file run on its own, so it is
 * exactly the single-process server: its own database pool, its own graceful
 * shutdown. The primary serves nothing; it waits until every worker listens, forks
 * a replacement when one dies (and gives up, stopping all, if they keep dying), and
 * on close asks every worker to drain (SIGTERM) and waits for them.
 * Everything shared lives in MySQL (sessions, throttles, idempotency keys, job
 * slots), so any worker can answer any request.
 */
export async function startCluster(opts: { workers: number }): Promise<ClusterHandle> {
  const e = env();
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), execArgv: process.execArgv, args: [] });
  const live = new Set<Worker>();
  const deaths: number[] = [];
  let stopping = false;
  let fatal: ((err: Error) => void) | undefined;
  const fork = () => {
    const w = cluster.fork({ WEB_CONCURRENCY: "1", DD_WEB_WORKER: "1" });
    live.add(w);
    w.once("exit", (code, signal) => {
      live.delete(w);
      if (stopping) return;
      const t = Date.now();
      deaths.push(t);
      while (deaths.length && t - deaths[0]! > 60_000) deaths.shift();
      const why = signal ? `signal ${signal}` : `code ${code}`;
      if (fatal) return fatal(new Error(`A web worker exited (${why}) before it was listening.`));
      if (deaths.length > 5) {
        console.error(`Web workers keep dying (${deaths.length} in a minute, the last with ${why}); stopping.`);
        void close().then(() => process.exit(1));
        return;
      }
      console.error(`Web worker ${w.process.pid} exited (${why}); starting another.`);
      fork();
    });
    return w;
  };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      await Promise.all(
        [...live].map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once("exit", () => resolve());
              w.process.kill("SIGTERM");
            }),
        ),
      );
      for (const c of closers.splice(0)) await c();
      await closeDb();
    })());
  await new Promise<void>((resolve, reject) => {
    let listening = 0;
    fatal = (err) => {
      fatal = undefined;
      void close().then(() => reject(err));
    };
    for (let i = 0; i < opts.workers; i++) {
      fork().once("listening", () => {
        if (++listening === opts.workers && fatal) {
          fatal = undefined;
          resolve();
        }
      });
    }
  });
  return { url: `http://localhost:${e.PORT}`, close, pids: () => [...live].map((w) => w.process.pid!).filter(Boolean) };
}

/** Stops on SIGTERM/SIGINT: finish in-flight requests, close what was registered, exit 0. */
function exitOnSignals(close: () => Promise<void>) {
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.once(sig, () => {
      console.log(`${sig} received: finishing in-flight requests and closing the database pool.`);
      close().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

/**
 * The web server as a command (`npm run serve`, `npm start`): WEB_CONCURRENCY
 * processes, or this one process when it is 1 (and in each cluster worker).
 */
export async function serve(): Promise<void> {
  const e = env();
  const mode = process.env.NODE_ENV === "development" ? "development" : "production";
  if (e.WEB_CONCURRENCY > 1 && mode === "production" && cluster.isPrimary) {
    const handle = await startCluster({ workers: e.WEB_CONCURRENCY });
    exitOnSignals(handle.close);
    console.log(`Dealer Desk listening on ${e.APP_ORIGIN} (port ${e.PORT}, ${e.WEB_CONCURRENCY} web processes)`);
    return;
  }
  const running = await startServer({ installSignalHandlers: true, mode });
  if (!process.env.DD_WEB_WORKER)
    console.log(`Dealer Desk listening on ${e.APP_ORIGIN} (port ${running.server.address() && (running.server.address() as { port: number }).port})`);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  await serve();
}
