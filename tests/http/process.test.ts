import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const tsx = path.resolve("node_modules/.bin/tsx");

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
    const r = await run(["server.ts"], { PORT: port, APP_ORIGIN: `http://127.0.0.1:${port}`, NODE_ENV: "production" }, { until: /listening/, signalAfterMatch: "SIGTERM" });
    expect(r.out).toContain("SIGTERM received");
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });
});
