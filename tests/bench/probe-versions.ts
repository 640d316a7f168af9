/**
 * Times the snapshot version statements (decision 112) straight against a bench database:
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/dd_bench_1 npx tsx tests/bench/probe-versions.ts [executions]
 *
 * For each statement: `executions` (200) sequential runs on one connection (mean and median
 * wall time, client round trip included), the InnoDB rows it reads per run (Handler_read_*),
 * and its EXPLAIN. Statements: decision 076's id rule (MAX(id) and the ids of the last 256,
 * kept here as text for the comparison), today's readVersions and readReferenceVersions, and
 * today's statements with the window moved back so that it holds `PROBE_WINDOW_ROWS` journal
 * rows (default 2,000 and 20,000), as under a write load that fills the window.
 */
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CompiledQuery, type Kysely } from "kysely";
import type { DB } from "../../db/types";

const capture = path.join(os.tmpdir(), `dd-probe-versions-${process.pid}.jsonl`);
process.env.DB_CAPTURE_SQL = capture;
process.env.JOBS = "off";

const ID_RULE = (t: string) => `(SELECT MAX(id) FROM ${t}), (SELECT COUNT(*) FROM ${t} WHERE id > (SELECT MAX(id) - 256 FROM ${t}))`;
const OLD_DATA = `SELECT ${["audit_log", "domain_events", "stock_movements", "ledger_entries"].map(ID_RULE).join(", ")}, (SELECT version FROM catalog_version WHERE id = 1) AS catalog`;
const OLD_REFERENCE = `SELECT ${ID_RULE("audit_log")}, (SELECT CAST(version AS CHAR) FROM catalog_version WHERE id = 1) AS catalog`;

type Captured = { sql: string; parameters: unknown[] };

async function main() {
  const n = Number(process.argv[2] ?? 200);
  const { getDb, closeDb } = await import("../../db/client");
  const { readVersions, readReferenceVersions, windowStart, WINDOW_MS, STEP_MS } = await import("../../app/utils/snapshots.server");
  const db = getDb();

  const lastCaptured = (): Captured => {
    const lines = readFileSync(capture, "utf8").trim().split("\n");
    const { sql, parameters } = JSON.parse(lines.at(-1)!) as Captured;
    return { sql, parameters: parameters.map((p) => (p && typeof p === "object" && "$date" in p ? new Date((p as { $date: string }).$date) : p)) };
  };
  const handlerReads = async (c: Kysely<DB>) => {
    const { rows } = await c.executeQuery<{ Variable_name: string; Value: string }>(CompiledQuery.raw("SHOW SESSION STATUS LIKE 'Handler_read%'"));
    return rows.reduce((s, r) => s + Number(r.Value), 0);
  };
  const time = async (label: string, run: (c: Kysely<DB>) => Promise<unknown>, explain: () => Captured) => {
    await db.connection().execute(async (c) => {
      for (let i = 0; i < 10; i++) await run(c); // warm-up
      const r0 = await handlerReads(c);
      await run(c);
      const r1 = await handlerReads(c);
      const reads = r1 - r0;
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await run(c);
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      const mean = ms.reduce((s, x) => s + x, 0) / ms.length;
      console.log(
        `\n## ${label}\n${n} executions: mean ${mean.toFixed(3)} ms, median ${ms[Math.floor(ms.length / 2)]!.toFixed(3)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]!.toFixed(3)} ms; handler reads per execution: ${reads}`,
      );
      const e = explain();
      const { rows } = await c.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`EXPLAIN ${e.sql}`, e.parameters));
      console.log("EXPLAIN:");
      for (const r of rows)
        console.log(`  ${r.id} ${r.select_type} ${r.table ?? ""} type=${r.type ?? ""} key=${r.key ?? ""} rows=${r.rows ?? ""} ${r.Extra ?? ""}`);
    });
  };

  const raw = (text: string) => (c: Kysely<DB>) => c.executeQuery(CompiledQuery.raw(text));
  await time("decision 076: readVersions (ids)", raw(OLD_DATA), () => ({ sql: OLD_DATA, parameters: [] }));
  await time("decision 076: readReferenceVersions (ids)", raw(OLD_REFERENCE), () => ({ sql: OLD_REFERENCE, parameters: [] }));
  await time("decision 112: readVersions (timestamps, window now)", (c) => readVersions(c), lastCaptured);
  await time("decision 112: readReferenceVersions (timestamps, window now)", (c) => readReferenceVersions(c), lastCaptured);

  // The window moved back until it holds about `rows` journal rows in all (as a write load would fill it).
  const realNow = Date.now;
  for (const rows of (process.env.PROBE_WINDOW_ROWS ?? "2000,20000").split(",").map(Number)) {
    const { rows: r } = await db.executeQuery<{ t: Date }>(
      CompiledQuery.raw(
        `SELECT t FROM (SELECT occurred_at AS t FROM audit_log UNION ALL SELECT occurred_at FROM domain_events UNION ALL SELECT created_at FROM stock_movements UNION ALL SELECT created_at FROM ledger_entries) j ORDER BY t DESC LIMIT 1 OFFSET ${rows - 1}`,
      ),
    );
    const since = r[0]?.t;
    if (!since) continue;
    const clock = since.getTime() + WINDOW_MS + STEP_MS / 2;
    Date.now = () => clock;
    console.log(`\n(window from ${windowStart().toISOString()}: ${(await readVersions(db)).data})`);
    await time(`decision 112: readVersions, ~${rows} rows in the window`, (c) => readVersions(c), lastCaptured);
    await time(`decision 112: readReferenceVersions, ~${rows} rows in the window`, (c) => readReferenceVersions(c), lastCaptured);
    Date.now = realNow;
  }
  await closeDb();
  rmSync(capture, { force: true });
}

await main();
