/**
 * The benchmark report: the JSON every figure lives in, the Markdown a person
 * reads (tests/bench/results/<date>-<scale>.md/.json), the targets of the
 * issues evaluated beside the figures, and a parser that reads both back.
 */
import { z } from "zod";
import { TARGETS, type Target } from "./scenarios";

const RunSchema = z.object({
  target: z.enum(["app", "floor-html", "floor-json", "app-2x"]),
  connections: z.number(),
  seconds: z.number(),
  requests: z.number(),
  rps: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  errors: z.number(),
  non2xx: z.number(),
  statuses: z.record(z.string(), z.number()),
  peakRssBytes: z.number().nullable(),
  eventLoopDelayP99Ms: z.number().nullable(),
  eventLoopDelayMaxMs: z.number().nullable(),
  /** The server process's CPU time (user + system) per completed request; the database's is not included. */
  cpuMsPerRequest: z.number().nullable().optional(),
  /**
   * Latency at the server: from the request entering a web process (Express's
   * first middleware) to its last byte handed to the socket, all workers merged.
   * Excludes the client's own time, the loopback and the wait in the socket
   * before the process reads the request.
   */
  serverP50: z.number().nullable().optional(),
  serverP95: z.number().nullable().optional(),
  serverP99: z.number().nullable().optional(),
});
export type Run = z.infer<typeof RunSchema>;

const ScenarioResultSchema = z.object({
  name: z.string(),
  title: z.string(),
  kind: z.enum(["read", "write"]),
  status: z.enum(["ok", "n/a", "failed"]),
  reason: z.string().optional(),
  requestsPrepared: z.number(),
  runs: z.array(RunSchema),
  capturedStatements: z.number().optional(),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;

const BatchSchema = z.object({
  name: z.string(),
  status: z.enum(["ok", "n/a", "failed"]),
  seconds: z.number().optional(),
  peakRssBytes: z.number().optional(),
  baseRssBytes: z.number().optional(),
  reason: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});
export type Batch = z.infer<typeof BatchSchema>;

const ScaleSchema = z.object({
  scale: z.number(),
  database: z.string(),
  data: z.object({ counts: z.record(z.string(), z.number()), bytes: z.number(), asOf: z.string(), generatedSeconds: z.number().nullable() }),
  scenarios: z.array(ScenarioResultSchema),
});
export type ScaleResult = z.infer<typeof ScaleSchema>;

const MultiSchema = z.object({
  status: z.enum(["ok", "n/a", "failed"]),
  reason: z.string().optional(),
  scenario: z.string().optional(),
  single: RunSchema.optional(),
  double: RunSchema.optional(),
  jobRunners: z.number(),
  jobRuns: z.object({ rows: z.number(), slots: z.number(), duplicates: z.number(), owners: z.number() }).nullable(),
});
export type Multi = z.infer<typeof MultiSchema>;

const TargetResultSchema = z.object({ id: z.string(), text: z.string(), verdict: z.enum(["pass", "short", "n/a"]), measured: z.string() });
export type TargetResult = z.infer<typeof TargetResultSchema>;

export const ReportSchema = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  mode: z.enum(["full", "smoke"]),
  machine: z.object({
    cpus: z.number(),
    cpuModel: z.string(),
    memoryBytes: z.number(),
    node: z.string(),
    mysql: z.string(),
    os: z.string(),
    innodbBufferPoolBytes: z.number(),
    load: z.array(z.number()),
  }),
  settings: z.object({
    steps: z.array(z.number()),
    durationSeconds: z.number().nullable(),
    warmupSeconds: z.number().nullable(),
    requestsPerRun: z.number().nullable(),
    scenarios: z.array(z.string()),
    webProcesses: z.number().optional(),
  }),
  primaryScale: z.number(),
  scales: z.array(ScaleSchema),
  batch: z.array(BatchSchema),
  csvExport: BatchSchema.nullable(),
  multi: MultiSchema.nullable(),
  targets: z.array(TargetResultSchema),
});
export type Report = z.infer<typeof ReportSchema>;

// ---------- targets ----------

const runAt = (s: ScenarioResult | undefined, target: Run["target"], c: number) => s?.runs.find((r) => r.target === target && r.connections === c);

export function floorRatio(s: ScenarioResult, c: number): number | null {
  const app = runAt(s, "app", c);
  const floor = runAt(s, "floor-html", c);
  return app && floor && floor.rps > 0 ? app.rps / floor.rps : null;
}

