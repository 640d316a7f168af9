/**
 * `npm run bench` — load against the real server at scale, the floor it is
 * compared to, batch jobs, two instances, and a report.
 *
 *   npm run bench                          scale 1 (generated when missing)
 *   npm run bench -- --scales 0.1,1        read pages at each scale, side by side; the rest at the largest
 *   npm run bench -- --smoke               tiny data, a few dozen requests per run: seconds overall
 *   npm run bench -- --cluster             two instances on a three-node Galera cluster vs one on one server (cluster.ts)
 *   options: --duration S (10) --warmup S (3) --steps 1,8,32 --only a,b --skip floor,write,batch,jobs,multi
 *            --regenerate --build --out DIR --port-base N (22100; below the ephemeral port range) --buffer-pool MiB (2048; 0 = leave it)
 *
 * See tests/bench/README.md for what each figure means.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import * as OTPAuth from "otpauth";
import { createPool, type Pool } from "mysql2";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { rng } from "../../db/seed/random";
import {
  BENCH_PASSWORD,
  SMOKE_SCALE,
  benchDbUrl,
  connectionOptions,
  generate,
  migrationsCurrent,
  parseArgs,
  readMeta,
  scaleLabel,
  todayShanghai,
} from "./data";
import type { CapturedQueries, CapturedStatement } from "./floor";
import {
  evaluateTargets,
  parseReportJson,
  renderMarkdown,
  type Batch,
  type Multi,
  type Report,
  type Run,
  type ScaleResult,
  type ScenarioResult,
} from "./report";
import { SCENARIOS, type BenchUser, type Ctx, type RequestSpec, type Role, type Scenario } from "./scenarios";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type BenchOptions = {
  scales: number[];
  smoke: boolean;
  durationSeconds: number;
  warmupSeconds: number;
  steps: number[];
  /** smoke: a fixed number of requests per run instead of a duration */
  requestsPerRun: number | null;
  only: string[] | null;
  skip: Set<string>;
  regenerate: boolean;
  build: boolean;
  outDir: string;
  portBase: number;
  /** Grow InnoDB's buffer pool to at least this many MiB before measuring (0 = leave it). */
  bufferPoolMiB: number;
  log: (s: string) => void;
};

export function optionsFromArgs(argv: string[]): BenchOptions {
  const a = parseArgs(argv);
  const smoke = a.has("smoke");
  const list = (v: string | undefined) =>
    v
      ? v
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
      : null;
  const scales = smoke ? [SMOKE_SCALE] : (list(a.get("scales")) ?? [a.get("scale") ?? "1"]).map(Number);
  if (scales.some((s) => !Number.isFinite(s) || s <= 0)) throw new Error("--scale/--scales must be positive numbers");
  return {
    scales,
    smoke,
    durationSeconds: Number(a.get("duration") ?? 10),
    warmupSeconds: Number(a.get("warmup") ?? 3),
    steps: (list(a.get("steps")) ?? (smoke ? ["4"] : ["1", "8", "32"])).map(Number),
    requestsPerRun: smoke ? Number(a.get("requests") ?? 40) : null,
    only: list(a.get("only")),
    skip: new Set(list(a.get("skip")) ?? []),
    regenerate: a.has("regenerate"),
    build: a.has("build"),
    outDir: path.resolve(a.get("out") ?? path.join(root, "tests", "bench", "results")),
    portBase: Number(a.get("port-base") ?? process.env.BENCH_PORT_BASE ?? 22100),
    bufferPoolMiB: smoke ? 0 : Number(a.get("buffer-pool") ?? 2048),
    log: (s) => console.log(`[bench] ${s}`),
  };
}

// ---------- processes ----------

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

export function spawnTs(script: string, args: string[], env: Record<string, string>, tag: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let tail = "";
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.once("exit", () => children.delete(child));
  (child as ChildProcess & { tail: () => string }).tail = () => `${tag}: ${tail}`;
  return child;
}

export async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await done;
  clearTimeout(timer);
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`process exited before answering ${url}\n${(child as ChildProcess & { tail: () => string }).tail()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

export type App = { child: ChildProcess; base: string; port: number };

/** The server runs as production does: WEB_CONCURRENCY processes (default: one per core). */
export const WEB_PROCESSES = (() => {
  const v = process.env.WEB_CONCURRENCY ?? "auto";
  return v === "auto" ? os.availableParallelism() : Math.max(1, Number(v) || 1);
})();

export async function startApp(dbUrl: string, port: number, extra: Record<string, string> = {}): Promise<App> {
  const base = `http://127.0.0.1:${port}`;
  const child = spawnTs(
    "server.ts",
    [],
    {
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_ORIGIN: base,
      JOBS: "off",
      SEED_DEMO: "false",
      BENCH_METRICS: "true",
      LOG_REQUESTS: "false",
      DB_CAPTURE_SQL: "",
      WEB_CONCURRENCY: String(WEB_PROCESSES),
      ...extra,
    },
    `server:${port}`,
  );
  await waitFor(`${base}/healthz`, child);
  return { child, base, port };
}

