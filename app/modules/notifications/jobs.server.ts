/**
 * Exactly-once job runs. Every run first claims (job name, slot) in job_runs,
 * whose unique key lets one claimant win however many runners try; the winner
 * heartbeats a lease while it works. A run whose runner died (lease expired)
 * is taken over by a conditional UPDATE that increments attempts, and the
 * job's own work is idempotent, so a takeover resumes rather than repeats.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { createTask, type ScheduledTask } from "node-cron";
import { sql } from "kysely";
import { db } from "../../../db/client";
import { translate, type MessageKey } from "~/i18n";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, systemActor, type Actor } from "~/modules/auth/actor";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { now } from "~/utils/time";
import { JOBS, isJobName, jobDefinition, type JobDefinition, type JobName } from "./jobs.catalog";
import { RUNS_PAGE_SIZE, countPending, findRunBySlot, latestRunPerJob, runColumns, runsQuery, type RunFilter } from "./jobs.queries.server";
import { isManualSlot, manualSlot, periodStart, slotFor } from "./slots";

export type Trigger = "schedule" | "manual" | "recovery";

export type JobContext = {
  runId: number;
  job: JobDefinition;
  slot: string;
  /** The period the work is for ("2026-11-23", "2026-W48", "2026-11"): the slot, or for a manual run the current period. */
  period: string;
  trigger: Trigger;
  attempt: number;
  /** The scheduled time (or the time a manual run was claimed). */
  scheduledAt: Date;
  actor: Actor;
  /** Aborted when the lease was lost to another runner or the runner shuts down. */
  signal: AbortSignal;
  /** This runner's name (job_runs.owner), also used for outbox claims. */
  owner: string;
  /** Reports progress into job_runs.progress (also renews the lease). */
  progress: (text: string) => Promise<void>;
};

/** What a run achieved: an i18n key with its parameters (shown at /admin/jobs in the reader's language) and details. */
export type JobOutcome = {
  status?: "succeeded" | "skipped";
  message: { key: MessageKey; params?: Record<string, string | number> };
  details?: Record<string, unknown>;
};
export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>;

export type Claim = { runId: number; attempt: number; slot: string; startedAt: Date; trigger: Trigger };

const MAX_ATTEMPTS = 3;
const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";
const isConflict = (err: unknown) => (err as { errno?: number }).errno === 1213;
const affected = (r: { numUpdatedRows?: bigint } | undefined) => Number(r?.numUpdatedRows ?? 0);
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A name for this process in job_runs.owner and outbox claims. */
export function newOwnerId(label = "runner"): string {
  return truncate(`${label}@${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`, 120);
}

async function manufacturerId(): Promise<number> {
  const row = await db.selectFrom("organisations").select("id").where("kind", "=", "manufacturer").executeTakeFirst();
  return row?.id ?? 0;
}

/**
 * Claims (job, slot): inserts the run, or takes over a run whose lease expired.
 * Returns null when someone else holds or has finished the slot.
 */
export async function claimSlot(job: JobDefinition, slot: string, owner: string, trigger: Trigger = "schedule"): Promise<Claim | null> {
  const t = now();
  // On a Galera cluster two runners on two nodes may insert the same slot at once: the loser's commit fails
  // certification (a deadlock error, 1213) rather than meeting the unique key, and it then reads the winner's row.
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const r = await db
        .insertInto("job_runs")
        .values({
          job_name: job.name,
          slot,
          trigger_kind: trigger,
          status: "running",
          owner,
          attempts: 1,
          started_at: t,
          heartbeat_at: t,
          lease_expires_at: new Date(t.getTime() + job.leaseMs),
        })
        .executeTakeFirstOrThrow();
      return { runId: Number(r.insertId), attempt: 1, slot, startedAt: t, trigger };
    } catch (err) {
      if (isDuplicate(err)) break;
      if (!isConflict(err) || attempt === 3) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt));
      if (await findRunBySlot(db, job.name, slot)) break;
    }
  }
  const existing = await findRunBySlot(db, job.name, slot);
  if (!existing || existing.status !== "running" || existing.lease_expires_at.getTime() >= t.getTime()) return null;
  return takeOver(job, existing.id, existing.attempts, owner);
}

