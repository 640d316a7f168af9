/**
 * `npm test`: typecheck, format (prettier --check), lint (type-aware), dead exports (knip), production build, then every vitest test
 * (unit, HTTP-level, browser) against the real database. Ends with the
 * plain `N passed, N failed` line CI reads.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (n: string) => path.join(root, "node_modules", ".bin", n);
const extra = process.argv.slice(2);

function step(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  console.log(`${r.status === 0 ? "✓" : "✗"} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return r.status === 0;
}

/**
 * A fresh machine of this kind has no browser: install Debian's chromium (and a CJK font for readable
 * screenshots) when we can, or stop at once with one line saying what to install. Never download a browser.
 */
function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) return;
  const root = process.getuid?.() === 0;
  if (root && existsSync("/usr/bin/apt-get")) {
    console.log("Installing Debian's chromium and a CJK font for the browser tests…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const r = spawnSync("apt-get", ["install", "-y", "-qq", "chromium", "fonts-wqy-zenhei"], { stdio: "inherit", env });
    if (r.status === 0 && existsSync(chromium)) return;
  }
  console.log(`The browser tests need Debian's chromium at ${chromium}: run 'apt-get install chromium' as root (or set CHROMIUM_PATH).`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
ensureChromium();

let failedSteps = 0;
if (!extra.length) {
  if (!step("typecheck", bin("tsc"), ["--noEmit"])) failedSteps++;
  if (!step("format", bin("prettier"), ["--check", ".", "--log-level", "warn"])) failedSteps++;
  if (!step("lint", bin("eslint"), ["."])) failedSteps++;
  // Exports nothing imports (tests included) are dead code: knip lists them (knip.json names the entry points).
  if (!step("dead exports", bin("knip"), ["--include", "exports", "--no-progress", "--no-config-hints"])) failedSteps++;
}
if (!step("build", bin("remix"), ["build"], { ...process.env, NODE_ENV: "production" })) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}
writeFileSync(path.join(root, "build", ".production"), new Date().toISOString());

mkdirSync(path.join(root, "tests", "artifacts"), { recursive: true });

type Counts = { passed: number; failed: number; skipped: number };

/** One vitest run with its JSON report; a file that failed to load counts as a failure. */
function vitestRun(name: string, files: string[], env: NodeJS.ProcessEnv, reportName: string): Counts {
  const report = path.join(root, "tests", "artifacts", reportName);
  rmSync(report, { force: true });
  const ok = step(name, bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...files], { ...env, NODE_ENV: "test" });
  const c: Counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      testResults: { status: string; message?: string }[];
    };
    c.passed = r.numPassedTests;
    c.failed = r.numFailedTests + r.testResults.filter((f) => f.status === "failed" && f.message).length;
    c.skipped = r.numPendingTests + r.numTodoTests;
  }
  if (!ok && c.failed === 0) c.failed = 1;
  return c;
}

/**
 * The integrity and fault tests again, on a local three-node Galera cluster (scripts/galera.sh, issue #26):
 * tests/cluster (two web instances on two nodes, a node killed under load), tests/faults and the derived
 * figures' check, with the test process on node 1.
 */
function clusterRun(files: string[]): Counts {
  const basePort = Number(process.env.GALERA_BASE_PORT ?? 4400);
  const dir = mkdtempSync(path.join(os.tmpdir(), "dd-galera-"));
  const galera = (...args: string[]) =>
    spawnSync("bash", [path.join(root, "scripts", "galera.sh"), ...args, "--base-port", String(basePort), "--dir", dir], { cwd: root, encoding: "utf8" });
  console.log("\n▶ Galera cluster (three nodes on loopback)");
  const started = Date.now();
  const up = galera("start");
  console.log(`${up.status === 0 ? "✓" : "✗"} Galera cluster (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (up.status !== 0) {
    console.log(up.stdout, up.stderr);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  try {
    const nodes = [1, 2, 3].map((n) => basePort + n);
    return vitestRun(
      "tests on the Galera cluster",
      files,
      {
        ...process.env,
        TEST_DATABASE_URL: `mysql://root@127.0.0.1:${nodes[0]}/dd_cluster`,
        GALERA_NODES: nodes.join(","),
        GALERA_BASE_PORT: String(basePort),
        GALERA_DIR: dir,
      },
      "vitest-cluster-report.json",
    );
  } finally {
    galera("wipe");
  }
}

const isCluster = (f: string) => f.replace(/\\/g, "/").includes("tests/cluster");
const mainFiles = extra.filter((f) => !isCluster(f));
const clusterFiles = extra.length ? extra.filter(isCluster) : ["tests/cluster", "tests/faults", "db/derived.test.ts"];
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const add = (c: Counts) => {
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
};
if (!extra.length || mainFiles.length) add(vitestRun("tests", mainFiles, process.env, "vitest-report.json"));
if (clusterFiles.length && process.env.CLUSTER_TESTS !== "off") add(clusterRun(clusterFiles));
total.failed += failedSteps;
console.log("");
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exit(total.failed > 0 ? 1 : 0);