type Metrics = { pid: number; rss: number; peakRss: number; cpuMicros?: number; eventLoopDelayMs: { p99: number; max: number }; durations?: number[] };

/** One GET /__metrics on a connection of its own (node:cluster hands each new connection to the next worker). */
function metricsOnce(base: string, query: string): Promise<Metrics | null> {
  return new Promise((resolve) => {
    const req = http.get(`${base}/__metrics${query}`, { agent: false, headers: { connection: "close" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Metrics) : null);
        } catch {
          resolve(null);
        }
      });
      res.on("error", () => resolve(null));
    });
    req.on("error", () => resolve(null));
  });
}

/**
 * /__metrics of every worker of a server (`processes` of them): asked on new
 * connections until each worker has answered once. The first answer is the
 * one whose event-loop delay is reported.
 */
export async function metrics(base: string, o: { reset?: boolean; durations?: boolean; processes?: number } = {}): Promise<Metrics[]> {
  const want = o.processes ?? 1;
  const query = [o.reset ? "reset=1" : "", o.durations ? "durations=1" : ""].filter(Boolean).join("&");
  const seen = new Map<number, Metrics>();
  for (let attempt = 0; attempt < want * 8 && seen.size < want; attempt++) {
    const m = await metricsOnce(base, query ? `?${query}` : "");
    if (!m) break;
    if (!seen.has(m.pid)) seen.set(m.pid, m);
  }
  return [...seen.values()];
}

/**
 * CPU time and resident memory of a server process and its descendants (the
 * node:cluster workers), read from /proc: the figures hold however many
 * processes serve, and whichever one answers a request.
 */
const CLK_TCK = 100;
const PAGE_BYTES = 4096;
function statFields(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    return raw.slice(raw.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}
export function processTree(rootPid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const ppid = Number(statFields(Number(d))?.[1]);
    if (!kids.has(ppid)) kids.set(ppid, []);
    kids.get(ppid)!.push(Number(d));
  }
  const out = [rootPid];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]!) ?? []));
  return out;
}
function treeUsage(pids: number[]) {
  let cpuMicros = 0;
  let rss = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (!f) continue;
    cpuMicros += ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
    rss += Number(f[21]) * PAGE_BYTES;
  }
  return { cpuMicros, rss };
}
/** Samples a process tree from now until stop(): CPU used, and the peak of the summed RSS (every 100 ms). */
export function sampleTree(rootPid: number) {
  const pids = processTree(rootPid);
  const start = treeUsage(pids);
  let peak = start.rss;
  const timer = setInterval(() => (peak = Math.max(peak, treeUsage(pids).rss)), 100);
  return {
    stop() {
      clearInterval(timer);
      const end = treeUsage(pids);
      return { processes: pids.length, cpuMicros: end.cpuMicros - start.cpuMicros, baseRss: start.rss, peakRss: Math.max(peak, end.rss) };
    },
  };
}

// ---------- the build and its routes ----------

