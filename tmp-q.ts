import { createPool } from "mysql2/promise";
const pool = createPool({ host: "127.0.0.1", user: "root", database: "dd_bench_1", connectionLimit: 4 });
const J = ["audit_log", "domain_events", "stock_movements", "ledger_entries"];
const full = "SELECT " + J.map((t) => `(SELECT MAX(id) FROM ${t}), (SELECT COUNT(*) FROM ${t} WHERE id > (SELECT MAX(id) - 256 FROM ${t}))`).join(", ") + ", (SELECT version FROM catalog_version WHERE id = 1)";
const maxOnly = "SELECT " + J.map((t) => `(SELECT MAX(id) FROM ${t})`).join(", ") + ", (SELECT version FROM catalog_version WHERE id = 1)";
const one = "SELECT 1";
import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
const mpid = execSync("pgrep -x mariadbd").toString().trim();
const mcpu = () => { const f = readFileSync(`/proc/${mpid}/stat`, "utf8").split(" "); return (Number(f[13]) + Number(f[14])) * 10; };
for (const [name, q] of [["select1", one], ["maxOnly", maxOnly], ["full", full]] as const) {
  const N = 4000; const m0 = mcpu(); const c0 = process.cpuUsage(); const t = performance.now();
  await Promise.all([0, 1, 2, 3].map(async () => { for (let i = 0; i < N / 4; i++) await pool.query(q); }));
  const c = process.cpuUsage(c0);
  console.log(name, "mariadb ms/q", ((mcpu() - m0) / N).toFixed(3), "node ms/q", ((c.user + c.system) / 1000 / N).toFixed(3), "wall", ((performance.now() - t) / N).toFixed(3));
}
await pool.end();
