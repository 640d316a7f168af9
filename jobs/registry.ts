/**
 * Job name → handler (one file per job in jobs/). Schedules, periods and
 * descriptions are in app/modules/notifications/jobs.catalog.ts, shared with
 * /admin/jobs.
 */
import { JOBS, type JobDefinition, type JobName } from "../app/modules/notifications/jobs.catalog";
import type { JobHandler } from "../app/modules/notifications/jobs.server";

const loaders: Record<JobName, () => Promise<{ run: JobHandler }>> = {
  "outbox-sender": () => import("./outbox-sender"),
  "webhook-sender": () => import("./webhook-sender"),
  "digest-daily": () => import("./digest-daily"),
  "digest-weekly": () => import("./digest-weekly"),
  "monthly-statements": () => import("./statements"),
  "deal-protection": () => import("./deal-protection"),
  "statement-reminders": () => import("./statement-reminders"),
  "stale-orders": () => import("./stale-orders"),
  "session-cleanup": () => import("./session-cleanup"),
  "service-escalation": () => import("./service-escalation"),
  "sellout-reminders": () => import("./sellout-reminders"),
  "promotion-rebates": () => import("./promotion-rebates"),
  "sellout-figures": () => import("./sellout-figures"),
};

export async function handlerFor(name: JobName): Promise<JobHandler> {
  return (await loaders[name]()).run;
}

export type RegisteredJob = JobDefinition & { handler: () => Promise<JobHandler> };

export const REGISTRY: RegisteredJob[] = JOBS.map((j) => ({ ...j, handler: () => handlerFor(j.name) }));
