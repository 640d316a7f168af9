/**
 * `npm run bench -- --cluster` (issue #26, item 7): Dealer Desk on a three-node MariaDB Galera cluster
 * (scripts/galera.sh) beside the single server, on the same machine and the same generated data.
 *
 *   single:  one web instance (WEB_CONCURRENCY processes) on the single server (127.0.0.1:3306)
 *   cluster: two web instances, each preferring its own node (node 1, node 2), the load split between them
 *
 * The same cores serve both set-ups, so the figure is not a speed-up: the report gives requests per
 * second, p95 (client and server), and CPU per request of the web processes and of the database
 * servers, and the cluster/single ratio. Then, under read load on both instances, node 2 is SIGKILLed:
 * the time until the instance that preferred it serves again, the answers in between, and the time
 * until the revived node is back in sync.
 *
 *   npm run bench -- --cluster [--scale 0.1] [--duration 10] [--warmup 3] [--steps 8,32]
 *     [--only orders-list,order-detail,stock-search,dashboard-dealer,order-submit]
 *     [--galera-base-port 4600] [--galera-dir DIR] [--port-base 22200] [--buffer-pool 1024] [--build] [--wipe]
 *
 * The cluster's data lives in DIR (default: <tmp>/dd-bench-galera) and is kept between runs (the nodes are
 * stopped at the end), so a second run does not generate it again; --wipe deletes it at the end.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPool, type Pool } from "mysql2";
import { rng } from "../../db/seed/random";
import {
  WEB_PROCESSES,
  ensureBufferPool,
  ensureBuild,
  load,
  makeApiToken,
  makeLogin,
  metrics,
  sampleTree,
  serverLatency,
  startApp,
  stopChild,
  type App,
} from "./bench";
import { benchDbUrl, connectionOptions, generate, migrationsCurrent, parseArgs, readMeta, scaleLabel, todayShanghai } from "./data";
import { SCENARIOS, type Ctx, type RequestSpec } from "./scenarios";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

type Side = {
  rps: number;
  p95: number;
  serverP95: number | null;
  requests: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  appCpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
};
type Row = { scenario: string; connections: number; single: Side | null; cluster: Side | null; reason?: string };
type KillResult = {
  servedAgainMs: number | null;
  answers: Record<string, number>;
  fiveHundreds: number;
  rejoinSeconds: number | null;
};
type ClusterReport = {
  generatedAt: string;
  scale: number;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string; load: number[]; webProcessesPerInstance: number };
  settings: { durationSeconds: number; warmupSeconds: number; steps: number[]; scenarios: string[]; bufferPoolMiB: number };
  rows: Row[];
  kill: KillResult | null;
};

const list = (v: string | undefined) =>
  v
    ? v
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : null;

/** The bench data of `scale` at `url`: generated when missing, of another scale, dated after today or behind on migrations. */
async function ensureData(url: string, scale: number, log: (s: string) => void) {
  const meta = await readMeta(url);
  if (meta && meta.scale === scale && meta.asOf <= todayShanghai() && (await migrationsCurrent(url))) return;
  log(`generating scale ${scale} into ${url}…`);
  const g = await generate({ url, scale, log: (s) => log(`  data: ${s}`) });
  log(`generated in ${g.seconds.toFixed(0)} s`);
}

/** The server's own process id, from its pid file (the database's CPU per request is read from /proc). */
async function serverPid(url: string): Promise<number | null> {
  const c = createPool({ ...connectionOptions(url), database: undefined, connectionLimit: 1 }).promise();
  try {
    const [[row]] = (await c.query("SELECT @@pid_file AS f")) as unknown as [{ f: string }[]];
    return Number(readFileSync(row!.f, "utf8").trim()) || null;
  } catch {
    return null;
  } finally {
    await c.end();
  }
}