/** The newest modification time of the sources the build is made from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds when there is no build, when app/ or db/ changed since, or when asked to. */
export function ensureBuild(force: boolean, log: (s: string) => void) {
  const index = path.join(root, "build", "index.js");
  const fresh = existsSync(index) && statSync(index).mtimeMs >= Math.max(newestSource(path.join(root, "app")), newestSource(path.join(root, "db")));
  if (!force && fresh) return;
  log("building (remix build)…");
  const r = spawnSync(path.join(root, "node_modules", ".bin", "remix"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error("remix build failed");
}

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean };
function routeTree(routes: Record<string, ManifestRoute>, parentId?: string): AgnosticRouteObject[] {
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

/** Whether a path is served by a route of the build other than the root (or a catch-all splat). */
async function routeChecker(): Promise<(p: string) => boolean> {
  const build = (await import(pathToFileURL(path.join(root, "build", "index.js")).href)) as { routes: Record<string, ManifestRoute> };
  const tree = routeTree(build.routes);
  return (p: string) => {
    const m = matchRoutes(tree, new URL(p, "http://x").pathname);
    const leaf = m?.[m.length - 1]?.route;
    return !!leaf && leaf.id !== "root" && leaf.path !== "*";
  };
}

// ---------- sign-in and requests ----------

function formBody(form: RequestSpec["form"]): string {
  const f = typeof form === "function" ? form() : (form ?? {});
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
  return sp.toString();
}

/** A dealer API call's headers and body: the Bearer token instead of the cookie, JSON instead of a form. */
function apiRequest(spec: RequestSpec): { headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { authorization: `Bearer ${spec.api!.token}` };
  if (spec.method !== "POST") return { headers };
  const b = spec.api!.body ? spec.api!.body() : { json: {} };
  headers["content-type"] = "application/json";
  if (b.idempotencyKey) headers["idempotency-key"] = b.idempotencyKey;
  return { headers, body: JSON.stringify(b.json) };
}

async function send(base: string, spec: RequestSpec): Promise<{ status: number; text: string }> {
  if (spec.api) {
    const a = apiRequest(spec);
    const r = await fetch(`${base}${spec.path}`, { method: spec.method, headers: a.headers, body: a.body, redirect: "manual" });
    return { status: r.status, text: await r.text() };
  }
  const headers: Record<string, string> = { cookie: spec.user.cookie };
  let body: string | undefined;
  if (spec.method === "POST") {
    headers.origin = base;
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = formBody(spec.form);
  }
  const r = await fetch(`${base}${spec.path}`, { method: spec.method, headers, body, redirect: "manual" });
  return { status: r.status, text: await r.text() };
}

const BENCH_TOTP_SECRET = "BENCHTOTPSECRETFORSTAFFAAAAAAAAA";

export function makeLogin(base: () => string, pool: Pool) {
  const cache = new Map<string, BenchUser>();
  return async (email: string): Promise<BenchUser> => {
    const hit = cache.get(email);
    if (hit) return hit;
    const [rows] = await pool.promise().query("SELECT id, role, organisation_id FROM users WHERE email = ?", [email]);
    const u = (rows as { id: number; role: Role; organisation_id: number }[])[0];
    if (!u) throw new Error(`no bench user ${email}`);
    // Staff sign in with a second factor: the bench gives them a known secret and passes the step.
    if (!u.role.startsWith("dealer_")) {
      await pool
        .promise()
        .query("INSERT IGNORE INTO user_second_factors (user_id, totp_secret, confirmed_at) VALUES (?, ?, NOW(3))", [u.id, BENCH_TOTP_SECRET]);
      await pool.promise().query("UPDATE user_second_factors SET last_used_step = NULL WHERE user_id = ?", [u.id]);
    }
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      redirect: "manual" as const,
      headers: { origin: base(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    let r = await fetch(`${base()}/login`, form({ email, password: BENCH_PASSWORD }));
    if (r.headers.get("location") === "/login/two-factor") {
      const challenge = r.headers
        .getSetCookie()
        .map((c) => c.split(";")[0]!)
        .find((c) => c.startsWith("dd_signin="))!;
      const step = form({ code: new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(BENCH_TOTP_SECRET) }).generate() });
      r = await fetch(`${base()}/login/two-factor`, { ...step, headers: { ...step.headers, cookie: challenge } });
    }
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .find((c) => c.startsWith("dd_session="));
    if (r.status !== 302 || !cookie) throw new Error(`sign-in of ${email} failed: ${r.status}`);
    const user: BenchUser = { id: u.id, email, role: u.role, organisationId: u.organisation_id, cookie };
    cache.set(email, user);
    return user;
  };
}

/** A new API token of a dealer administrator, made through their own page as a person would (the secret comes once). */
export function makeApiToken(base: () => string): Ctx["apiToken"] {
  return async (user, scopes) => {
    const sp = new URLSearchParams({ intent: "create", name: `bench ${scopes.join(" ")}` });
    for (const s of scopes) sp.append("scopes", s);
    const r = await fetch(`${base()}/settings/api-tokens?_data=${encodeURIComponent("routes/settings_.api-tokens")}`, {
      method: "POST",
      headers: { cookie: user.cookie, origin: base(), "content-type": "application/x-www-form-urlencoded" },
      body: sp.toString(),
    });
    const data = (await r.json()) as { created?: { secret: string } };
    if (!data.created) throw new Error(`API token for ${user.email}: ${r.status} ${JSON.stringify(data).slice(0, 200)}`);
    return data.created.secret;
  };
}

// ---------- load ----------

type LoadOptions = {
  urls: string[];
  connections: number;
  specs: RequestSpec[];
  expect: number[];
  duration?: number;
  amount?: number;
  /** consuming scenarios: never more requests than prepared items */
  maxRequests?: number;
  /** rewrite each request's path (floor: /html/<scenario>) */
  pathFor?: (spec: RequestSpec) => string;
  origin: string;
};

type LoadResult = Omit<Run, "target" | "peakRssBytes" | "eventLoopDelayP99Ms" | "eventLoopDelayMaxMs">;

function pct(sorted: number[], p: number) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function load(o: LoadOptions, offset = { i: 0 }): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: o.urls.length === 1 ? o.urls[0]! : o.urls,
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.duration ?? 10 }),
    ...(o.maxRequests ? { maxOverallRequests: o.maxRequests } : {}),
    timeout: 30,
    sampleInt: o.amount ? 50 : 1000,
    requests: [
      {
        setupRequest: (req) => {
          const spec = o.specs[offset.i++ % o.specs.length]!;
          if (spec.api) {
            const a = apiRequest(spec);
            return { ...req, method: spec.method, path: o.pathFor ? o.pathFor(spec) : spec.path, headers: { ...req.headers, ...a.headers }, body: a.body };
          }
          const headers: Record<string, string> = { ...req.headers, cookie: spec.user.cookie };
          let body: string | undefined;
          if (spec.method === "POST") {
            headers.origin = o.origin;
            headers["content-type"] = "application/x-www-form-urlencoded";
            body = formBody(spec.form);
          }
          return { ...req, method: spec.method, path: o.pathFor ? o.pathFor(spec) : spec.path, headers, body };
        },
      },
    ],
  });
  const started = performance.now();
  let last = started;
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    last = performance.now();
  });
  const result = await instance;
  // From the start to the last response (autocannon itself stops on its next sampling tick).
  const seconds = Math.max(1e-3, (last - started) / 1000);
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  const ok = Object.entries(statuses).reduce((a, [code, n]) => a + (o.expect.includes(Number(code)) ? n : 0), 0);
  return {
    connections: o.connections,
    seconds,
    requests,
    rps: requests / seconds,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    errors: result.errors,
    non2xx: requests - ok,
    statuses,
  };
}

