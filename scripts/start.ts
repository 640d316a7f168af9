/**
 * `npm start`: the one command that runs the portal. Creates and migrates the
 * database, seeds the demo into an empty one (unless SEED_DEMO=false), builds
 * when the build is missing or stale, then serves (and runs the jobs unless JOBS=off).
 */
process.env.NODE_ENV ??= "production";

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  if (process.env.DEV_SKIP_BUILD) return;
  const buildFile = path.join(root, "build", "index.js");
  const sources = Math.max(
    newestMtime(path.join(root, "app")),
    statSync(path.join(root, "db")).mtimeMs,
    statSync(path.join(root, "remix.config.js")).mtimeMs,
    statSync(path.join(root, "tailwind.config.ts")).mtimeMs,
  );
  // `npm run dev` leaves a development build behind; only a build marked production is served.
  const marker = path.join(root, "build", ".production");
  if (existsSync(buildFile) && existsSync(marker) && statSync(buildFile).mtimeMs >= sources) return;
  console.log("Building the portal (remix build)…");
  const r = spawnSync(path.join(root, "node_modules", ".bin", "remix"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) {
    console.error("The build failed; see the messages above.");
    process.exit(1);
  }
  writeFileSync(marker, new Date().toISOString());
}

const { env, EnvError } = await import("../app/utils/env.server");
let e: ReturnType<typeof env>;
try {
  e = env();
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const { migrateToLatest, describeConnectError } = await import("../db/migrate");
try {
  await migrateToLatest(e.DATABASE_URL);
} catch (err) {
  console.error(describeConnectError(e.DATABASE_URL, err));
  process.exit(1);
}

const { getDb } = await import("../db/client");
const { isEmpty, seedDemo, DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET } = await import("../db/seed/index");
let seeded = false;
if (e.SEED_DEMO && (await isEmpty(getDb()))) {
  console.log("Empty database: seeding the demo data…");
  await seedDemo(getDb(), (s) => console.log(`  ${s}`));
  seeded = true;
}

buildIfNeeded();

const { serve, onShutdown } = await import("../server");
// WEB_CONCURRENCY web processes (one per core by default); the jobs run here, once.
await serve();
if (e.JOBS === "on") {
  const runnerPath = path.join(root, "jobs", "runner.ts");
  if (existsSync(runnerPath)) {
    const { startRunner } = (await import(pathToFileURL(runnerPath).href)) as { startRunner: () => Promise<{ stop: () => Promise<void> }> };
    const runner = await startRunner();
    onShutdown(() => runner.stop());
  }
}
console.log("");
console.log(`Dealer Desk is running at ${e.APP_ORIGIN}`);
if (e.SEED_DEMO) {
  console.log(`Demo logins (password ${DEMO_PASSWORD})${seeded ? "" : " — seeded earlier"}:`);
  for (const l of DEMO_LOGINS) console.log(`  ${l.email.padEnd(34)} ${l.role.padEnd(16)} ${l.who}`);
  console.log(`Manufacturer logins also ask for a two-factor code: demo TOTP secret ${DEMO_TOTP_SECRET}`);
  console.log(`  (add it to an authenticator app, or run \`npm run totp\` for the current code; dealer logins need none)`);
}