async function measure(apps: App[], dbPids: number[], specs: RequestSpec[], expect: number[], connections: number, duration: number): Promise<Side> {
  for (const a of apps) await metrics(a.base, { reset: true, processes: WEB_PROCESSES });
  const appTrees = apps.map((a) => sampleTree(a.child.pid!));
  const dbTrees = dbPids.map((p) => sampleTree(p));
  const r = await load({ urls: apps.map((a) => a.base), connections, specs, expect, duration, origin: apps[0]!.base });
  const appCpu = appTrees.reduce((s, t) => s + t.stop().cpuMicros, 0);
  const dbCpu = dbTrees.reduce((s, t) => s + t.stop().cpuMicros, 0);
  const workers = (await Promise.all(apps.map((a) => metrics(a.base, { durations: true, processes: WEB_PROCESSES })))).flat();
  const n = Math.max(1, r.requests);
  return {
    rps: r.rps,
    p95: r.p95,
    serverP95: serverLatency(workers, WEB_PROCESSES * apps.length).serverP95,
    requests: r.requests,
    non2xx: r.non2xx,
    errors: r.errors,
    statuses: r.statuses,
    appCpuMsPerRequest: appCpu / 1000 / n,
    dbCpuMsPerRequest: dbCpu / 1000 / n,
  };
}

/** Every selected scenario's requests, signed in through `app`, read from `pool`. */
async function buildSpecs(names: string[], app: App, pool: Pool) {
  const q: Ctx["q"] = async <T>(sqlText: string, params: unknown[] = []) => (await pool.promise().query(sqlText, params))[0] as T[];
  const ctx: Ctx = { q, login: makeLogin(() => app.base, pool), apiToken: makeApiToken(() => app.base), rng: rng(4242), smoke: false, variety: 24 };
  const out = new Map<string, { specs: RequestSpec[]; expect: number[] } | { reason: string }>();
  for (const name of names) {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) {
      out.set(name, { reason: "no such scenario" });
      continue;
    }
    if (s.consumes) {
      out.set(name, { reason: "consumes its items: not comparable across two data sets" });
      continue;
    }
    try {
      const specs = await s.build(ctx);
      out.set(name, specs.length ? { specs, expect: s.expect } : { reason: "nothing to request in this data set" });
    } catch (err) {
      out.set(name, { reason: `preparing requests: ${(err as Error).message}` });
    }
  }
  return out;
}

async function runSide(
  label: string,
  apps: App[],
  dbPids: number[],
  pool: Pool,
  o: { names: string[]; steps: number[]; duration: number; warmup: number },
  log: (s: string) => void,
) {
  const results = new Map<string, Side | string>();
  const built = await buildSpecs(o.names, apps[0]!, pool);
  for (const name of o.names) {
    const b = built.get(name)!;
    if ("reason" in b) {
      for (const c of o.steps) results.set(`${name}@${c}`, b.reason);
      continue;
    }
    await load({
      urls: apps.map((a) => a.base),
      connections: Math.max(...o.steps),
      specs: b.specs,
      expect: b.expect,
      duration: o.warmup,
      origin: apps[0]!.base,
    });
    for (const c of o.steps) {
      const side = await measure(apps, dbPids, b.specs, b.expect, c, o.duration);
      results.set(`${name}@${c}`, side);
      log(
        `${label} ${name} @${c}: ${side.rps.toFixed(1)} req/s, p95 ${side.p95.toFixed(0)} ms, CPU/req app ${side.appCpuMsPerRequest.toFixed(1)} ms + db ${side.dbCpuMsPerRequest.toFixed(1)} ms, non-2xx ${side.non2xx}`,
      );
    }
  }
  return results;
}