/**
 * Server-side latency of a run: every worker's request durations merged, then
 * the percentiles. Null unless every worker answered (a partial set would
 * understate the tail).
 */
export function serverLatency(
  workers: Pick<Metrics, "durations">[],
  processes: number,
): { serverP50: number | null; serverP95: number | null; serverP99: number | null } {
  if (workers.length < processes || workers.some((w) => !w.durations)) return { serverP50: null, serverP95: null, serverP99: null };
  const all = Float64Array.from(workers.flatMap((w) => w.durations!)).sort();
  if (!all.length) return { serverP50: null, serverP95: null, serverP99: null };
  const at = (p: number) => all[Math.min(all.length - 1, Math.ceil((p / 100) * all.length) - 1)]!;
  return { serverP50: at(50), serverP95: at(95), serverP99: at(99) };
}

// ---------- one scale ----------

type ScaleRun = { result: ScaleResult; batch: Batch[]; csvExport: Batch | null; multi: Multi | null };

/**
 * A database server sized for its data keeps the working set in memory; a fresh
 * MariaDB install has a 128 MiB buffer pool, a tenth of the scale-1 data set, and
 * would measure the disk instead of the application. The size used is reported.
 */
export async function ensureBufferPool(dbUrl: string, mib: number, log: (s: string) => void) {
  if (!mib) return;
  const c = createPool({ ...connectionOptions(dbUrl), database: undefined, connectionLimit: 1 }).promise();
  try {
    const [[row]] = (await c.query("SELECT @@innodb_buffer_pool_size AS bp")) as unknown as [{ bp: number }[]];
    const want = mib * 1024 * 1024;
    if (Number(row!.bp) >= want) return;
    await c.query("SET GLOBAL innodb_buffer_pool_size = ?", [want]);
    log(`InnoDB buffer pool grown from ${Math.round(Number(row!.bp) / 1048576)} to ${mib} MiB (--buffer-pool 0 leaves it)`);
  } catch (err) {
    log(`could not grow the InnoDB buffer pool: ${(err as Error).message}`);
  } finally {
    await c.end();
  }
}

async function machineInfo(dbUrl: string) {
  // No database selected: the bench database may not exist yet.
  const c = createPool({ ...connectionOptions(dbUrl), database: undefined, connectionLimit: 1 }).promise();
  try {
    const [[v]] = (await c.query("SELECT VERSION() AS v, @@innodb_buffer_pool_size AS bp")) as unknown as [{ v: string; bp: number }[]];
    return {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryBytes: os.totalmem(),
      node: process.version,
      mysql: v!.v,
      os: `${os.type()} ${os.release()}`,
      innodbBufferPoolBytes: Number(v!.bp),
      load: os.loadavg(),
    };
  } finally {
    await c.end();
  }
}

function readCapture(file: string, from: number): { statements: CapturedStatement[]; size: number } {
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size <= from) return { statements: [], size };
  const fd = openSync(file, "r");
  const buf = Buffer.alloc(size - from);
  readSync(fd, buf, 0, buf.length, from);
  closeSync(fd);
  const statements = buf
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CapturedStatement & { error?: boolean })
    .filter((s) => !s.error)
    .map((s) => ({ sql: s.sql, parameters: s.parameters }));
  return { statements, size };
}