/** Conditional UPDATE of a stale run: only one of several runners trying wins. */
async function takeOver(job: JobDefinition, runId: number, seenAttempts: number, owner: string): Promise<Claim | null> {
  const t = now();
  if (seenAttempts >= MAX_ATTEMPTS) {
    await db
      .updateTable("job_runs")
      .set({ status: "failed", finished_at: t, error: `Abandoned: the run stopped without finishing ${seenAttempts} times (runner crashed or was stopped).` })
      .where("id", "=", runId)
      .where("status", "=", "running")
      .where("lease_expires_at", "<", t)
      .where("attempts", "=", seenAttempts)
      .executeTakeFirst();
    return null;
  }
  const r = await db
    .updateTable("job_runs")
    .set({ owner, attempts: sql`attempts + 1`, heartbeat_at: t, lease_expires_at: new Date(t.getTime() + job.leaseMs), progress: null, error: null })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .where("lease_expires_at", "<", t)
    .where("attempts", "=", seenAttempts)
    .executeTakeFirst();
  if (affected(r) !== 1) return null;
  const row = await db.selectFrom("job_runs").select(["slot", "started_at", "trigger_kind"]).where("id", "=", runId).executeTakeFirstOrThrow();
  return { runId, attempt: seenAttempts + 1, slot: row.slot, startedAt: row.started_at, trigger: "recovery" };
}

/** Renews the lease; false when the run is no longer ours (taken over or finished). */
export async function heartbeat(runId: number, owner: string, leaseMs: number, progress?: string): Promise<boolean> {
  const t = now();
  const r = await db
    .updateTable("job_runs")
    .set({ heartbeat_at: t, lease_expires_at: new Date(t.getTime() + leaseMs), ...(progress !== undefined ? { progress: truncate(progress, 255) } : {}) })
    .where("id", "=", runId)
    .where("owner", "=", owner)
    .where("status", "=", "running")
    .executeTakeFirst();
  return affected(r) === 1;
}

async function finish(runId: number, owner: string, status: "succeeded" | "skipped" | "failed", result: Record<string, unknown> | null, error: string | null) {
  await db
    .updateTable("job_runs")
    .set({ status, finished_at: now(), result: result ? truncate(JSON.stringify(result), 60_000) : null, error: error ? truncate(error, 8000) : null })
    .where("id", "=", runId)
    .where("owner", "=", owner)
    .where("status", "=", "running")
    .execute();
}

/** Gives the run back (lease ends now) so another runner resumes it at once. */
async function release(runId: number, owner: string, note: string) {
  await db
    .updateTable("job_runs")
    .set({ lease_expires_at: now(), progress: truncate(note, 255) })
    .where("id", "=", runId)
    .where("owner", "=", owner)
    .where("status", "=", "running")
    .execute();
}

export type ExecuteOptions = { owner: string; scheduledAt?: Date; shutdown?: AbortSignal };

/** Runs a claimed slot: heartbeats, progress, outcome or error into job_runs. */
export async function executeClaim(
  job: JobDefinition,
  handler: JobHandler,
  claim: Claim,
  opts: ExecuteOptions,
): Promise<{ status: string; outcome?: JobOutcome; error?: unknown }> {
  const tz = env().BUSINESS_TZ;
  const manual = isManualSlot(claim.slot);
  const period = manual ? slotFor(job.period, claim.startedAt, tz) : claim.slot;
  const controller = new AbortController();
  const onShutdown = () => controller.abort(new Error("shutdown"));
  opts.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const beat = setInterval(
    () => {
      heartbeat(claim.runId, opts.owner, job.leaseMs).then(
        (ours) => {
          if (!ours) controller.abort(new Error("lease lost"));
        },
        () => {},
      );
    },
    Math.max(1000, Math.floor(job.leaseMs / 4)),
  );
  const ctx: JobContext = {
    runId: claim.runId,
    job,
    slot: claim.slot,
    period,
    trigger: claim.trigger,
    attempt: claim.attempt,
    scheduledAt: opts.scheduledAt ?? claim.startedAt,
    actor: systemActor(await manufacturerId(), `job:${job.name}`),
    signal: controller.signal,
    owner: opts.owner,
    progress: async (text) => {
      const ours = await heartbeat(claim.runId, opts.owner, job.leaseMs, text);
      if (!ours) controller.abort(new Error("lease lost"));
    },
  };
  try {
    const outcome = await handler(ctx);
    if (controller.signal.aborted) throw controller.signal.reason;
    const status = outcome.status ?? "succeeded";
    await finish(
      claim.runId,
      opts.owner,
      status,
      { message: outcome.message, summary: translate("en", outcome.message.key, outcome.message.params), ...(outcome.details ?? {}) },
      null,
    );
    return { status, outcome };
  } catch (err) {
    if (controller.signal.aborted && (controller.signal.reason as Error | undefined)?.message === "shutdown") {
      await release(claim.runId, opts.owner, "Interrupted by a shutdown; another runner resumes it.").catch(() => {});
      return { status: "interrupted", error: err };
    }
    if (controller.signal.aborted) return { status: "lost", error: err };
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    await finish(claim.runId, opts.owner, "failed", null, message).catch(() => {});
    return { status: "failed", error: err };
  } finally {
    clearInterval(beat);
    opts.shutdown?.removeEventListener("abort", onShutdown);
  }
}

