import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { RunStatus } from "./jobs.catalog";

export const RUNS_PAGE_SIZE = 50;

export const runColumns = [
  "r.id",
  "r.job_name",
  "r.slot",
  "r.trigger_kind",
  "r.status",
  "r.owner",
  "r.attempts",
  "r.started_at",
  "r.heartbeat_at",
  "r.lease_expires_at",
  "r.finished_at",
  "r.progress",
  "r.result",
  "r.error",
] as const;

export type RunFilter = { job?: string; status?: RunStatus; trigger?: string };

export function runsQuery(db: Executor, f: RunFilter) {
  let q = db.selectFrom("job_runs as r");
  if (f.job) q = q.where("r.job_name", "=", f.job);
  if (f.status) q = q.where("r.status", "=", f.status);
  if (f.trigger) q = q.where("r.trigger_kind", "=", f.trigger);
  return q;
}

export function findRunBySlot(db: Executor, job: string, slot: string) {
  return db
    .selectFrom("job_runs")
    .select(["id", "status", "attempts", "lease_expires_at", "owner"])
    .where("job_name", "=", job)
    .where("slot", "=", slot)
    .executeTakeFirst();
}

/** The latest run of each job (by start time), one grouped query. */
export async function latestRunPerJob(db: Executor) {
  const latest = db
    .selectFrom("job_runs")
    .select(["job_name", sql<Date>`MAX(started_at)`.as("started_at")])
    .where("status", "<>", "queued")
    .groupBy("job_name");
  return db
    .selectFrom("job_runs as r")
    .innerJoin(latest.as("l"), (j) => j.onRef("l.job_name", "=", "r.job_name").onRef("l.started_at", "=", "r.started_at"))
    .select(runColumns)
    .where("r.status", "<>", "queued")
    .execute();
}

export function countPending(db: Executor, job: string) {
  return db
    .selectFrom("job_runs")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("job_name", "=", job)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
}
