/**
 * Times each role dashboard's domain function and every SQL statement it runs,
 * straight against a bench database (no HTTP, no rendering):
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/dd_bench_1 npx tsx tests/bench/probe-dashboards.ts [rounds]
 *
 * Prints, per dashboard, the wall time of each round and the slowest statements
 * of the last round. A diagnostic beside the benchmark (which measures the pages).
 */
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CompiledQuery } from "kysely";

const capture = path.join(os.tmpdir(), `dd-probe-${process.pid}.jsonl`);
process.env.DB_CAPTURE_SQL = capture;
process.env.JOBS = "off";

type Line = { sql: string; ms: number; parameters: unknown[] };

async function main() {
  const rounds = Number(process.argv[2] ?? 3);
  const { getDb } = await import("../../db/client");
  const { accountManagerDashboard, dealerDashboard, financeDashboard, opsDashboard } = await import("../../app/modules/reports/reports.server");
  const { dealerMeasureList, dealerMeasures, managerRanking } = await import("../../app/modules/sellout/measures.server");
  const { forgetSnapshots } = await import("../../app/utils/snapshots.server");
  const { actorForUserId } = await loadActor();
  const db = getDb();
  const dealer = await db
    .selectFrom("users")
    .select("id")
    .where("email", "=", process.env.PROBE_DEALER ?? "admin@b0001.bench.local")
    .executeTakeFirstOrThrow();
  const am = await db.selectFrom("users").select("id").where("role", "=", "account_manager").orderBy("id").executeTakeFirstOrThrow();
  const ops = await db.selectFrom("users").select("id").where("role", "=", "ops").orderBy("id").executeTakeFirstOrThrow();
  const fin = await db.selectFrom("users").select("id").where("role", "=", "finance").orderBy("id").executeTakeFirstOrThrow();
  const admin = await db.selectFrom("users").select("id").where("role", "=", "admin").orderBy("id").executeTakeFirstOrThrow();
  const runs: [string, () => Promise<unknown>][] = [
    ["dealer", async () => dealerDashboard(await actorForUserId(dealer.id), {})],
    ["account_manager", async () => accountManagerDashboard(await actorForUserId(am.id), {})],
    ["ops", async () => opsDashboard(await actorForUserId(ops.id))],
    ["finance", async () => financeDashboard(await actorForUserId(fin.id))],
    // The dealer-profit measures (issue #24), each round computed afresh (not from the shared snapshot).
    ["measures-dealer", async () => dealerMeasures(await actorForUserId(dealer.id), (await actorForUserId(dealer.id)).dealerId!, { lists: "dashboard" })],
    ["measures-page", async () => dealerMeasures(await actorForUserId(dealer.id), (await actorForUserId(dealer.id)).dealerId!, { lists: "page" })],
    ["measures-am", async () => dealerMeasureList(await actorForUserId(am.id), { page: 1 })],
    ["measures-ranking", async () => managerRanking(await actorForUserId(admin.id), { by: "marginBp", page: 1 })],
  ];
  const only = process.env.PROBE_ONLY?.split(",");
  for (const [name, run] of runs) {
    if (only && !only.includes(name)) continue;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      rmSync(capture, { force: true });
      forgetSnapshots();
      const t = performance.now();
      await run();
      times.push(Math.round(performance.now() - t));
    }
    const lines = readFileSync(capture, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    const sum = lines.reduce((a, l) => a + l.ms, 0);
    console.log(`\n${name}: ${times.join(" / ")} ms wall (${lines.length} statements, Σ ${sum.toFixed(1)} ms)`);
    // Each statement again, alone and one after another (the page runs them in parallel):
    // the median of 5 runs is its own cost, without the others competing for the CPU.
    const serial: { ms: number; sql: string }[] = [];
    for (const l of lines) {
      const params = l.parameters.map((v) => (v && typeof v === "object" && "$date" in v ? new Date((v as { $date: string }).$date) : v));
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await db.executeQuery(CompiledQuery.raw(l.sql, params));
        runs.push(performance.now() - t);
      }
      serial.push({ ms: runs.sort((a, b) => a - b)[2]!, sql: l.sql });
    }
    console.log(`  serial Σ of medians ${serial.reduce((a, x) => a + x.ms, 0).toFixed(1)} ms`);
    for (const l of serial.sort((a, b) => b.ms - a.ms).slice(0, 6))
      console.log(`  ${l.ms.toFixed(1).padStart(8)} ms  ${l.sql.replace(/\s+/g, " ").slice(0, 150)}`);
  }
  rmSync(capture, { force: true });
  await db.destroy();
}

async function loadActor() {
  const { getDb } = await import("../../db/client");
  return {
    actorForUserId: async (id: number) => {
      const u = await getDb()
        .selectFrom("users as u")
        .innerJoin("organisations as o", "o.id", "u.organisation_id")
        .select(["u.id", "u.role", "u.organisation_id", "u.name", "u.email", "o.kind"])
        .where("u.id", "=", id)
        .executeTakeFirstOrThrow();
      const dealerRole = u.kind === "dealer";
      return {
        kind: "user" as const,
        userId: u.id,
        role: u.role as never,
        organisationId: u.organisation_id,
        dealerId: dealerRole ? u.organisation_id : null,
        name: u.name,
        email: u.email,
        locale: "en" as const,
        ip: null,
      };
    },
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
