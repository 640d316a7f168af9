/**
 * Keeps the benchmark from rotting (the full run is too long for CI):
 * the generator is deterministic and keeps every invariant at smoke scale, and
 * `npm run bench -- --smoke` runs end to end with a report the parser reads back.
 * Uses its own database (<test db>_bench_smoke) and ports (TEST_PORT_BASE + 300…302; see tests/setup/env.ts for every band).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { runChecks } from "../../db/check";
import { dropDatabase } from "../../db/migrate";
import { runBench, optionsFromArgs, serverLatency } from "./bench";
import { SMOKE_SCALE, benchDbUrl, generate, tableChecksums } from "./data";
import { findDataViolations } from "./invariants";
import { evaluateTargets, parseReportJson, parseSummaryTable, renderMarkdown, type Report } from "./report";
import { SCENARIOS, TARGETS } from "./scenarios";
import { testPortBase } from "../setup/env";

const testDb = new URL(process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/dealer_desk_test").pathname.slice(1) || "dealer_desk_test";
process.env.BENCH_DB_PREFIX = `${testDb}_bench_`;
const url = benchDbUrl(SMOKE_SCALE);
const AS_OF = "2026-11-23";
let passwordHash: string;

beforeAll(async () => {
  const { hashPassword } = await import("../../app/modules/auth/password.server");
  passwordHash = await hashPassword("BenchDesk!2026");
});

afterAll(async () => {
  if (!process.env.BENCH_KEEP_DB) await dropDatabase(url);
});

describe("the benchmark data generator", () => {
  it("is deterministic: the same seed gives the same rows, another seed other rows", async () => {
    const a = await generate({ url, scale: SMOKE_SCALE, seed: 7, asOf: AS_OF, passwordHash });
    const first = await tableChecksums(url);
    await generate({ url, scale: SMOKE_SCALE, seed: 8, asOf: AS_OF, passwordHash });
    const other = await tableChecksums(url);
    const b = await generate({ url, scale: SMOKE_SCALE, seed: 7, asOf: AS_OF, passwordHash });
    const again = await tableChecksums(url);
    expect(again).toEqual(first);
    expect(b.meta.counts).toEqual(a.meta.counts);
    expect(other.orders).not.toEqual(first.orders);
    expect(other.ledger_entries).not.toEqual(first.ledger_entries);
    // Every area's tables are filled, sized as the scale says.
    for (const t of [
      "organisations",
      "users",
      "products",
      "stock_levels",
      "stock_movements",
      "orders",
      "order_lines",
      "shipments",
      "ledger_entries",
      "statements",
      "statement_lines",
      "deals",
      "quotes",
      "domain_events",
    ]) {
      expect(first[t]!.rows, t).toBeGreaterThan(0);
    }
    expect(first.orders!.rows).toBe(400);
    expect(first.ledger_entries!.rows).toBeGreaterThanOrEqual(1_500);
    // Statements stop before the last complete month, which is left for the issue benchmark.
    expect(a.meta.unissuedPeriod).toBe("2026-10");
  }, 120_000);

  it("keeps every invariant of DESIGN.md (db:check and the bench's own checks)", async () => {
    const { db } = createDb(url, 2);
    try {
      const results = await runChecks(db);
      expect(results.filter((r) => !r.ok)).toEqual([]);
    } finally {
      await db.destroy();
    }
    const violations = await findDataViolations(url);
    expect(violations.filter((v) => v.rows.length > 0)).toEqual([]);
    expect(violations.length).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

describe("npm run bench -- --smoke", () => {
  let report: Report;
  let md: string;

  beforeAll(async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "dd-bench-smoke-"));
    const o = optionsFromArgs(["--smoke", "--out", out, "--port-base", String(testPortBase() + 300)]);
    o.log = () => {};
    const r = await runBench(o);
    report = parseReportJson(readFileSync(r.jsonPath, "utf8"));
    md = readFileSync(r.mdPath, "utf8");
  }, 240_000);

  it("writes a report naming every scenario, batch and target", () => {
    const scale = report.scales[0]!;
    expect(report.mode).toBe("smoke");
    expect(scale.scenarios.map((s) => s.name).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
    expect(report.batch.map((b) => b.name).sort()).toEqual([
      "csv-export-ledger",
      "digest-run",
      "promotion-rebates",
      "sellout-upload",
      "statements-issue",
      "stock-import",
    ]);
    expect(report.csvExport?.name).toBe("csv-export");
    expect(report.targets.map((t) => t.id)).toEqual(TARGETS.map((t) => t.id));
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.mysql).toMatch(/\d+\.\d+/);
  });

  it("measures every scenario whose page exists, with no errors and no unexpected statuses", () => {
    const scale = report.scales[0]!;
    const failed = scale.scenarios.filter((s) => s.status === "failed");
    expect(failed.map((s) => `${s.name}: ${s.reason}`)).toEqual([]);
    // The dealer dashboard exists from the foundation on: it is always measured, against its floor.
    const dash = scale.scenarios.find((s) => s.name === "dashboard-dealer")!;
    expect(dash.status).toBe("ok");
    expect(dash.runs.map((r) => r.target).sort()).toEqual(["app", "floor-html", "floor-json"]);
    expect(dash.capturedStatements).toBeGreaterThan(0);
    for (const s of scale.scenarios.filter((x) => x.status === "ok")) {
      expect(s.runs.length, s.name).toBeGreaterThan(0);
      for (const r of s.runs) {
        expect(r.errors, `${s.name} ${r.target}`).toBe(0);
        expect(r.non2xx, `${s.name} ${r.target} ${JSON.stringify(r.statuses)}`).toBe(0);
        expect(r.requests).toBeGreaterThan(0);
        expect(r.p95).toBeGreaterThanOrEqual(r.p50);
      }
      const app = s.runs.find((r) => r.target === "app")!;
      expect(app.peakRssBytes).toBeGreaterThan(10 * 1048576);
      expect(app.eventLoopDelayP99Ms).not.toBeNull();
      // Every worker answered with its request durations.
      expect(app.serverP95, s.name).toBeGreaterThan(0);
      expect(app.serverP99!).toBeGreaterThanOrEqual(app.serverP95!);
    }
    for (const s of scale.scenarios.filter((x) => x.status === "n/a")) expect(s.reason).toBeTruthy();
    for (const b of [...report.batch, report.csvExport!]) expect(b.status, `${b.name}: ${b.reason}`).not.toBe("failed");
    expect(report.multi?.status).toBe("ok");
    expect(report.multi!.double!.errors + report.multi!.double!.non2xx).toBe(0);
  });

  it("writes Markdown whose summary table the parser reads back, row for row", () => {
    const rows = parseSummaryTable(md);
    const scale = report.scales[0]!;
    const expected = scale.scenarios.reduce((n, s) => n + (s.status === "ok" ? s.runs.filter((r) => r.target === "app").length : 1), 0);
    expect(rows).toHaveLength(expected);
    const dash = rows.find((r) => r.scenario === "dashboard-dealer")!;
    const run = scale.scenarios.find((s) => s.name === "dashboard-dealer")!.runs.find((r) => r.target === "app")!;
    expect(Number(dash["req/s"])).toBeCloseTo(run.rps, 0);
    expect(dash["vs floor"]).toMatch(/^\d+ %$/);
    for (const s of scale.scenarios.filter((x) => x.status === "n/a")) expect(rows.find((r) => r.scenario === s.name)!["loop delay p99 ms"]).toContain("n/a");
  });
});

describe("targets", () => {
  const run = (connections: number, p95: number, rps: number, target: "app" | "floor-html" = "app", serverP95: number | null = p95) => ({
    target,
    connections,
    seconds: 1,
    requests: 100,
    rps,
    p50: p95 / 2,
    p95,
    p99: p95,
    max: p95,
    errors: 0,
    non2xx: 0,
    statuses: { 200: 100 },
    peakRssBytes: null,
    eventLoopDelayP99Ms: null,
    eventLoopDelayMaxMs: null,
    serverP95,
  });
  const scale = (runs: ReturnType<typeof run>[]) => ({
    scale: 1,
    database: "x",
    data: { counts: {}, bytes: 0, asOf: AS_OF, generatedSeconds: null },
    scenarios: [{ name: "stock-search", title: "", kind: "read" as const, status: "ok" as const, requestsPrepared: 1, runs }],
  });

  it("passes, falls short or is n/a from the measured figures", () => {
    const good = evaluateTargets(scale([run(20, 80, 300), run(32, 90, 400), run(32, 0, 1000, "floor-html")]), [
      { name: "stock-import", status: "ok", seconds: 12, detail: { rows: 20_000 } },
    ]);
    const by = (r: typeof good, id: string) => r.find((t) => t.id === id)!;
    expect(by(good, "stock-search-p95").verdict).toBe("pass");
    expect(by(good, "read-floor-ratio").verdict).toBe("pass");
    expect(by(good, "read-p95").verdict).toBe("pass");
    expect(by(good, "stock-import").verdict).toBe("pass");
    expect(by(good, "orders-list-p95").verdict).toBe("n/a");
    expect(by(good, "digest-run").verdict).toBe("n/a");
    const bad = evaluateTargets(scale([run(20, 120, 300), run(32, 150, 100), run(32, 0, 1000, "floor-html")]), [
      { name: "stock-import", status: "ok", seconds: 45, detail: { rows: 20_000 } },
      { name: "statements-issue", status: "ok", seconds: 5, detail: { entriesInPeriod: 50_000 } },
    ]);
    expect(by(bad, "stock-search-p95").verdict).toBe("short");
    expect(by(bad, "read-floor-ratio")).toMatchObject({ verdict: "short", measured: "stock-search 10 % ✗" });
    expect(by(bad, "read-p95").verdict).toBe("short");
    expect(by(bad, "stock-import").verdict).toBe("short");
    // A smaller shape than the target's is projected linearly: 5 s for 50,000 entries → 100 s for 1,000,000.
    expect(by(bad, "statements-issue")).toMatchObject({ verdict: "short", measured: expect.stringContaining("100.0 s projected") });
    // A run in which no request completed is a failed measurement, never a pass.
    const none = evaluateTargets(scale([{ ...run(20, 0, 0), requests: 0 }, run(32, 90, 400), run(32, 0, 1000, "floor-html")]), []);
    expect(by(none, "stock-search-p95")).toMatchObject({ verdict: "short", measured: "no request completed ✗" });
    // The stock search is stated at the server: its server-side p95 decides, the client's is shown beside it.
    const atServer = evaluateTargets(scale([run(20, 130, 300, "app", 90), run(32, 130, 300, "app", 95)]), []);
    expect(by(atServer, "stock-search-p95")).toMatchObject({ verdict: "pass", measured: "90.0 ms at the server (130.0 ms at the client)" });
    expect(by(atServer, "read-p95").verdict).toBe("short");
    const slowServer = evaluateTargets(scale([run(20, 90, 300, "app", 101)]), []);
    expect(by(slowServer, "stock-search-p95")).toMatchObject({ verdict: "short", measured: "101.0 ms at the server (90.0 ms at the client) ✗" });
    // Without server timings (a worker did not answer) there is no verdict.
    expect(by(evaluateTargets(scale([run(20, 90, 300, "app", null)]), []), "stock-search-p95").verdict).toBe("n/a");
  });

  it("merges the workers' server-side durations before taking percentiles, and gives none for a partial set", () => {
    const one = Array.from({ length: 90 }, (_, i) => i + 1); // 1..90
    const two = Array.from({ length: 10 }, (_, i) => 200 + i); // 200..209
    expect(serverLatency([{ durations: one }, { durations: two }], 2)).toEqual({ serverP50: 50, serverP95: 204, serverP99: 208 });
    expect(serverLatency([{ durations: one }], 2)).toEqual({ serverP50: null, serverP95: null, serverP99: null });
    expect(serverLatency([{ durations: one }, {}], 2).serverP95).toBeNull();
  });

  it("renders a report the parsers read", () => {
    const r: Report = {
      version: 1,
      generatedAt: "2026-11-23T00:00:00.000Z",
      mode: "full",
      machine: { cpus: 2, cpuModel: "x", memoryBytes: 1, node: "v20", mysql: "10.11", os: "Linux", innodbBufferPoolBytes: 1, load: [0, 0, 0] },
      settings: { steps: [1, 8, 32], durationSeconds: 10, warmupSeconds: 3, requestsPerRun: null, scenarios: ["stock-search"] },
      primaryScale: 1,
      scales: [scale([run(1, 10, 50), run(32, 90, 400), run(32, 0, 1000, "floor-html")])],
      batch: [],
      csvExport: null,
      multi: null,
      targets: [],
    };
    const text = renderMarkdown(r);
    expect(parseReportJson(JSON.stringify(r))).toEqual(r);
    const rows = parseSummaryTable(text);
    expect(rows.map((x) => [x.users, x["p95 ms"], x["vs floor"]])).toEqual([
      ["1", "10.0", ""],
      ["32", "90.0", "40 %"],
    ]);
    expect(() => parseReportJson(JSON.stringify({ ...r, version: 2 }))).toThrow();
  });
});
