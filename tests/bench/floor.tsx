/**
 * The floor the benchmark compares Dealer Desk to: a bare node:http server (no
 * framework) that, for each read scenario, runs the SQL the real page ran (as
 * captured with DB_CAPTURE_SQL for a few representative requests; rotated per
 * request) through a mysql2 pool, and answers
 *   GET /html/<scenario>  the rows rendered as a page of tables with React's
 *                         renderToString (production mode), or
 *   GET /json/<scenario>  the rows as JSON (for reference).
 * It is what any server must at least do for the page: the same queries and a
 * React render of the same rows, without routing, loaders, sessions, layout or
 * hydration data. Run as a child process by bench.ts:
 *   NODE_ENV=production tsx tests/bench/floor.tsx --port P --url mysql://… --queries file.json
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createPool } from "mysql2";
import { createElement as h, Fragment } from "react";
import { renderToString } from "react-dom/server";
import { connectionOptions, parseArgs } from "./data";

export type CapturedStatement = { sql: string; parameters: unknown[] };
/** scenario → variants (one per captured request) → statements */
export type CapturedQueries = Record<string, { path: string; statements: CapturedStatement[] }[]>;

/** Only reads are replayed: session touches, audit rows and other writes are not part of a page's floor. */
export function isReplayable(sqlText: string): boolean {
  return /^\s*(select|with)\b/i.test(sqlText);
}

export function reviveParameters(ps: unknown[]): unknown[] {
  return ps.map((p) => (p && typeof p === "object" && "$date" in p ? new Date(String((p as { $date: string }).$date)) : p));
}

const numberFmt = new Intl.NumberFormat("zh-CN");
function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 16).replace("T", " ");
  if (typeof v === "number") return numberFmt.format(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

type Rows = Record<string, unknown>[];

/** A page of tables: one per statement's result set, a header row of column names and a row per result row. */
export function FloorPage({ title, results }: { title: string; results: Rows[] }) {
  return h(
    "html",
    { lang: "zh-CN" },
    h("head", null, h("meta", { charSet: "utf-8" }), h("title", null, title)),
    h(
      "body",
      null,
      h(
        "main",
        null,
        h("h1", null, title),
        ...results.map((rows, i) => {
          const cols = rows.length ? Object.keys(rows[0]!) : [];
          return h(
            Fragment,
            { key: i },
            h(
              "table",
              null,
              h("thead", null, h("tr", null, ...cols.map((c) => h("th", { key: c }, c)))),
              h("tbody", null, ...rows.map((r, j) => h("tr", { key: j }, ...cols.map((c) => h("td", { key: c }, cell(r[c])))))),
            ),
          );
        }),
      ),
    ),
  );
}

const isMain = process.argv[1] && /floor\.tsx$/.test(process.argv[1]);
if (isMain) {
  const a = parseArgs(process.argv.slice(2));
  const port = Number(a.get("port"));
  const captured = JSON.parse(readFileSync(a.get("queries")!, "utf8")) as CapturedQueries;
  const pool = createPool({ ...connectionOptions(a.get("url")!), connectionLimit: Number(a.get("pool") ?? 10), waitForConnections: true });
  pool.on("connection", (c) => c.query("SET time_zone = '+00:00'"));
  const prepared = new Map(
    Object.entries(captured).map(([name, variants]) => [
      name,
      variants.map((v) => v.statements.filter((s) => isReplayable(s.sql)).map((s) => ({ sql: s.sql, parameters: reviveParameters(s.parameters) }))),
    ]),
  );
  const counters = new Map<string, number>();
  const run = (sqlText: string, params: unknown[]) =>
    new Promise<Rows>((resolve, reject) =>
      pool.query(sqlText, params, (err, rows) => (err ? reject(err) : resolve(Array.isArray(rows) ? (rows as Rows) : []))),
    );

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let peak = process.memoryUsage.rss();
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50).unref();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://floor");
    if (url.pathname === "/__metrics") {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          pid: process.pid,
          rss,
          peakRss: peak,
          cpuMicros: process.cpuUsage().user + process.cpuUsage().system,
          eventLoopDelayMs: { mean: ms(delay.mean), p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        }),
      );
      if (url.searchParams.get("reset") === "1") {
        delay.reset();
        peak = rss;
      }
      return;
    }
    const m = /^\/(html|json)\/([\w-]+)$/.exec(url.pathname);
    const variants = m ? prepared.get(m[2]!) : undefined;
    if (!m || !variants?.length) {
      res.writeHead(404).end();
      return;
    }
    const k = counters.get(m[2]!) ?? 0;
    counters.set(m[2]!, k + 1);
    try {
      const results: Rows[] = [];
      for (const s of variants[k % variants.length]!) results.push(await run(s.sql, s.parameters));
      if (m[1] === "json") {
        const body = JSON.stringify(results);
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
        res.end(body);
      } else {
        const body = `<!DOCTYPE html>${renderToString(h(FloorPage, { title: m[2]!, results }))}`;
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(body) });
        res.end(body);
      }
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((err as Error).message));
    }
  };
  const server = createServer((req, res) => void handleRequest(req, res));
  server.keepAliveTimeout = 5_000;
  server.listen(port, "127.0.0.1", () => console.log(`floor listening on ${port}`));
  const stop = () => server.close(() => pool.end(() => process.exit(0)));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
