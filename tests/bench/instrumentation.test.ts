/**
 * The benchmark's opt-in instrumentation: GET /__metrics only with
 * BENCH_METRICS, and the SQL capture the floor replays only with DB_CAPTURE_SQL.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { isReplayable, reviveParameters } from "./floor";

/** The app with BENCH_METRICS=true on a free port (the afterEach below resets the environment). */
async function metricsServer() {
  process.env.BENCH_METRICS = "true";
  const { resetEnv } = await import("../../app/utils/env.server");
  resetEnv();
  const { createApp, loadBuild } = await import("../../server");
  const { app } = createApp(await loadBuild());
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

describe("GET /__metrics", () => {
  afterEach(async () => {
    delete process.env.BENCH_METRICS;
    const { resetEnv } = await import("../../app/utils/env.server");
    resetEnv();
  });

  it("does not exist unless BENCH_METRICS is set", async () => {
    const { startTestServer } = await import("../helpers/http");
    const { url } = await startTestServer();
    const res = await fetch(`${url}/__metrics`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).not.toContain("json");
  });

  it("answers RSS, its peak and event-loop delay with BENCH_METRICS=true, and resets the window", async () => {
    const { base, stop } = await metricsServer();
    try {
      const first = (await (await fetch(`${base}/__metrics?reset=1`)).json()) as {
        rss: number;
        peakRss: number;
        eventLoopDelayMs: { p99: number; max: number };
      };
      expect(first.rss).toBeGreaterThan(10 * 1048576);
      expect(first.peakRss).toBeGreaterThanOrEqual(first.rss);
      expect(first.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(0);
      const second = (await (await fetch(`${base}/__metrics`)).json()) as { eventLoopDelayMs: { p50: number; p99: number; max: number } };
      expect(second.eventLoopDelayMs.max).toBeGreaterThanOrEqual(second.eventLoopDelayMs.p99);
      expect(second.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(second.eventLoopDelayMs.p50);
    } finally {
      stop();
    }
  });

  it("times every other request at the server, merges nothing itself, and starts a new window on reset", async () => {
    const { base, stop } = await metricsServer();
    type Timed = { serverMs: { count: number; p50: number; p95: number; max: number }; durations?: number[] };
    try {
      await fetch(`${base}/__metrics?reset=1`);
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/no-such-page`)).status).toBe(404);
      // A request is timed when its last byte is handed to the socket ("finish"), which the server may record just
      // after the client already has the response and asks for the figures: wait until all four are in.
      await expect.poll(async () => ((await (await fetch(`${base}/__metrics`)).json()) as Timed).serverMs.count).toBe(4);
      const m = (await (await fetch(`${base}/__metrics?durations=1&reset=1`)).json()) as Timed;
      // Four requests, not the /__metrics calls themselves.
      expect(m.serverMs.count).toBe(4);
      expect(m.durations).toHaveLength(4);
      expect(Math.min(...m.durations!)).toBeGreaterThan(0);
      // The largest duration (sent to 3 decimals) and max (2 decimals) are both rounded from the same
      // measurement: they agree to within that rounding, not to the digit (14.2049 → 14.205 and 14.20).
      expect(m.serverMs.max).toBeCloseTo(Math.max(...m.durations!), 1);
      expect(m.serverMs.p95).toBeLessThanOrEqual(m.serverMs.max);
      const after = (await (await fetch(`${base}/__metrics`)).json()) as Timed;
      expect(after.serverMs.count).toBe(0);
      expect(after.durations).toBeUndefined();
    } finally {
      stop();
    }
  });
});

describe("DB_CAPTURE_SQL", () => {
  it("appends each statement with its parameters (dates kept as dates) for the floor to replay", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "dd-capture-")), "sql.jsonl");
    const { db } = createDb(process.env.DATABASE_URL!, 1, { captureFile: file });
    try {
      const since = new Date("2026-01-02T03:04:05.678Z");
      await db.selectFrom("users").select(["id", "email"]).where("created_at", ">", since).where("role", "=", "ops").execute();
      await db.updateTable("users").set({ name: "x" }).where("id", "=", -1).execute();
      const lines = readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { sql: string; parameters: unknown[] });
      expect(lines).toHaveLength(2);
      expect(lines[0]!.sql).toMatch(/^select .*from `users`/);
      expect(lines[0]!.parameters).toEqual([{ $date: "2026-01-02T03:04:05.678Z" }, "ops"]);
      expect(reviveParameters(lines[0]!.parameters)).toEqual([since, "ops"]);
      expect(isReplayable(lines[0]!.sql)).toBe(true);
      expect(isReplayable(lines[1]!.sql)).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  it("is off by default, like /__metrics", async () => {
    const { env } = await import("../../app/utils/env.server");
    expect(env().DB_CAPTURE_SQL).toBeUndefined();
    expect(env().BENCH_METRICS).toBe(false);
  });
});