export function evaluateTargets(scale: ScaleResult, batch: Batch[], targets: Target[] = TARGETS): TargetResult[] {
  const byName = new Map(scale.scenarios.map((s) => [s.name, s]));
  const batchBy = new Map(batch.map((b) => [b.name, b]));
  return targets.map((t) => {
    const base = { id: t.id, text: t.text };
    if (t.metric === "seconds") {
      const b = batchBy.get(t.subject);
      if (!b || b.status !== "ok" || b.seconds === undefined)
        return { ...base, verdict: "n/a" as const, measured: b?.reason ? `n/a (${b.reason.split("\n")[0]!.slice(0, 120)})` : "n/a" };
      const size = t.size ? Number(b.detail[t.size.key] ?? 0) : 0;
      if (t.size && size > 0 && size < t.size.target) {
        const projected = (b.seconds * t.size.target) / size;
        return {
          ...base,
          verdict: projected <= t.max! ? ("pass" as const) : ("short" as const),
          measured: `${b.seconds.toFixed(1)} s for ${size.toLocaleString("en")} ${t.size.unit} → ${projected.toFixed(1)} s projected linearly to ${t.size.target.toLocaleString("en")}`,
        };
      }
      return {
        ...base,
        verdict: b.seconds <= t.max! ? ("pass" as const) : ("short" as const),
        measured: `${b.seconds.toFixed(1)} s${size ? ` for ${size.toLocaleString("en")} ${t.size!.unit}` : ""}`,
      };
    }
    const subjects = t.everyRead ? scale.scenarios.filter((s) => s.kind === "read") : [byName.get(t.subject)].filter((s): s is ScenarioResult => !!s);
    const measured: string[] = [];
    let verdict: TargetResult["verdict"] = "n/a";
    for (const s of subjects) {
      if (s.status !== "ok") continue;
      const run = runAt(s, "app", t.at!);
      if (!run) continue;
      if (run.requests === 0) {
        // Nothing completed in the window: a failed measurement, never a pass.
        verdict = "short";
        measured.push(`${t.everyRead ? `${s.name} ` : ""}no request completed ✗`);
        continue;
      }
      const v = t.metric === "p95" ? run.p95 : t.metric === "serverP95" ? (run.serverP95 ?? null) : floorRatio(s, t.at!);
      if (v === null) continue;
      const ok = t.max !== undefined ? v <= t.max : v >= t.min!;
      if (verdict === "n/a") verdict = "pass";
      if (!ok) verdict = "short";
      const shown =
        t.metric === "p95"
          ? `${v.toFixed(1)} ms`
          : t.metric === "serverP95"
            ? `${v.toFixed(1)} ms at the server (${run.p95.toFixed(1)} ms at the client)`
            : `${(v * 100).toFixed(0)} %`;
      measured.push(`${t.everyRead ? `${s.name} ` : ""}${shown}${ok ? "" : " ✗"}`);
    }
    const why = subjects.some((s) => s.status === "ok")
      ? `n/a (not measured at ${t.at} users)`
      : subjects.some((s) => s.status === "failed")
        ? "n/a (scenario failed)"
        : "n/a (page not built yet)";
    return { ...base, verdict, measured: measured.length ? measured.join("; ") : why };
  });
}

// ---------- Markdown ----------

const mib = (b: number | null | undefined) => (b === null || b === undefined ? "" : (b / 1048576).toFixed(0));
const f1 = (n: number) => n.toFixed(1);

export const SUMMARY_HEADER = [
  "scenario",
  "users",
  "req/s",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "server p95 ms",
  "errors",
  "non-2xx",
  "floor req/s",
  "vs floor",
  "floor JSON req/s",
  "peak RSS MiB",
  "loop delay p99 ms",
  "server CPU ms/req",
] as const;

function table(header: readonly string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map(
      (r) =>
        `| ${r
          .map((c) =>
            String(c)
              .replace(/\|/g, "/")
              .replace(/\s*\n\s*/g, " "),
          )
          .join(" | ")} |`,
    ),
  ].join("\n");
}