async function runScale(scale: number, o: BenchOptions, full: boolean): Promise<ScaleRun> {
  const log = o.log;
  const dbUrl = benchDbUrl(scale);
  const dbName = new URL(dbUrl).pathname.slice(1);
  let meta = await readMeta(dbUrl);
  let generatedSeconds: number | null = null;
  // Data dated after today (generated under a later clock, or by a test with a fixed day) would
  // ask the domain for things the real clock refuses, e.g. issuing a period that has not ended.
  if (!meta || meta.scale !== scale || o.regenerate || meta.asOf > todayShanghai() || !(await migrationsCurrent(dbUrl))) {
    log(`generating scale ${scale} into ${dbName} (missing, other scale, dated after today, new migrations or --regenerate)…`);
    const g = await generate({ url: dbUrl, scale, log: (s) => log(`  data: ${s}`) });
    meta = g.meta;
    generatedSeconds = g.seconds;
  }
  const pool = createPool({ ...connectionOptions(dbUrl), connectionLimit: 4 });
  const q: Ctx["q"] = async <T>(sqlText: string, params: unknown[] = []) => (await pool.promise().query(sqlText, params))[0] as T[];
  const [[size]] = (await pool
    .promise()
    .query("SELECT SUM(data_length + index_length) AS b FROM information_schema.tables WHERE table_schema = DATABASE()")) as unknown as [{ b: number }[]];
  const result: ScaleResult = {
    scale,
    database: dbName,
    data: { counts: meta.counts, bytes: Number(size?.b ?? 0), asOf: meta.asOf, generatedSeconds },
    scenarios: [],
  };
  const capFile = path.join(os.tmpdir(), `dd-bench-capture-${process.pid}-${scaleLabel(scale)}.jsonl`);
  rmSync(capFile, { force: true });
  const [appPort, app2Port, floorPort] = [o.portBase, o.portBase + 1, o.portBase + 2];
  let app = await startApp(dbUrl, appPort, { DB_CAPTURE_SQL: capFile });
  const apps: App[] = [app];
  const login = makeLogin(() => app.base, pool);
  const hasRoute = await routeChecker();
  const apiToken = makeApiToken(() => app.base);
  const ctx: Ctx = { q, login, apiToken, rng: rng(4242), smoke: o.smoke, variety: o.smoke ? 4 : 24 };
  const batch: Batch[] = [];
  let csvExport: Batch | null = null;
  let multi: Multi | null = null;
  let floor: ChildProcess | undefined;
  try {
    // 1. Prepare every scenario: requests, route check, one probe, and (reads) the SQL it runs.
    const selected = SCENARIOS.filter(
      (s) => (full || s.kind === "read") && (!o.only || o.only.includes(s.name)) && !(s.kind === "write" && o.skip.has("write")),
    );
    const prepared: { s: Scenario; r: ScenarioResult; specs: RequestSpec[] }[] = [];
    const captured: CapturedQueries = {};
    for (const s of selected) {
      const r: ScenarioResult = { name: s.name, title: s.title, kind: s.kind, status: "ok", requestsPrepared: 0, runs: [] };
      result.scenarios.push(r);
      let specs: RequestSpec[] = [];
      try {
        specs = await s.build(ctx);
      } catch (err) {
        Object.assign(r, { status: "failed", reason: `preparing requests: ${(err as Error).message}` });
        continue;
      }
      r.requestsPrepared = specs.length;
      if (!specs.length) {
        Object.assign(r, { status: "n/a", reason: "nothing to request in this data set" });
        continue;
      }
      if (!hasRoute(specs[0]!.path)) {
        Object.assign(r, { status: "n/a", reason: "route missing" });
        continue;
      }
      // Reads: capture the statements of a few representative requests (the first one also probes).
      // Each is first sent to every web process (round robin: twice their number), so the floor
      // replays what a request runs in the steady state the measured runs see, not one-time
      // loads (the catalog index, decision 077; a dashboard snapshot, decision 076).
      const variants = s.kind === "read" ? Math.min(5, specs.length) : 1;
      for (let v = 0; v < variants; v++) {
        if (s.kind === "read") for (let k = 0; k < WEB_PROCESSES * 2; k++) await send(app.base, specs[v]!);
        const before = readCapture(capFile, 0).size;
        const res = await send(app.base, specs[v]!);
        if (!s.expect.includes(res.status)) {
          Object.assign(r, {
            status: "failed",
            reason: `probe ${specs[v]!.method} ${specs[v]!.path} answered ${res.status} (expected ${s.expect.join("/")}): ${res.text
              .replace(/<[^>]+>/g, " ")
              .replace(/\s+/g, " ")
              .slice(0, 300)}`,
          });
          break;
        }
        if (s.kind === "read") (captured[s.name] ??= []).push({ path: specs[v]!.path, statements: readCapture(capFile, before).statements });
      }
      if (r.status !== "ok") continue;
      if (s.consumes) specs = specs.slice(1); // the probe used the first item
      r.capturedStatements = captured[s.name]?.[0]?.statements.length;
      prepared.push({ s, r, specs });
    }

    // 2. The measured server runs without capture; the floor replays what was captured.
    await stopChild(app.child);
    app = await startApp(dbUrl, appPort);
    apps[0] = app;
    const reads = prepared.filter((p) => p.s.kind === "read");
    const withFloor = !o.skip.has("floor") && reads.length > 0;
    let floorBase = "";
    if (withFloor) {
      const qFile = path.join(os.tmpdir(), `dd-bench-floor-${process.pid}.json`);
      writeFileSync(qFile, JSON.stringify(captured));
      floor = spawnTs("tests/bench/floor.tsx", ["--port", String(floorPort), "--url", dbUrl, "--queries", qFile], { NODE_ENV: "production" }, "floor");
      floorBase = `http://127.0.0.1:${floorPort}`;
      await waitFor(`${floorBase}/__metrics`, floor);
    }

    const measure = async (
      target: Run["target"],
      base: string,
      lo: Omit<LoadOptions, "connections" | "urls" | "origin">,
      c: number,
      offset?: { i: number },
    ): Promise<Run> => {
      const pid = (target === "app" ? app.child : floor)?.pid;
      const processes = target === "app" ? WEB_PROCESSES : 1;
      await metrics(base, { reset: true, processes });
      const tree = pid ? sampleTree(pid) : null;
      const lr = await load({ ...lo, urls: [base], connections: c, origin: app.base }, offset);
      const t = tree?.stop();
      const workers = await metrics(base, { durations: true, processes });
      // Event-loop delay: one worker's (each worker is measured the same way).
      const m = workers[0];
      const cpuMsPerRequest = t && lr.requests > 0 ? t.cpuMicros / 1000 / lr.requests : null;
      return {
        target,
        ...lr,
        ...serverLatency(workers, processes),
        peakRssBytes: t?.peakRss ?? m?.peakRss ?? null,
        eventLoopDelayP99Ms: m?.eventLoopDelayMs.p99 ?? null,
        eventLoopDelayMaxMs: m?.eventLoopDelayMs.max ?? null,
        cpuMsPerRequest,
      };
    };
    const runFor = (c: number) => (o.requestsPerRun ? { amount: Math.max(o.requestsPerRun, c) } : { duration: o.durationSeconds });
    const warm = (c: number) => (o.requestsPerRun ? { amount: Math.max(Math.ceil(o.requestsPerRun / 4), c) } : { duration: o.warmupSeconds });
    const stepsOf = (s: Scenario) => [...new Set([...o.steps, ...(o.smoke ? [] : (s.extraSteps ?? []))])].sort((a, b) => a - b);

    // 3. Reads: the app at each step, then the floor (HTML, JSON) at the same steps.
    for (const { s, r, specs } of reads) {
      log(`${s.name}: ${specs.length} requests to rotate, ${r.capturedStatements ?? 0} statements captured`);
      const steps = stepsOf(s);
      await load({ urls: [app.base], connections: Math.max(...steps), specs, expect: s.expect, origin: app.base, ...warm(Math.max(...steps)) });
      for (const c of steps) {
        const run = await measure("app", app.base, { specs, expect: s.expect, ...runFor(c) }, c);
        r.runs.push(run);
        log(`  app   @${c}: ${run.rps.toFixed(1)} req/s, p95 ${run.p95.toFixed(1)} ms, errors ${run.errors}, non-2xx ${run.non2xx}`);
      }
      if (withFloor) {
        for (const kind of ["html", "json"] as const) {
          const lo = { specs, expect: [200], pathFor: () => `/${kind}/${s.name}` };
          await load({ urls: [floorBase], connections: Math.max(...steps), origin: app.base, ...lo, ...warm(Math.max(...steps)) });
          for (const c of steps) {
            const run = await measure(kind === "html" ? "floor-html" : "floor-json", floorBase, { ...lo, ...runFor(c) }, c);
            r.runs.push(run);
            if (kind === "html") log(`  floor @${c}: ${run.rps.toFixed(1)} req/s, p95 ${run.p95.toFixed(1)} ms`);
          }
        }
      }
    }
    await stopChild(floor);

    // 4. Writes (submit before approve, so approvals have fresh submitted orders too).
    for (const { s, r, specs: initial } of prepared.filter((p) => p.s.kind === "write")) {
      let specs = initial;
      if (s.consumes) {
        const rebuilt = await s.build(ctx); // pick up orders the submit scenario just created
        specs = rebuilt.length ? rebuilt : initial;
      }
      const steps = stepsOf(s);
      const offset = { i: 0 };
      log(`${s.name}: ${specs.length} ${s.consumes ? "items" : "requests to rotate"}`);
      for (const [k, c] of steps.entries()) {
        let lo: Omit<LoadOptions, "connections" | "urls" | "origin"> = { specs, expect: s.expect, ...runFor(c) };
        if (s.consumes) {
          const left = specs.length - offset.i;
          const share = Math.floor(left / (steps.length - k));
          if (share < c) {
            log(`  @${c}: skipped, only ${left} items left`);
            continue;
          }
          lo = o.requestsPerRun ? { ...lo, amount: Math.min(share, Math.max(o.requestsPerRun, c)) } : { ...lo, maxRequests: share };
        }
        const run = await measure("app", app.base, lo, c, s.consumes ? offset : undefined);
        r.runs.push(run);
        log(
          `  app   @${c}: ${run.rps.toFixed(1)} req/s, p95 ${run.p95.toFixed(1)} ms, errors ${run.errors}, non-2xx ${run.non2xx} ${JSON.stringify(run.statuses)}`,
        );
      }
      if (!r.runs.length) Object.assign(r, { status: "n/a", reason: `not enough items to consume (${specs.length})` });
    }

    if (full && !o.skip.has("batch")) {
      // 5. A large CSV export over HTTP: time and the server's peak RSS above its RSS before.
      csvExport = await csvExportRun(app, login, hasRoute);
      log(`csv-export: ${csvExport.status} ${csvExport.seconds?.toFixed(2) ?? ""} s ${JSON.stringify(csvExport.detail)}`);
      // …and exactly the issue's size: the ledger entries of the latest days that hold 100,000 rows.
      const ledgerExport = await csvExportRun(app, login, hasRoute, await ledgerExportPath(q, o.smoke ? 2_000 : 100_000));
      batch.push(ledgerExport);
      log(`csv-export-ledger: ${ledgerExport.status} ${ledgerExport.seconds?.toFixed(2) ?? ""} s ${JSON.stringify(ledgerExport.detail)}`);
    }
    if (full && !o.skip.has("batch") && !o.skip.has("jobs")) {
      // 6. Batch jobs, each in its own process (--skip jobs keeps the exports above).
      const { BATCHES } = await import("./batch");
      for (const name of BATCHES) {
        const b = await runBatch(name, dbUrl, o.smoke);
        batch.push(b);
        log(`${name}: ${b.status} ${b.seconds?.toFixed(2) ?? ""} ${b.reason?.split("\n")[0] ?? ""}`);
      }
    }

    if (full && !o.skip.has("multi")) {
      // 7. Two web servers (and two job runners, when there are jobs) on one database.
      multi = await multiInstance(dbUrl, app, app2Port, prepared, o, apps, q);
      log(
        `multi-instance: ${multi.status} ${multi.single && multi.double ? `${multi.single.rps.toFixed(1)} → ${multi.double.rps.toFixed(1)} req/s` : (multi.reason ?? "")}`,
      );
    }
  } finally {
    await stopChild(floor);
    for (const a of apps) await stopChild(a.child);
    await pool.promise().end();
    rmSync(capFile, { force: true });
  }
  return { result, batch, csvExport, multi };
}

