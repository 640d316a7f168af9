import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client";
import { actorFor, createCast } from "../tests/factories";
import { queueManualRun } from "../app/modules/notifications/jobs.server";
import { startRunner, type Runner } from "./runner";

const started: Runner[] = [];
afterEach(async () => {
  for (const r of started.splice(0)) await r.stop();
  vi.useRealTimers();
});
const quiet = () => {};

async function until<T>(fn: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("job runner", () => {
  it("picks up a run queued from /admin/jobs; with two runners polling it runs once", async () => {
    const cast = await createCast();
    const a = await startRunner({ schedules: false, catchUp: false, pollMs: 30, owner: "runner-a", log: quiet });
    const b = await startRunner({ schedules: false, catchUp: false, pollMs: 30, owner: "runner-b", log: quiet });
    started.push(a, b);
    await queueManualRun(actorFor(cast.staff.admin), "session-cleanup");
    const row = await until(async () => getDb().selectFrom("job_runs").selectAll().where("status", "=", "succeeded").executeTakeFirst());
    expect(row).toMatchObject({ job_name: "session-cleanup", trigger_kind: "manual", attempts: 1 });
    expect(["runner-a", "runner-b"]).toContain(row.owner);
    await a.idle();
    await b.idle();
    expect(await getDb().selectFrom("job_runs").selectAll().execute()).toHaveLength(1);
  });

  it("catches up the day's, week's and month's missed slots on start, and a restart does not repeat them", async () => {
    await createCast();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T03:00:00Z")); // Monday 11:00 in Shanghai
    const first = await startRunner({ schedules: false, pollMs: 60_000, owner: "runner-a", log: quiet });
    started.push(first);
    await first.idle();
    const slots = async () =>
      (await getDb().selectFrom("job_runs").select(["job_name", "slot", "status"]).orderBy("job_name").execute()).map(
        (r) => `${r.job_name} ${r.slot} ${r.status}`,
      );
    expect(await slots()).toEqual([
      "deal-protection 2026-11-23 succeeded",
      "digest-daily 2026-11-23 succeeded",
      "digest-weekly 2026-W48 succeeded",
      expect.stringMatching(/^monthly-statements 2026-11 (skipped|succeeded)$/),
      "promotion-rebates 2026-11 succeeded",
      "sellout-reminders 2026-11-23 succeeded",
      "statement-reminders 2026-11-23 succeeded",
    ]);
    await first.stop();
    const second = await startRunner({ schedules: false, pollMs: 60_000, owner: "runner-b", log: quiet });
    started.push(second);
    await second.idle();
    expect(await getDb().selectFrom("job_runs").select("id").execute()).toHaveLength(7);
  });

  it("schedules every job with node-cron and stops cleanly", async () => {
    const r = await startRunner({ catchUp: false, pollMs: 60_000, log: quiet });
    await r.stop();
    await r.stop(); // idempotent
  });
});