/** Node 2 SIGKILLed under read load on both instances: time until the instance preferring it serves again. */
async function killNode(A: App, B: App, specs: RequestSpec[], galera: (...a: string[]) => { status: number | null; stdout: string }, log: (s: string) => void) {
  const answers: Record<string, number> = {};
  let stop = false;
  const loop = async (base: string, offset: number) => {
    for (let i = offset; !stop; i += 3) {
      const spec = specs[i % specs.length]!;
      try {
        const r = await fetch(`${base}${spec.path}`, { headers: { cookie: spec.user.cookie }, redirect: "manual" });
        await r.arrayBuffer();
        answers[r.status] = (answers[r.status] ?? 0) + 1;
      } catch {
        answers.socket = (answers.socket ?? 0) + 1;
      }
    }
  };
  const running = Promise.all([loop(A.base, 0), loop(B.base, 1), loop(B.base, 2), loop(A.base, 3)]);
  await new Promise((r) => setTimeout(r, 3_000));
  const killedAt = performance.now();
  galera("kill", "2");
  let servedAgainMs: number | null = null;
  const probe = specs[0]!;
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`${B.base}${probe.path}`, { headers: { cookie: probe.user.cookie }, redirect: "manual" });
      await r.arrayBuffer();
      if (r.status === 200) {
        servedAgainMs = performance.now() - killedAt;
        break;
      }
    } catch {
      // the instance itself stays up; a refused socket would be counted by the load
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`node 2 killed: the instance preferring it served again after ${servedAgainMs === null ? "—" : `${servedAgainMs.toFixed(0)} ms`}`);
  await new Promise((r) => setTimeout(r, 3_000));
  const revivedAt = performance.now();
  const revived = galera("revive", "2");
  const rejoinSeconds = revived.status === 0 ? (performance.now() - revivedAt) / 1000 : null;
  log(`node 2 revived and in sync after ${rejoinSeconds === null ? "— (revive failed)" : `${rejoinSeconds.toFixed(1)} s`}`);
  await new Promise((r) => setTimeout(r, 2_000));
  stop = true;
  await running;
  const fiveHundreds = Object.entries(answers).reduce((s, [k, n]) => s + (Number(k) >= 500 && k !== "503" ? n : 0), 0);
  // A 500 is a defect: show what the instances logged (the last lines each keeps).
  if (fiveHundreds) for (const app of [A, B]) log(`instance ${app.base} logged:\n${(app.child as typeof app.child & { tail: () => string }).tail()}`);
  return { servedAgainMs, answers, fiveHundreds, rejoinSeconds };
}

const fmt = (n: number | null | undefined, d = 1) => (n === null || n === undefined ? "—" : n.toFixed(d));

