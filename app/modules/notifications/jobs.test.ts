import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, createManufacturer } from "../../../tests/factories";
import { jobDefinition } from "./jobs.catalog";
import {
  claimQueuedRuns,
  claimSlot,
  claimStaleRuns,
  dueTimeInCurrentPeriod,
  executeClaim,
  heartbeat,
  jobsOverview,
  listRuns,
  queueManualRun,
  runScheduled,
  type JobHandler,
} from "./jobs.server";
import { isoWeek, periodStart, previousMonth, slotFor } from "./slots";

const TZ = "Asia/Shanghai";
afterEach(() => vi.useRealTimers());

function useClock(start: Date) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(start);
  return { advance: (ms: number) => vi.setSystemTime(new Date(Date.now() + ms)) };
}

const runs = () => getDb().selectFrom("job_runs").selectAll().orderBy("id").execute();

describe("slots", () => {
  it("names the period in the business time zone", () => {
    // 2026-11-23 00:30 in Shanghai is still the 22nd in UTC.
    const t = new Date("2026-11-22T16:30:00Z");
    expect(slotFor("day", t, TZ)).toBe("2026-11-23");
    expect(slotFor("day", t, "UTC")).toBe("2026-11-22");
    expect(slotFor("hour", t, TZ)).toBe("2026-11-23T00");
    expect(slotFor("minute", t, TZ)).toBe("2026-11-23T00:30");
    expect(slotFor("month", new Date("2026-11-30T16:00:00Z"), TZ)).toBe("2026-12");
    expect(slotFor("week", t, TZ)).toBe("2026-W48");
  });

  it("maps a trigger a few seconds early or late (clock skew) to the same slot", () => {
    const due = new Date("2026-11-23T00:00:00Z"); // 08:00 Shanghai
    const early = new Date(due.getTime() - 3_000);
    const late = new Date(due.getTime() + 4_000);
    for (const p of ["minute", "hour", "day", "week", "month"] as const) {
      expect(slotFor(p, early, TZ)).toBe(slotFor(p, due, TZ));
      expect(slotFor(p, late, TZ)).toBe(slotFor(p, due, TZ));
    }
    // Midnight boundary: 23:59:58 on the 22nd is the daily run of the 23rd.
    expect(slotFor("day", new Date("2026-11-22T15:59:58Z"), TZ)).toBe("2026-11-23");
  });

  it("ISO weeks, period starts and the previous month", () => {
    expect(isoWeek("2027-01-01")).toEqual({ year: 2026, week: 53 });
    expect(isoWeek("2026-01-01")).toEqual({ year: 2026, week: 1 });
    expect(periodStart("week", new Date("2026-11-26T04:00:00Z"), TZ).toISOString()).toBe("2026-11-22T16:00:00.000Z"); // Monday 23rd 00:00 CST
    expect(previousMonth("2026-01")).toBe("2025-12");
    expect(previousMonth("2026-11")).toBe("2026-10");
  });

  it("finds a slot missed earlier in the current period (catch-up), not one still to come", () => {
    const daily = jobDefinition("digest-daily"); // 08:00
    expect(dueTimeInCurrentPeriod(daily, new Date("2026-11-23T03:00:00Z"), TZ)?.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(dueTimeInCurrentPeriod(daily, new Date("2026-11-22T23:00:00Z"), TZ)).toBeNull(); // 07:00 CST
    const monthly = jobDefinition("monthly-statements");
    expect(dueTimeInCurrentPeriod(monthly, new Date("2026-11-15T03:00:00Z"), TZ)?.toISOString()).toBe("2026-10-31T18:00:00.000Z");
  });
});

describe("exactly once per period", () => {
  it("two runners triggered together for the same slot run the job once", async () => {
    await createManufacturer();
    const job = jobDefinition("digest-daily");
    let calls = 0;
    const handler: JobHandler = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      return { message: { key: "jobs.result.digest", params: { emails: 1, skipped: 0, empty: 0, users: 1 } } };
    };
    const at = new Date("2026-11-23T00:00:00Z");
    const skewed = new Date(at.getTime() + 2_500); // the second runner's clock is 2.5 s ahead
    const [a, b] = await Promise.all([runScheduled(job, handler, at, { owner: "runner-a" }), runScheduled(job, handler, skewed, { owner: "runner-b" })]);
    expect(calls).toBe(1);
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
    // A restart later in the period does not repeat it either.
    expect(await runScheduled(job, handler, at, { owner: "runner-c" })).toBeNull();
    const rows = await runs();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ job_name: "digest-daily", slot: "2026-11-23", status: "succeeded", attempts: 1, trigger_kind: "schedule" });
    expect(JSON.parse(rows[0]!.result!)).toMatchObject({
      summary: "1 digests written, 0 skipped (already sent for this period), 0 with nothing new — 1 users",
    });
    expect(rows[0]!.finished_at).toBeInstanceOf(Date);
  });

  it("records failures with their error and progress in the history", async () => {
    const cast = await createCast();
    const job = jobDefinition("deal-protection");
    const handler: JobHandler = async (ctx) => {
      await ctx.progress("12/40 deals");
      throw new Error("database went away");
    };
    const r = await runScheduled(job, handler, new Date("2026-11-22T17:00:00Z"), { owner: "runner-a" });
    expect(r?.status).toBe("failed");
    const [row] = await runs();
    expect(row).toMatchObject({ status: "failed", progress: "12/40 deals", slot: "2026-11-23" });
    expect(row!.error).toContain("database went away");
    const list = await listRuns(actorFor(cast.staff.admin), { page: 1 });
    expect(list.rows[0]).toMatchObject({ jobName: "deal-protection", status: "failed", progress: "12/40 deals" });
    expect(list.rows[0]!.durationMs).toBeGreaterThanOrEqual(0);
    const overview = await jobsOverview(actorFor(cast.staff.admin));
    expect(overview.jobs.find((j) => j.name === "deal-protection")!.last).toMatchObject({ status: "failed" });
    expect(overview.jobs.find((j) => j.name === "digest-daily")!.nextRun).toBeInstanceOf(Date);
    await expect(listRuns(actorFor(cast.staff.ops), { page: 1 })).rejects.toMatchObject({ status: 403 });
  });

  it("a run whose runner died is taken over after its lease expires (fake clock), once", async () => {
    await createManufacturer();
    const clock = useClock(new Date("2026-11-23T00:00:05Z"));
    const job = jobDefinition("digest-daily");
    const claimA = await claimSlot(job, "2026-11-23", "runner-a");
    expect(claimA).toMatchObject({ attempt: 1 });
    // Runner A dies here: no heartbeat, no finish. While its lease holds, nobody else may run the slot.
    expect(await claimSlot(job, "2026-11-23", "runner-b")).toBeNull();
    expect(await claimStaleRuns("runner-b")).toEqual([]);
    clock.advance(job.leaseMs + 1_000);
    // Two runners notice at the same time: the conditional UPDATE lets one win.
    const [b, c] = await Promise.all([claimSlot(job, "2026-11-23", "runner-b"), claimStaleRuns("runner-c")]);
    const winners = [b, ...c.map((x) => x.claim)].filter(Boolean);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ attempt: 2, slot: "2026-11-23", trigger: "recovery" });
    const [row] = await runs();
    expect(row).toMatchObject({ attempts: 2, status: "running" });
    expect(row!.owner).toMatch(/runner-[bc]/);
    // Runner A coming back to life finds it lost the run.
    expect(await heartbeat(claimA!.runId, "runner-a", job.leaseMs)).toBe(false);
  });

  it("the taken-over run finishes; runner A cannot overwrite its outcome", async () => {
    await createManufacturer();
    const clock = useClock(new Date("2026-11-23T00:00:05Z"));
    const job = jobDefinition("stale-orders");
    const a = await claimSlot(job, "2026-11-23T08", "runner-a");
    clock.advance(job.leaseMs + 1);
    const { claim } = (await claimStaleRuns("runner-b"))[0]!;
    const done = await executeClaim(job, async (ctx) => ({ message: { key: "jobs.result.staleOrders", params: { orders: ctx.attempt, emails: 0 } } }), claim, {
      owner: "runner-b",
    });
    expect(done.status).toBe("succeeded");
    // Runner A tries to finish its old claim: nothing changes.
    const lateA = await executeClaim(job, async () => ({ message: { key: "jobs.result.staleOrders", params: { orders: 99, emails: 99 } } }), a!, {
      owner: "runner-a",
    });
    expect(lateA.status).toBe("succeeded");
    const [row] = await runs();
    expect(row).toMatchObject({ status: "succeeded", owner: "runner-b", attempts: 2 });
    expect(JSON.parse(row!.result!).message.params.orders).toBe(2);
  });

  it("gives up on a run that died three times", async () => {
    await createManufacturer();
    const clock = useClock(new Date("2026-11-23T00:00:05Z"));
    const job = jobDefinition("digest-daily");
    await claimSlot(job, "2026-11-23", "r1");
    for (const r of ["r2", "r3"]) {
      clock.advance(job.leaseMs + 1);
      expect(await claimSlot(job, "2026-11-23", r)).not.toBeNull();
    }
    clock.advance(job.leaseMs + 1);
    expect(await claimSlot(job, "2026-11-23", "r4")).toBeNull();
    const [row] = await runs();
    expect(row).toMatchObject({ status: "failed", attempts: 3 });
    expect(row!.error).toMatch(/Abandoned/);
  });
});