/**
 * The scheduled path: the slot of the scheduled time in BUSINESS_TZ, claimed
 * once across every runner, then executed. Returns null when another runner had it.
 */
export async function runScheduled(job: JobDefinition, handler: JobHandler, scheduledAt: Date, opts: ExecuteOptions) {
  const slot = slotFor(job.period, scheduledAt, env().BUSINESS_TZ);
  const claim = await claimSlot(job, slot, opts.owner, "schedule");
  if (!claim) return null;
  return executeClaim(job, handler, claim, { ...opts, scheduledAt });
}

// ---------- manual runs: the web process queues, a runner claims ----------

/** Admin "run now": queues a run with slot manual:<timestamp>; the job runner picks it up within seconds. */
export async function queueManualRun(actor: Actor, name: string): Promise<{ runId: number }> {
  requirePermission(actor, "job:manage");
  if (!isJobName(name)) throw new NotFoundError();
  const pending = await countPending(db, name);
  if (Number(pending?.n ?? 0) > 0) throw new ConflictError("jobs.alreadyPending");
  const t = now();
  return db.transaction().execute(async (tx) => {
    const r = await tx
      .insertInto("job_runs")
      .values({
        job_name: name,
        slot: manualSlot(t),
        trigger_kind: "manual",
        status: "queued",
        owner: truncate(`requested by ${actor.email || actor.userId}`, 120),
        attempts: 0,
        started_at: t,
        heartbeat_at: t,
        lease_expires_at: t,
      })
      .executeTakeFirstOrThrow();
    const runId = Number(r.insertId);
    await audit(tx, actor, { action: "job.run_requested", entityType: "job", entityId: name, summary: { runId } });
    return { runId };
  });
}

/** Claims queued manual runs (conditional UPDATE: two runners never both get one). */
export async function claimQueuedRuns(owner: string, limit = 5): Promise<{ job: JobDefinition; claim: Claim }[]> {
  const rows = await db.selectFrom("job_runs").select(["id", "job_name"]).where("status", "=", "queued").orderBy("started_at").limit(limit).execute();
  const out: { job: JobDefinition; claim: Claim }[] = [];
  for (const row of rows) {
    if (!isJobName(row.job_name)) continue;
    const job = jobDefinition(row.job_name);
    const t = now();
    const r = await db
      .updateTable("job_runs")
      .set({ status: "running", owner, attempts: sql`attempts + 1`, started_at: t, heartbeat_at: t, lease_expires_at: new Date(t.getTime() + job.leaseMs) })
      .where("id", "=", row.id)
      .where("status", "=", "queued")
      .executeTakeFirst();
    if (affected(r) !== 1) continue;
    const full = await db.selectFrom("job_runs").select(["slot"]).where("id", "=", row.id).executeTakeFirstOrThrow();
    out.push({ job, claim: { runId: row.id, attempt: 1, slot: full.slot, startedAt: t, trigger: "manual" } });
  }
  return out;
}

/** Takes over runs whose runner died (lease expired), so their period still gets done. */
export async function claimStaleRuns(owner: string, limit = 5): Promise<{ job: JobDefinition; claim: Claim }[]> {
  const rows = await db
    .selectFrom("job_runs")
    .select(["id", "job_name", "attempts"])
    .where("status", "=", "running")
    .where("lease_expires_at", "<", now())
    .orderBy("lease_expires_at")
    .limit(limit)
    .execute();
  const out: { job: JobDefinition; claim: Claim }[] = [];
  for (const row of rows) {
    if (!isJobName(row.job_name)) continue;
    const job = jobDefinition(row.job_name);
    const claim = await takeOver(job, row.id, row.attempts, owner);
    if (claim) out.push({ job, claim });
  }
  return out;
}

// ---------- schedule arithmetic ----------

const matchers = new Map<string, ScheduledTask>();
/** A never-started node-cron task used only to compute matches in the business time zone. */
function matcher(job: JobDefinition, tz: string): ScheduledTask {
  const key = `${job.cron}|${tz}`;
  let m = matchers.get(key);
  if (!m) {
    m = createTask(job.cron, () => {}, { timezone: tz, name: `matcher:${job.name}:${tz}` });
    matchers.set(key, m);
  }
  return m;
}