export function summaryRows(scale: ScaleResult): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const s of scale.scenarios) {
    if (s.status !== "ok") {
      rows.push([
        s.name,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        s.status === "n/a" ? `n/a (${s.reason ?? ""})` : `FAILED: ${(s.reason ?? "").split("\n")[0]!.slice(0, 160).replace(/\|/g, "/")}`,
      ]);
      continue;
    }
    for (const r of s.runs.filter((x) => x.target === "app")) {
      const fh = runAt(s, "floor-html", r.connections);
      const fj = runAt(s, "floor-json", r.connections);
      const ratio = floorRatio(s, r.connections);
      rows.push([
        s.name,
        r.connections,
        f1(r.rps),
        f1(r.p50),
        f1(r.p95),
        f1(r.p99),
        r.serverP95 == null ? "" : f1(r.serverP95),
        r.errors,
        r.non2xx,
        fh ? f1(fh.rps) : "",
        ratio === null ? "" : `${(ratio * 100).toFixed(0)} %`,
        fj ? f1(fj.rps) : "",
        mib(r.peakRssBytes),
        r.eventLoopDelayP99Ms === null ? "" : f1(r.eventLoopDelayP99Ms),
        r.cpuMsPerRequest == null ? "" : f1(r.cpuMsPerRequest),
      ]);
    }
  }
  return rows;
}