describe("run now", () => {
  it("admin queues a manual run (slot manual:<timestamp>); exactly one runner claims it", async () => {
    const cast = await createCast();
    const admin = actorFor(cast.staff.admin);
    const { runId } = await queueManualRun(admin, "session-cleanup");
    await expect(queueManualRun(admin, "session-cleanup")).rejects.toMatchObject({ status: 409 });
    await expect(queueManualRun(actorFor(cast.staff.ops), "session-cleanup")).rejects.toMatchObject({ status: 403 });
    await expect(queueManualRun(admin, "no-such-job")).rejects.toMatchObject({ status: 404 });
    let [row] = await runs();
    expect(row).toMatchObject({ id: runId, status: "queued", trigger_kind: "manual" });
    expect(row!.slot).toMatch(/^manual:\d+$/);
    const [a, b] = await Promise.all([claimQueuedRuns("runner-a"), claimQueuedRuns("runner-b")]);
    expect(a.length + b.length).toBe(1);
    const { job, claim } = [...a, ...b][0]!;
    const owner = a.length ? "runner-a" : "runner-b";
    let period = "";
    await executeClaim(
      job,
      async (ctx) => {
        period = ctx.period;
        return { message: { key: "jobs.result.cleanup", params: { sessions: 0, throttles: 0, runs: 0 } } };
      },
      claim,
      { owner },
    );
    expect(period).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}$/); // a manual run works for the current period
    [row] = await runs();
    expect(row).toMatchObject({ status: "succeeded", attempts: 1 });
    const audit = await getDb().selectFrom("audit_log").select(["action", "entity_id"]).where("action", "=", "job.run_requested").execute();
    expect(audit).toEqual([{ action: "job.run_requested", entity_id: "session-cleanup" }]);
  });
});