/** /finance/ledger?format=csv for the latest business days that together hold at least `rows` entries. */
async function ledgerExportPath(q: Ctx["q"], rows: number): Promise<{ name: string; path: string }> {
  const days = await q<{ d: string; n: number }>(
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d') AS d, COUNT(*) AS n FROM ledger_entries GROUP BY business_date ORDER BY business_date DESC",
  );
  let sum = 0;
  let from = days[0]?.d ?? "2000-01-01";
  for (const r of days) {
    sum += Number(r.n);
    from = r.d;
    if (sum >= rows) break;
  }
  return { name: "csv-export-ledger", path: `/finance/ledger?format=csv&from=${from}&to=${days[0]?.d ?? from}` };
}

async function csvExportRun(
  app: App,
  login: (e: string) => Promise<BenchUser>,
  hasRoute: (p: string) => boolean,
  what = { name: "csv-export", path: "/orders?format=csv" },
): Promise<Batch> {
  const { name, path: p } = what;
  if (!hasRoute(p)) return { name, status: "n/a", reason: `route missing (${p.split("?")[0]})`, detail: { path: p } };
  const admin = await login("admin.01@mfr.bench.local");
  const tree = sampleTree(app.child.pid!);
  const started = performance.now();
  const r = await fetch(`${app.base}${p}`, { headers: { cookie: admin.cookie } });
  let bytes = 0;
  let rows = 0;
  const reader = r.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const b of value) if (b === 10) rows++;
  }
  const seconds = (performance.now() - started) / 1000;
  const t = tree.stop();
  const type = r.headers.get("content-type") ?? "";
  if (r.status !== 200 || !type.includes("csv")) return { name, status: "failed", reason: `GET ${p} answered ${r.status} ${type}`, detail: { path: p } };
  return {
    name,
    status: "ok",
    seconds,
    peakRssBytes: t.peakRss,
    baseRssBytes: t.baseRss,
    detail: { path: p, rows: Math.max(0, rows - 1), bytes, processes: t.processes, rssGrowthMiB: Math.round((t.peakRss - t.baseRss) / 1048576) },
  };
}

