import { spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createUser, TEST_PASSWORD } from "../factories";
import { Client, type Res } from "../helpers/http";

const tsx = path.resolve("node_modules/.bin/tsx");

/** A GET on a new TCP connection (no keep-alive pool): the status, or the connection error. */
function freshGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<string | { code: string }>((resolve) => {
    const req = httpGet(url, { agent: false, headers }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ code: e.code ?? e.message }));
  });
}

function run(args: string[], env: Record<string, string>, opts: { until?: RegExp; signalAfterMatch?: NodeJS.Signals; timeoutMs?: number } = {}) {
  return new Promise<{ code: number | null; out: string; err: string; ms: number }>((resolve) => {
    const child = spawn(tsx, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let signalledAt = 0;
    const started = Date.now();
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.stdout.on("data", (d) => {
      out += d;
      if (opts.until && opts.signalAfterMatch && !signalledAt && opts.until.test(out)) {
        signalledAt = Date.now();
        child.kill(opts.signalAfterMatch);
      }
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: signalledAt ? Date.now() - signalledAt : Date.now() - started });
    });
  });
}

describe("the start command and the server process", () => {
  it("prints one clear line and exits non-zero when no MySQL server answers", async () => {
    const r = await run(["scripts/start.ts"], { DATABASE_URL: "mysql://root@127.0.0.1:1/dealer_desk", NODE_ENV: "production" });
    expect(r.code).toBe(1);
    const lines = r.err.split("\n").filter((l) => l.trim() && !l.includes("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/No MySQL\/MariaDB server answers at 127\.0\.0\.1:1\. Start MariaDB/);
  });

  it("names a bad environment variable and exits non-zero", async () => {
    const r = await run(["scripts/start.ts"], { SMTP_URL: "mail.example.com", NODE_ENV: "production" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("Invalid environment variable SMTP_URL");
  });

  it("exits cleanly on SIGTERM, closing the database pool", async () => {
    const port = String(Number(process.env.PORT) + 100);
    const r = await run(
      ["server.ts"],
      { PORT: port, APP_ORIGIN: `http://127.0.0.1:${port}`, NODE_ENV: "production" },
      { until: /listening/, signalAfterMatch: "SIGTERM" },
    );
    expect(r.out).toContain("SIGTERM received");
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("SIGTERM under load: the 20 requests in flight finish, new ones are refused, the pool closes, exit 0 within 10 s", async () => {
    const admin = await createUser("admin");
    const port = Number(process.env.PORT) + 160;
    const url = `http://127.0.0.1:${port}`;
    // The production server whose holiday.add units of work take 1.5 s before COMMIT (tests/faults/fault-server.ts).
    const child = spawn(process.execPath, ["--import", "tsx", "tests/faults/fault-server.ts"], {
      env: {
        ...process.env,
        PORT: String(port),
        APP_ORIGIN: url,
        NODE_ENV: "production",
        JOBS: "off",
        FAULT_LABEL: "^holiday\\.add$",
        FAULT_MODE: "delay",
        FAULT_DELAY_MS: "1500",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on("exit", (code) => resolve({ code, at: Date.now() })));
    const waitFor = (re: RegExp, n = 1) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`never saw ${re} ×${n}: ${out} ${err}`)), 60_000);
        const check = () => {
          if ((out.match(new RegExp(re.source, "g")) ?? []).length >= n) {
            clearTimeout(timer);
            child.stdout.off("data", check);
            resolve();
          }
        };
        child.stdout.on("data", check);
        check();
      });
    child.stdout.on("data", (d) => (out += d));
    try {
      await waitFor(/listening on/);
      const c = new Client(url);
      expect((await c.login(admin.email, TEST_PASSWORD)).status).toBe(302);
      const days = Array.from({ length: 20 }, (_, i) => `2031-0${1 + Math.floor(i / 10)}-${String(10 + (i % 10)).padStart(2, "0")}`);
      const inFlight = days.map((day) => c.post("/admin/holidays", { intent: "add", day, name: `Load ${day}` }).catch((e: unknown) => e as Error));
      // Every pooled connection (DB_POOL_SIZE) is inside a unit of work; the rest wait for one.
      await waitFor(/FAULT holiday\.add/, Number(process.env.DB_POOL_SIZE ?? 10));
      const signalledAt = Date.now();
      child.kill("SIGTERM");
      await waitFor(/SIGTERM received/);
      // New requests after SIGTERM, each on a new connection: refused (connection refused, or a 503 page).
      const late = await Promise.all([0, 1, 2].map(() => freshGet(`${url}/login`)));
      for (const r of late) expect(typeof r === "string" ? r : r.code).toMatch(/^(ECONNREFUSED|ECONNRESET|503)$/);
      const results = await Promise.all(inFlight);
      expect(results.map((r) => (r instanceof Error ? r.message : (r as Res).status))).toEqual(days.map(() => 200));
      const { code, at } = await exited;
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(10_000);
      // Every write that was in flight committed, once; the shutdown logged no errors (the pool closed after the last request).
      expect(await getDb().selectFrom("holidays").select("day").where("day", "in", days).execute()).toHaveLength(20);
      expect(err.split("\n").filter((l) => l.trim() && !l.includes("npm warn") && !l.includes("ExperimentalWarning"))).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);

  // A cluster left running by a failed or timed-out test would hold its port for the next run.
  const clusterGroups: number[] = [];
  afterEach(() => {
    for (const pgid of clusterGroups.splice(0)) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("WEB_CONCURRENCY=2: two worker processes share the port and the sessions, a dead worker is replaced, SIGTERM stops them all with exit 0", async () => {
    const admin = await createUser("admin");
    const port = Number(process.env.PORT) + 200;
    const url = `http://127.0.0.1:${port}`;
    // Its own process group, so that the primary and its workers can be stopped together
    // even when the test fails half way (see afterEach).
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      env: { ...process.env, PORT: String(port), APP_ORIGIN: url, NODE_ENV: "production", JOBS: "off", WEB_CONCURRENCY: "2", BENCH_METRICS: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    clusterGroups.push(child.pid!);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 300; i++) {
        if (await ok()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`never: ${what}\n${out}\n${err}`);
    };
    /** The pid of the worker that answers each of `n` new connections. */
    const pidsOver = async (n: number) => {
      const pids = new Set<number>();
      for (let i = 0; i < n; i++) {
        // A connection the primary hands to a worker as it dies is never answered: give up on it
        // after a moment (it counts as no answer) instead of waiting for ever.
        const r = await fetch(`${url}/__metrics`, { headers: { Connection: "close" }, signal: AbortSignal.timeout(3_000) }).catch(() => null);
        if (r?.ok) pids.add(((await r.json().catch(() => ({ pid: 0 }))) as { pid: number }).pid || 0);
        pids.delete(0);
      }
      return pids;
    };
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      await until("listening", () => /listening on .*2 web processes/.test(out));
      const first = await pidsOver(8);
      expect(first.size).toBe(2);
      expect(first.has(child.pid!)).toBe(false);

      // A session made through one worker is good on the other: new connections go round robin.
      const c = new Client(url);
      expect((await c.login(admin.email, TEST_PASSWORD)).status).toBe(302);
      const pages = await Promise.all(Array.from({ length: 6 }, () => freshGet(`${url}/admin/holidays`, { Cookie: c.cookieHeader() })));
      expect(pages).toEqual(pages.map(() => "200"));

      // A worker that dies is replaced; the port keeps answering.
      const [victim] = [...first];
      process.kill(victim!, "SIGKILL");
      await until("a replacement worker", async () => {
        const now = await pidsOver(6);
        return now.size === 2 && !now.has(victim!);
      });
      expect(err).toMatch(new RegExp(`Web worker ${victim} exited \\(signal SIGKILL\\); starting another`));

      const workers = [...(await pidsOver(8))];
      child.kill("SIGTERM");
      const started = Date.now();
      const stopped = await Promise.race([exited, new Promise<"still running">((r) => setTimeout(() => r("still running"), 20_000))]);
      expect(stopped, `after SIGTERM\n${out}\n${err}`).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(workers.filter(alive)).toEqual([]);
      expect((out.match(/SIGTERM received/g) ?? []).length).toBe(3);
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);
});