function nextRunOf(job: JobDefinition, tz = env().BUSINESS_TZ): Date | null {
  return matcher(job, tz).getNextRuns(1)[0] ?? null;
}

/**
 * The first scheduled time of the current period when it has already passed
 * (for catch-up after a runner was down at that time), else null.
 */
export function dueTimeInCurrentPeriod(job: JobDefinition, at: Date, tz = env().BUSINESS_TZ): Date | null {
  const m = matcher(job, tz);
  const start = periodStart(job.period, at, tz).getTime();
  for (let t = start; t <= at.getTime(); t += 60_000) {
    if (m.match(new Date(t))) return new Date(t);
  }
  return null;
}

// ---------- admin: /admin/jobs ----------

export async function jobsOverview(actor: Actor) {
  requirePermission(actor, "job:manage");
  const tz = env().BUSINESS_TZ;
  const [latest, pending, lastSeen] = await Promise.all([
    latestRunPerJob(db),
    db.selectFrom("job_runs").select(["job_name", "status"]).where("status", "in", ["queued", "running"]).execute(),
    db
      .selectFrom("job_runs")
      .select(sql<Date | null>`MAX(heartbeat_at)`.as("t"))
      .where("status", "<>", "queued")
      .executeTakeFirst(),
  ]);
  const jobs = JOBS.map((job) => {
    const last = latest.find((r) => r.job_name === job.name) ?? null;
    return {
      name: job.name,
      cron: job.cron,
      period: job.period,
      title: job.title,
      description: job.description,
      nextRun: nextRunOf(job, tz),
      last: last ? presentRun(last) : null,
      queued: pending.some((p) => p.job_name === job.name && p.status === "queued"),
      running: pending.some((p) => p.job_name === job.name && p.status === "running"),
    };
  });
  return { jobs, timeZone: tz, runnerLastSeen: lastSeen?.t ?? null, jobsEnabled: env().JOBS === "on" };
}

type RunRow = Awaited<ReturnType<typeof latestRunPerJob>>[number];

function presentRun(r: RunRow) {
  let summary: string | null = null;
  let message: { key: string; params?: Record<string, string | number> } | null = null;
  if (r.result) {
    try {
      const parsed = JSON.parse(r.result) as { summary?: unknown; message?: { key: string; params?: Record<string, string | number> } };
      summary = parsed.summary === undefined ? null : String(parsed.summary);
      message = parsed.message ?? null;
    } catch {
      summary = r.result;
    }
  }
  const end = r.finished_at ?? (r.status === "running" ? now() : null);
  return {
    id: r.id,
    jobName: r.job_name,
    slot: r.slot,
    trigger: r.trigger_kind,
    status: r.status,
    owner: r.owner,
    attempts: r.attempts,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    heartbeatAt: r.heartbeat_at,
    durationMs: end && r.status !== "queued" ? end.getTime() - r.started_at.getTime() : null,
    progress: r.progress,
    summary,
    message,
    error: r.error,
  };
}
export type PresentedRun = ReturnType<typeof presentRun>;

export async function listRuns(actor: Actor, filter: RunFilter & { page: number }) {
  requirePermission(actor, "job:manage");
  const base = runsQuery(db, filter);
  const [rows, total] = await Promise.all([
    base
      .select(runColumns)
      .orderBy("r.started_at", "desc")
      .orderBy("r.id", "desc")
      .limit(RUNS_PAGE_SIZE)
      .offset((filter.page - 1) * RUNS_PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows: rows.map(presentRun), total: Number(total?.n ?? 0), page: filter.page, pageSize: RUNS_PAGE_SIZE };
}

export async function* exportRuns(actor: Actor, filter: RunFilter) {
  requirePermission(actor, "job:manage");
  let offset = 0;
  for (;;) {
    const rows = await runsQuery(db, filter).select(runColumns).orderBy("r.started_at", "desc").orderBy("r.id", "desc").limit(1000).offset(offset).execute();
    if (!rows.length) return;
    yield rows
      .map(presentRun)
      .map((r) => [
        r.jobName,
        r.slot,
        r.trigger,
        r.status,
        r.attempts,
        r.startedAt,
        r.finishedAt,
        r.durationMs,
        r.progress ?? "",
        r.summary ?? "",
        r.error ?? "",
        r.owner,
      ]);
    if (rows.length < 1000) return;
    offset += 1000;
  }
}

export type { JobName };