async function runBatch(name: string, dbUrl: string, smoke: boolean): Promise<Batch> {
  const child = spawnTs(
    "tests/bench/batch.ts",
    [name],
    { NODE_ENV: "production", DATABASE_URL: dbUrl, JOBS: "off", ...(smoke ? { BENCH_IMPORT_ROWS: "500", BENCH_SELLOUT_ROWS: "500" } : {}) },
    name,
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  await new Promise<void>((r) => child.once("exit", () => r()));
  const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!line) return { name, status: "failed", reason: (child as ChildProcess & { tail: () => string }).tail(), detail: {} };
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as Batch;
}

async function multiInstance(
  dbUrl: string,
  app: App,
  port2: number,
  prepared: { s: Scenario; specs: RequestSpec[] }[],
  o: BenchOptions,
  apps: App[],
  q: Ctx["q"],
): Promise<Multi> {
  const pick = ["orders-list", "dashboard-dealer", "stock-search"].map((n) => prepared.find((p) => p.s.name === n)).find(Boolean);
  if (!pick) return { status: "n/a", reason: "no read scenario to drive", jobRunners: 0, jobRuns: null };
  const runnerPath = path.join(root, "jobs", "runner.ts");
  const runners: ChildProcess[] = [];
  const since = new Date();
  try {
    const app2 = await startApp(dbUrl, port2);
    apps.push(app2);
    if (existsSync(runnerPath))
      for (let i = 0; i < 2; i++)
        runners.push(spawnTs("jobs/runner.ts", [], { NODE_ENV: "production", DATABASE_URL: dbUrl, JOBS: "on", SEED_DEMO: "false" }, `runner${i}`));
    const c = o.smoke ? 4 : 32;
    const lo = {
      specs: pick.specs,
      expect: pick.s.expect,
      origin: app.base,
      connections: c,
      ...(o.requestsPerRun ? { amount: o.requestsPerRun * 2 } : { duration: o.durationSeconds }),
    };
    const single = await load({ ...lo, urls: [app.base] });
    const double = await load({ ...lo, urls: [app.base, app2.base] });
    const none = { peakRssBytes: null, eventLoopDelayP99Ms: null, eventLoopDelayMaxMs: null };
    let jobRuns: Multi["jobRuns"] = null;
    if (runners.length) {
      const rows = await q<{ job_name: string; slot: string; n: number; owners: number }>(
        "SELECT job_name, slot, COUNT(*) AS n, COUNT(DISTINCT owner) AS owners FROM job_runs WHERE started_at >= ? GROUP BY job_name, slot",
        [since],
      );
      const owners = await q<{ n: number }>("SELECT COUNT(DISTINCT owner) AS n FROM job_runs WHERE started_at >= ?", [since]);
      jobRuns = {
        rows: rows.reduce((a, r) => a + Number(r.n), 0),
        slots: rows.length,
        duplicates: rows.filter((r) => Number(r.n) > 1).length,
        owners: Number(owners[0]?.n ?? 0),
      };
    }
    return {
      status: "ok",
      scenario: pick.s.name,
      single: { target: "app", ...single, ...none },
      double: { target: "app-2x", ...double, ...none },
      jobRunners: runners.length,
      jobRuns,
    };
  } catch (err) {
    return { status: "failed", reason: (err as Error).message, jobRunners: runners.length, jobRuns: null };
  } finally {
    for (const r of runners) await stopChild(r);
  }
}

