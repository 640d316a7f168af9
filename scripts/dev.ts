/**
 * `npm run dev`: rebuilds on change (remix watch) and restarts the server on each new build.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync, watch } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const envDev: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development" };
const bin = (n: string) => path.join(root, "node_modules", ".bin", n);

// The build about to be written is a development one: never serve it as production.
rmSync(path.join(root, "build", ".production"), { force: true });
const watcher = spawn(bin("remix"), ["watch"], { cwd: root, stdio: "inherit", env: envDev });
let server: ChildProcess | undefined;
let timer: NodeJS.Timeout | undefined;

function restart() {
  if (server) server.kill("SIGTERM");
  server = spawn(bin("tsx"), ["scripts/start.ts"], { cwd: root, stdio: "inherit", env: { ...envDev, DEV_SKIP_BUILD: "1" } });
}

const buildDir = path.join(root, "build");
const waitForBuild = setInterval(() => {
  if (!existsSync(path.join(buildDir, "index.js"))) return;
  clearInterval(waitForBuild);
  restart();
  watch(buildDir, () => {
    clearTimeout(timer);
    timer = setTimeout(restart, 300);
  });
}, 300);

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    watcher.kill(sig);
    server?.kill(sig);
    process.exit(0);
  });
}