function renderMarkdown(r: ClusterReport): string {
  const lines = [
    `# Cluster benchmark — ${r.generatedAt.slice(0, 16).replace("T", " ")} UTC, scale ${r.scale}`,
    "",
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${Math.round(r.machine.memoryBytes / 2 ** 30)} GiB, Node ${r.machine.node}, load before ${r.machine.load.map((x) => x.toFixed(1)).join(" / ")}.`,
    `Each web instance runs ${r.machine.webProcessesPerInstance} process(es). Runs of ${r.settings.durationSeconds} s after ${r.settings.warmupSeconds} s of warm-up; InnoDB buffer pool ${r.settings.bufferPoolMiB} MiB on every server.`,
    "",
    "**single**: one instance on one MariaDB server. **cluster**: two instances, each preferring its own node of a three-node Galera cluster, the load split between them.",
    "The same cores serve both: compare the ratio and CPU per request, not a speed-up.",
    "",
    "| scenario | users | single req/s | single p95 ms (server) | single CPU ms/req app + db | cluster req/s | cluster p95 ms (server) | cluster CPU ms/req app + db | cluster ÷ single req/s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of r.rows) {
    const s = row.single;
    const c = row.cluster;
    if (!s || !c) {
      lines.push(`| ${row.scenario} | ${row.connections} | n/a: ${row.reason ?? ""} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${row.scenario} | ${row.connections} | ${fmt(s.rps)} | ${fmt(s.p95, 0)} (${fmt(s.serverP95, 0)}) | ${fmt(s.appCpuMsPerRequest)} + ${fmt(s.dbCpuMsPerRequest)} | ${fmt(c.rps)} | ${fmt(c.p95, 0)} (${fmt(c.serverP95, 0)}) | ${fmt(c.appCpuMsPerRequest)} + ${fmt(c.dbCpuMsPerRequest)} | ${fmt(c.rps / s.rps, 2)} |`,
    );
  }
  const bad = r.rows.filter((x) => (x.single?.non2xx ?? 0) + (x.cluster?.non2xx ?? 0) + (x.single?.errors ?? 0) + (x.cluster?.errors ?? 0) > 0);
  lines.push(
    "",
    bad.length
      ? `Runs with errors or unexpected answers: ${bad.map((x) => `${x.scenario}@${x.connections}`).join(", ")}.`
      : "Every answer was the expected one.",
  );
  if (r.kill) {
    lines.push(
      "",
      "## A node killed under load",
      "",
      `Node 2 (preferred by the second instance) SIGKILLed under read load on both instances: the second instance served again after **${r.kill.servedAgainMs === null ? "— (never)" : `${fmt(r.kill.servedAgainMs, 0)} ms`}**; ` +
        `node 2 revived and back in sync after ${r.kill.rejoinSeconds === null ? "— (revive failed)" : `${fmt(r.kill.rejoinSeconds)} s`}.`,
      `Answers during the run: ${Object.entries(r.kill.answers)
        .map(([k, n]) => `${k} × ${n}`)
        .join(", ")}; 5xx other than 503: ${r.kill.fiveHundreds}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function runClusterBench(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const log = (s: string) => console.log(`[bench:cluster] ${s}`);
  const scale = Number(a.get("scale") ?? 0.1);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error("--scale must be a positive number");
  const duration = Number(a.get("duration") ?? 10);
  const warmup = Number(a.get("warmup") ?? 3);
  const steps = (list(a.get("steps")) ?? ["8", "32"]).map(Number);
  const names = list(a.get("only")) ?? ["orders-list", "order-detail", "stock-search", "dashboard-dealer", "order-submit"];
  const galeraBase = Number(a.get("galera-base-port") ?? 4600);
  const portBase = Number(a.get("port-base") ?? 22200);
  const bufferPoolMiB = Number(a.get("buffer-pool") ?? 1024);
  const dir = path.resolve(a.get("galera-dir") ?? path.join(os.tmpdir(), "dd-bench-galera"));
  const galera = (...args: string[]) => {
    const r = spawnSync("bash", [path.join(root, "scripts", "galera.sh"), ...args, "--base-port", String(galeraBase), "--dir", dir], {
      cwd: root,
      encoding: "utf8",
    });
    return { status: r.status, stdout: `${r.stdout}${r.stderr}` };
  };
  ensureBuild(a.has("build"), log);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryBytes: os.totalmem(),
    node: process.version,
    load: os.loadavg(),
    webProcessesPerInstance: WEB_PROCESSES,
  };

  // The single server and its data.
  const singleUrl = benchDbUrl(scale);
  await ensureBufferPool(singleUrl, bufferPoolMiB, log);
  await ensureData(singleUrl, scale, log);

  // The cluster and the same data (generated through node 1; Galera replicates it to the others).
  log(`starting the Galera cluster (ports ${galeraBase + 1}–${galeraBase + 3}, data in ${dir})…`);
  const up = galera("start");
  if (up.status !== 0) throw new Error(`scripts/galera.sh start failed:\n${up.stdout}`);
  const nodes = [1, 2, 3].map((n) => galeraBase + n);
  const dbName = `dd_bench_cluster_${scaleLabel(scale)}`;
  const nodeUrl = (i: number) => `mysql://root@127.0.0.1:${nodes[i]}/${dbName}`;
  const clusterUrl = (first: number) =>
    `mysql://root@${[nodes[first]!, ...nodes.filter((_, i) => i !== first)].map((p) => `127.0.0.1:${p}`).join(",")}/${dbName}`;
  const rows: Row[] = [];
  let kill: KillResult | null = null;
  const apps: App[] = [];
  const pools: Pool[] = [];
  try {
    const meta = await readMeta(nodeUrl(0));
    if (!(meta && meta.scale === scale && meta.asOf <= todayShanghai() && (await migrationsCurrent(nodeUrl(0))))) {
      // Bulk loading through a three-node cluster replicates every batch twice (and a migration's DDL applied
      // under that stream can wait on its own appliers): nodes 2 and 3 leave, node 1 takes the data, and they
      // rejoin by a full state transfer, as a new node would.
      galera("stop", "3");
      galera("stop", "2");
      // A full state transfer, not an incremental one: replaying the migrations' DDL with the rows written
      // right after them through parallel appliers can stop on an "MDL BF-BF conflict" (MariaDB 10.11).
      for (const n of [2, 3]) rmSync(path.join(dir, `node${n}`, "data"), { recursive: true, force: true });
      await ensureData(nodeUrl(0), scale, log);
      log("nodes 2 and 3 rejoining (state transfer)…");
      for (const n of ["2", "3"]) {
        const r = galera("revive", n);
        if (r.status !== 0) throw new Error(`scripts/galera.sh revive ${n} failed:\n${r.stdout}`);
      }
    }
    for (let i = 0; i < 3; i++) await ensureBufferPool(nodeUrl(i), bufferPoolMiB, log);
    const o = { names, steps, duration, warmup };

    // 1. One instance on the single server.
    const singlePool = createPool({ ...connectionOptions(singleUrl), connectionLimit: 4 });
    pools.push(singlePool);
    const single = await startApp(singleUrl, portBase);
    apps.push(single);
    const singleDb = await serverPid(singleUrl);
    const singleResults = await runSide("single", [single], singleDb ? [singleDb] : [], singlePool, o, log);
    await stopChild(single.child);

    // 2. Two instances, each preferring its own node.
    const clusterPool = createPool({ ...connectionOptions(nodeUrl(0)), connectionLimit: 4 });
    pools.push(clusterPool);
    const A = await startApp(clusterUrl(0), portBase + 1);
    // Both behind one public origin, as behind a load balancer (a form posted to either passes the origin check).
    const B = await startApp(clusterUrl(1), portBase + 2, { APP_ORIGIN: A.base });
    apps.push(A, B);
    const dbPids = [1, 2, 3].map((n) => Number(readFileSync(path.join(dir, `node${n}`, "mysqld.pid"), "utf8").trim()));
    const clusterResults = await runSide("cluster", [A, B], dbPids, clusterPool, o, log);

    for (const name of names)
      for (const c of steps) {
        const s = singleResults.get(`${name}@${c}`);
        const k = clusterResults.get(`${name}@${c}`);
        rows.push({
          scenario: name,
          connections: c,
          single: typeof s === "object" ? s : null,
          cluster: typeof k === "object" ? k : null,
          reason: typeof s === "string" ? s : typeof k === "string" ? k : undefined,
        });
      }

    // 3. A node killed under load.
    const reads = (await buildSpecs(["orders-list"], A, clusterPool)).get("orders-list");
    if (reads && "specs" in reads) kill = await killNode(A, B, reads.specs, galera, log);
  } finally {
    for (const app of apps) await stopChild(app.child);
    for (const p of pools) await p.promise().end();
    galera(a.has("wipe") ? "wipe" : "stop");
  }

  const report: ClusterReport = {
    generatedAt: new Date().toISOString(),
    scale,
    machine,
    settings: { durationSeconds: duration, warmupSeconds: warmup, steps, scenarios: names, bufferPoolMiB },
    rows,
    kill,
  };
  const outDir = path.resolve(a.get("out") ?? path.join(root, "tests", "bench", "results"));
  mkdirSync(outDir, { recursive: true });
  const stem = path.join(outDir, `${report.generatedAt.slice(0, 10)}-cluster-${scaleLabel(scale)}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  const md = renderMarkdown(report);
  writeFileSync(`${stem}.md`, md);
  console.log(`\n${md}`);
  console.log(`Report: ${path.relative(root, stem)}.md and .json`);
  const failed = rows.some((r) => (r.single?.non2xx ?? 0) + (r.cluster?.non2xx ?? 0) > 0) || (kill?.fiveHundreds ?? 0) > 0 || kill?.servedAgainMs === null;
  return failed ? 1 : 0;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    process.exit(await runClusterBench(process.argv.slice(2)));
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