// ---------- the whole run ----------

export async function runBench(o: BenchOptions): Promise<{ report: Report; jsonPath: string; mdPath: string }> {
  ensureBuild(o.build, o.log);
  const primaryScale = Math.max(...o.scales);
  await ensureBufferPool(benchDbUrl(primaryScale), o.bufferPoolMiB, o.log);
  const machine = await machineInfo(benchDbUrl(primaryScale));
  const scales: ScaleResult[] = [];
  let primary: ScaleRun | undefined;
  for (const scale of o.scales) {
    o.log(`scale ${scale}${scale === primaryScale ? " (full)" : " (read pages)"}`);
    const run = await runScale(scale, o, scale === primaryScale);
    scales.push(run.result);
    if (scale === primaryScale) primary = run;
  }
  const report: Report = {
    version: 1,
    generatedAt: new Date().toISOString(),
    mode: o.smoke ? "smoke" : "full",
    machine,
    settings: {
      steps: o.steps,
      durationSeconds: o.requestsPerRun ? null : o.durationSeconds,
      warmupSeconds: o.requestsPerRun ? null : o.warmupSeconds,
      requestsPerRun: o.requestsPerRun,
      scenarios: SCENARIOS.map((s) => s.name),
      webProcesses: WEB_PROCESSES,
    },
    primaryScale,
    scales,
    batch: primary!.batch,
    csvExport: primary!.csvExport,
    multi: primary!.multi,
    targets: evaluateTargets(
      scales.find((s) => s.scale === primaryScale)!,
      [...primary!.batch, ...(primary!.csvExport ? [primary!.csvExport] : [])],
    ),
  };
  parseReportJson(JSON.stringify(report)); // the report we write is one the parser reads
  mkdirSync(o.outDir, { recursive: true });
  const stem = path.join(o.outDir, `${report.generatedAt.slice(0, 10)}-${scaleLabel(primaryScale)}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${stem}.md`, renderMarkdown(report));
  return { report, jsonPath: `${stem}.json`, mdPath: `${stem}.md` };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    const argv = process.argv.slice(2);
    if (argv.includes("--cluster")) {
      // Its own process: cluster.ts imports this module, which is still evaluating here.
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "tests", "bench", "cluster.ts"), ...argv.filter((a) => a !== "--cluster")], {
        cwd: root,
        stdio: "inherit",
      });
      process.exit(r.status ?? 1);
    }
    const o = optionsFromArgs(argv);
    const { report, mdPath, jsonPath } = await runBench(o);
    console.log(`\n${readFileSync(mdPath, "utf8")}`);
    console.log(`Report: ${path.relative(root, mdPath)} and ${path.relative(root, jsonPath)}`);
    const failed = report.scales.flatMap((s) => s.scenarios).filter((s) => s.status === "failed" || s.runs.some((r) => r.errors > 0 || r.non2xx > 0));
    if (failed.length) console.log(`Scenarios with failures or non-2xx answers: ${failed.map((s) => s.name).join(", ")}`);
    process.exit(failed.length ? 1 : 0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
