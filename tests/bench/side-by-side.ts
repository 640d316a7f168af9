/**
 * Two versions of Dealer Desk under the same load at the same time: the working tree and a git
 * ref (default HEAD), each as one web process on the benchmark data, each loaded by its own
 * `autocannon` with the same connections for the same seconds. Reports each server's CPU per
 * request (its process tree, from /proc) and its requests. Because both run in the same seconds
 * on the same cores, a change in the machine's speed (which moves a single run by up to half
 * here) moves both alike: this is how a code change is measured, where `npm run bench` measures
 * the product against its targets.
 *
 *   npx tsx tests/bench/side-by-side.ts --user sales@b0001.bench.local --path /orders --path /settings
 *     [--base <git ref> (HEAD)] [--seconds 10] [--connections 10] [--scale 1] [--rounds 1]
 *
 * The ref is checked out once into a worktree beside the system's temp dir, with this checkout's
 * node_modules hard-linked and then `npm install`ed to its own package.json; both are built.
 * Needs the benchmark data (`npm run bench:data -- --scale N`).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { benchDbUrl } from "./data";
import { sampleTree } from "./bench";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PASSWORD = "BenchDesk!2026";

type Side = { name: string; dir: string; port: number; child?: ChildProcess; cookie?: string };

function args(argv: string[]) {
  const paths: string[] = [];
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!.replace(/^--/, "");
    const v = argv[++i];
    if (v === undefined) throw new Error(`--${k} needs a value`);
    if (k === "path") paths.push(v);
    else o[k] = v;
  }
  if (!o.user || paths.length === 0)
    throw new Error("usage: side-by-side.ts --user <email> --path <path> [--path …] [--base ref] [--seconds 10] [--connections 10] [--scale 1] [--rounds 1]");
  return {
    user: o.user,
    paths,
    base: o.base ?? "HEAD",
    seconds: Number(o.seconds ?? 10),
    connections: Number(o.connections ?? 10),
    scale: Number(o.scale ?? 1),
    rounds: Number(o.rounds ?? 1),
  };
}

const run = (cmd: string, argv: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(cmd, argv, { cwd, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } })
    .toString()
    .trim();

/** A worktree of `ref` with its own dependencies and a production build (made once per commit). */
function prepareRef(ref: string): string {
  const sha = run("git", ["rev-parse", "--verify", `${ref}^{commit}`], root);
  const dir = path.join(os.tmpdir(), `dealer-desk-side-${sha.slice(0, 12)}`);
  if (!existsSync(path.join(dir, "build", ".side-ready"))) {
    if (!existsSync(dir)) run("git", ["worktree", "add", "--detach", dir, sha], root);
    if (!existsSync(path.join(dir, "node_modules"))) run("cp", ["-al", path.join(root, "node_modules"), path.join(dir, "node_modules")], root);
    // Development dependencies too (the build needs them), whatever NODE_ENV says.
    run("npm", ["install", "--include=dev", "--no-audit", "--no-fund", "--loglevel=error"], dir, { NODE_ENV: "development" });
    run(path.join(dir, "node_modules", ".bin", "remix"), ["build"], dir);
    writeFileSync(path.join(dir, "build", ".side-ready"), sha);
  }
  return dir;
}

async function start(side: Side, dbUrl: string) {
  const base = `http://127.0.0.1:${side.port}`;
  side.child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: side.dir,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      PORT: String(side.port),
      HOST: "127.0.0.1",
      APP_ORIGIN: base,
      JOBS: "off",
      SEED_DEMO: "false",
      LOG_REQUESTS: "false",
      WEB_CONCURRENCY: "1",
    },
    stdio: "ignore",
  });
  for (let i = 0; i < 300; i++) {
    if (side.child.exitCode !== null) throw new Error(`${side.name} server exited (${side.child.exitCode})`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${side.name} server did not answer`);
}

async function signIn(side: Side, email: string) {
  const base = `http://127.0.0.1:${side.port}`;
  const r = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD }).toString(),
  });
  side.cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("dd_session="));
  if (!side.cookie) throw new Error(`${side.name}: sign-in of ${email} failed (${r.status})`);
}

const load = (side: Side, p: string, seconds: number, connections: number) =>
  autocannon({ url: `http://127.0.0.1:${side.port}${p}`, connections, duration: seconds, requests: [{ method: "GET", headers: { cookie: side.cookie! } }] });

async function main() {
  const o = args(process.argv.slice(2));
  const dbUrl = benchDbUrl(o.scale);
  console.log(`[side-by-side] preparing ${o.base}…`);
  const sides: Side[] = [
    { name: o.base, dir: prepareRef(o.base), port: 22120 },
    { name: "working tree", dir: root, port: 22121 },
  ];
  run(path.join(root, "node_modules", ".bin", "remix"), ["build"], root);
  try {
    await Promise.all(sides.map((s) => start(s, dbUrl)));
    await Promise.all(sides.map((s) => signIn(s, o.user)));
    console.log(`| path | ${sides.map((s) => `${s.name}: CPU ms/req (requests)`).join(" | ")} | change |`);
    console.log(`|---|${sides.map(() => "---:").join("|")}|---:|`);
    for (const p of o.paths) {
      for (let round = 0; round < o.rounds; round++) {
        await Promise.all(sides.map((s) => load(s, p, 5, o.connections)));
        const trees = sides.map((s) => sampleTree(s.child!.pid!));
        const results = await Promise.all(sides.map((s) => load(s, p, o.seconds, o.connections)));
        const cpu = trees.map((t, i) => t.stop().cpuMicros / 1000 / Math.max(1, results[i]!.requests.total));
        for (const [i, r] of results.entries()) if (r.non2xx || r.errors) throw new Error(`${sides[i]!.name} ${p}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        console.log(
          `| ${p} | ${results.map((r, i) => `${cpu[i]!.toFixed(2)} (${r.requests.total})`).join(" | ")} | ${(((cpu[1]! - cpu[0]!) / cpu[0]!) * 100).toFixed(0)} % |`,
        );
      }
    }
  } finally {
    for (const s of sides) s.child?.kill("SIGTERM");
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
