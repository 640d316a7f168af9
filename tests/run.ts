/**
 * `npm test`: typecheck, format (prettier --check), lint (type-aware), dead exports (knip), production build, then every vitest test
 * (unit, HTTP-level, browser) against the real database. Ends with the
 * plain `N passed, N failed` line CI reads.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
const report = path.join(root, "tests", "artifacts", "vitest-report.json");
const ok = step("tests", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra], {
  ...process.env,
  NODE_ENV: "test",
});

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { status: string; message?: string }[];
  };
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = r.numPendingTests + r.numTodoTests;
  // A file that failed to load counts as a failure too.
  failed += r.testResults.filter((f) => f.status === "failed" && f.message).length;
}
if (!ok && failed === 0) failed = 1;
failed += failedSteps;
console.log("");
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
