/**
 * The job runner: node-cron schedules every job of the registry in
 * BUSINESS_TZ; each trigger claims its (job, slot) in job_runs before doing
 * any work, so however many runners run, each period runs once. Besides the
 * schedule it polls every few seconds for
 *   - manual runs queued from /admin/jobs ("run now"), and
 *   - runs whose runner died (lease expired), which it takes over,
 * and on start it catches up a daily/weekly/monthly slot missed while no
 * runner was up.
 *
 * `npm run jobs` runs it alone; `npm start` runs it beside the web server
 * unless JOBS=off.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { schedule, type ScheduledTask } from "node-cron";
import { env } from "../app/utils/env.server";
import { now } from "../app/utils/time";
import {
  claimQueuedRuns,
  claimSlot,
  claimStaleRuns,
  dueTimeInCurrentPeriod,
  executeClaim,
  newOwnerId,
  runScheduled,
  type Claim,
} from "../app/modules/notifications/jobs.server";
import { slotFor } from "../app/modules/notifications/slots";
import { REGISTRY, type RegisteredJob } from "./registry";
// The orders domain takes what arrives in stock (app/modules/stock/arrivals.server.ts): loaded here as the web build loads it,
// so a job that receives stock in this process serves waiting orders too.
import "../app/modules/orders/orders.server";

export type RunnerOptions = {
  /** How often to look for queued manual runs and dead runs (ms). */
  pollMs?: number;
  /** Start the cron schedules (tests may only want the poller). */
  schedules?: boolean;
  /** Catch up missed daily/weekly/monthly slots on start. */
  catchUp?: boolean;
  owner?: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
};

export type Runner = { stop(): Promise<void>; owner: string; idle(): Promise<void> };

const defaultLog = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ msg, ...extra }));

export async function startRunner(opts: RunnerOptions = {}): Promise<Runner> {
  const tz = env().BUSINESS_TZ;
  const owner = opts.owner ?? newOwnerId("runner");
  const log = opts.log ?? defaultLog;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];

  const track = <T>(p: Promise<T>) => {
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  const report = (job: RegisteredJob, slot: string, r: { status: string; error?: unknown } | null) => {
    if (!r) return;
    if (r.status === "failed") log("job failed", { job: job.name, slot, error: r.error instanceof Error ? r.error.message : String(r.error) });
    else if (job.period !== "minute") log("job finished", { job: job.name, slot, status: r.status });
  };

  const fire = (job: RegisteredJob, scheduledAt: Date) => {
    if (shutdown.signal.aborted) return Promise.resolve();
    return track(
      (async () => {
        const handler = await job.handler();
        const r = await runScheduled(job, handler, scheduledAt, { owner, shutdown: shutdown.signal });
        report(job, slotFor(job.period, scheduledAt, tz), r);
      })().catch((err) => log("job error", { job: job.name, error: err instanceof Error ? err.message : String(err) })),
    );
  };

  const execute = (job: RegisteredJob, claim: Claim) =>
    track(
      (async () => {
        const handler = await job.handler();
        const r = await executeClaim(job, handler, claim, { owner, shutdown: shutdown.signal });
        report(job, claim.slot, r);
      })().catch((err) => log("job error", { job: job.name, error: err instanceof Error ? err.message : String(err) })),
    );

  const byName = new Map(REGISTRY.map((j) => [j.name, j]));
  let polling = false;
  const poll = async () => {
    if (polling || shutdown.signal.aborted) return;
    polling = true;
    try {
      for (const { job, claim } of [...(await claimQueuedRuns(owner)), ...(await claimStaleRuns(owner))]) {
        const registered = byName.get(job.name);
        if (registered) void execute(registered, claim);
      }
    } catch (err) {
      log("job poll failed", { error: err instanceof Error ? err.message : String(err) });
    } finally {
      polling = false;
    }
  };

  if (opts.schedules !== false) {
    for (const job of REGISTRY) {
      tasks.push(schedule(job.cron, (ctx) => void fire(job, ctx.date), { timezone: tz, name: `dealer-desk:${job.name}`, noOverlap: true }));
    }
  }

  if (opts.catchUp !== false) {
    const at = now();
    for (const job of REGISTRY.filter((j) => j.catchUp)) {
      const due = dueTimeInCurrentPeriod(job, at, tz);
      if (!due) continue;
      // claimSlot is a no-op when the slot already ran (or is running elsewhere).
      const claim = await claimSlot(job, slotFor(job.period, due, tz), owner, "schedule").catch(() => null);
      if (claim) {
        log("job catch-up", { job: job.name, slot: claim.slot });
        void execute(job, claim);
      }
    }
  }

  const timer = setInterval(() => void poll(), opts.pollMs ?? 5_000);
  void poll();
  log("job runner started", { owner, timeZone: tz, jobs: REGISTRY.length });

  let stopping: Promise<void> | undefined;
  return {
    owner,
    /** Resolves when nothing is running (tests). */
    async idle() {
      while (inFlight.size || polling) await Promise.allSettled([...inFlight, new Promise((r) => setTimeout(r, 20))]);
    },
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(timer);
        for (const t of tasks) await t.destroy();
        // Let short runs finish; long ones are interrupted and released for another runner to resume.
        const grace = new Promise((r) => setTimeout(r, 10_000).unref());
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        shutdown.abort();
        await Promise.allSettled([...inFlight]);
        log("job runner stopped", { owner });
      })()),
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { EnvError } = await import("../app/utils/env.server");
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { migrateToLatest, describeConnectError } = await import("../db/migrate");
  try {
    await migrateToLatest(env().DATABASE_URL);
  } catch (err) {
    console.error(describeConnectError(env().DATABASE_URL, err));
    process.exit(1);
  }
  const { closeDb } = await import("../db/client");
  const runner = await startRunner();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.once(sig, () => {
      console.log(`${sig} received: stopping the job runner and closing the database pool.`);
      runner
        .stop()
        .then(() => closeDb())
        .then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
    });
  }
}