export function renderMarkdown(r: Report): string {
  const primary = r.scales.find((s) => s.scale === r.primaryScale)!;
  const m = r.machine;
  const out: string[] = [];
  out.push(`# Dealer Desk benchmark — scale ${r.primaryScale}${r.mode === "smoke" ? " (smoke)" : ""}, ${r.generatedAt.slice(0, 10)}`);
  out.push("");
  out.push(`Generated ${r.generatedAt} by \`npm run bench\`. Every figure is also in the JSON beside this file.`);
  out.push("");
  out.push("## Machine");
  out.push("");
  out.push(
    table(
      ["", ""],
      [
        ["CPU", `${m.cpus} × ${m.cpuModel}`],
        ["memory", `${(m.memoryBytes / 1073741824).toFixed(1)} GiB`],
        ["Node", m.node],
        ["MySQL", m.mysql],
        ["InnoDB buffer pool", `${mib(m.innodbBufferPoolBytes)} MiB`],
        ["OS", m.os],
        ["load average at start", m.load.map((x) => x.toFixed(2)).join(" ")],
      ],
    ),
  );
  out.push("");
  out.push(
    `Settings: concurrency steps ${r.settings.steps.join(", ")} (plus 20 where a target is stated at 20 users); ${r.settings.requestsPerRun ? `${r.settings.requestsPerRun} requests per run (smoke)` : `${r.settings.durationSeconds} s per run after a ${r.settings.warmupSeconds} s warm-up`}. Latency (p50/p95/p99) is measured at the client (autocannon, on the same machine, sharing its CPU); *server p95* is measured in the server, from the request entering a web process to its last byte written, all workers merged. ${r.settings.webProcesses ? `The server runs as ${r.settings.webProcesses === 1 ? "one process" : `${r.settings.webProcesses} web processes (WEB_CONCURRENCY, node:cluster)`}; ` : ""}peak RSS (summed over the server's processes) and event-loop delay (one worker's) are over the run.`,
  );
  out.push("");
  out.push("## Targets");
  out.push("");
  out.push(
    table(
      ["target", "verdict", "measured"],
      r.targets.map((t) => [t.text, t.verdict, t.measured.replace(/\|/g, "/")]),
    ),
  );
  out.push("");
  out.push(`## Pages and writes (scale ${primary.scale})`);
  out.push("");
  out.push(table(SUMMARY_HEADER, summaryRows(primary)));
  out.push("");
  out.push(
    "*floor*: a bare node:http server running the same SQL statements the page ran (captured) through mysql2 and rendering the rows with React's renderToString in production mode; *vs floor* = Dealer Desk req/s ÷ floor req/s at the same concurrency; *floor JSON*: the same rows as JSON; *server CPU ms/req*: the Dealer Desk processes' CPU time (user + system, all workers, from /proc) over the run divided by its completed requests — with 2 cores shared by server, database and load generator, this bounds throughput (the database's own CPU comes on top).",
  );
  out.push("");
  out.push("## Batch jobs");
  out.push("");
  const batches = [...r.batch, ...(r.csvExport ? [r.csvExport] : [])];
  out.push(
    table(
      ["batch", "status", "seconds", "peak RSS MiB", "RSS before MiB", "detail"],
      batches.map((b) => [
        b.name,
        b.status === "ok" ? "ok" : `${b.status}${b.reason ? ` (${b.reason.split("\n")[0]!.slice(0, 140).replace(/\|/g, "/")})` : ""}`,
        b.seconds === undefined ? "" : b.seconds.toFixed(2),
        mib(b.peakRssBytes),
        mib(b.baseRssBytes),
        JSON.stringify(b.detail).replace(/\|/g, "/").slice(0, 300),
      ]),
    ),
  );
  out.push("");
  out.push("## Two web servers and two job runners on one database");
  out.push("");
  if (!r.multi || r.multi.status !== "ok") out.push(`${r.multi?.status ?? "n/a"}${r.multi?.reason ? `: ${r.multi.reason}` : ""}`);
  else {
    const s = r.multi.single!;
    const d = r.multi.double!;
    out.push(
      table(
        ["setup", "users", "req/s", "p95 ms", "errors", "non-2xx"],
        [
          ["one server", s.connections, f1(s.rps), f1(s.p95), s.errors, s.non2xx],
          ["two servers, round robin", d.connections, f1(d.rps), f1(d.p95), d.errors, d.non2xx],
        ],
      ),
    );
    out.push("");
    out.push(
      `Scenario ${r.multi.scenario}; throughput ×${(d.rps / Math.max(s.rps, 1e-9)).toFixed(2)} with two servers (on ${m.cpus} cores shared with the database and the load generator).`,
    );
    out.push(
      r.multi.jobRuns
        ? `Job runners: ${r.multi.jobRunners}; job_runs rows during the run: ${r.multi.jobRuns.rows} in ${r.multi.jobRuns.slots} slots by ${r.multi.jobRuns.owners} owner(s); slots run more than once: ${r.multi.jobRuns.duplicates}.`
        : "Job runners: n/a (jobs/runner.ts not built yet).",
    );
  }
  out.push("");
  if (r.scales.length > 1) {
    out.push("## Growth with data");
    out.push("");
    const names = [...new Set(r.scales.flatMap((s) => s.scenarios.filter((x) => x.kind === "read").map((x) => x.name)))];
    const header = ["scenario @32", ...r.scales.flatMap((s) => [`p95 ms @${s.scale}`, `req/s @${s.scale}`])];
    out.push(
      table(
        header,
        names.map((n) => [
          n,
          ...r.scales.flatMap((s) => {
            const sc = s.scenarios.find((x) => x.name === n);
            const run = sc?.status === "ok" ? sc.runs.filter((x) => x.target === "app").sort((a, b) => b.connections - a.connections)[0] : undefined;
            return run ? [f1(run.p95), f1(run.rps)] : [sc?.status ?? "", ""];
          }),
        ]),
      ),
    );
    out.push("");
  }
  out.push("## Data sets");
  out.push("");
  const keys = [...new Set(r.scales.flatMap((s) => Object.keys(s.data.counts)))];
  out.push(
    table(
      ["", ...r.scales.map((s) => `scale ${s.scale}`)],
      [
        ...keys.map((k) => [k, ...r.scales.map((s) => (s.data.counts[k] ?? 0).toLocaleString("en"))]),
        ["size MiB", ...r.scales.map((s) => mib(s.data.bytes))],
        ["generated in s", ...r.scales.map((s) => (s.data.generatedSeconds === null ? "(existing)" : s.data.generatedSeconds.toFixed(1)))],
        ["as of", ...r.scales.map((s) => s.data.asOf)],
      ],
    ),
  );
  out.push("");
  return out.join("\n");
}

// ---------- reading it back ----------

export function parseReportJson(text: string): Report {
  return ReportSchema.parse(JSON.parse(text));
}

/** The "Pages and writes" table of a Markdown report, as rows keyed by the header. */
export function parseSummaryTable(md: string): Record<(typeof SUMMARY_HEADER)[number], string>[] {
  const start = md.indexOf("## Pages and writes");
  if (start < 0) throw new Error("no 'Pages and writes' section");
  const after = md.slice(start).split("\n").slice(1);
  const first = after.findIndex((l) => l.startsWith("|"));
  const end = after.findIndex((l, i) => i > first && !l.startsWith("|"));
  const lines = after.slice(first, end < 0 ? undefined : end);
  const split = (l: string) =>
    l
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  const header = split(lines[0]!);
  if (header.join("|") !== SUMMARY_HEADER.join("|")) throw new Error(`unexpected summary header: ${header.join(", ")}`);
  const rows: Record<string, string>[] = [];
  for (const l of lines.slice(2)) {
    const cells = split(l);
    if (cells.length !== header.length) throw new Error(`summary row with ${cells.length} cells: ${l}`);
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]!])));
  }
  return rows as Record<(typeof SUMMARY_HEADER)[number], string>[];
}
