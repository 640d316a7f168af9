/**
 * The scheduled jobs: name, cron expression (in BUSINESS_TZ), period (what one
 * slot covers) and the i18n keys of its title and description. The handlers
 * live in jobs/ (one file per job); this list is what /admin/jobs shows and
 * what the runner schedules, so the two never disagree.
 */
import type { MessageKey } from "~/i18n";
import type { Period } from "./slots";

export type JobDefinition = {
  name: JobName;
  cron: string;
  period: Period;
  title: MessageKey;
  description: MessageKey;
  /** How long a claim holds without a heartbeat before another runner may take the run over. */
  leaseMs: number;
  /** Run a missed slot when the runner starts later in the period (daily and longer jobs). */
  catchUp: boolean;
};

export const JOB_NAMES = [
  "outbox-sender",
  "webhook-sender",
  "digest-daily",
  "digest-weekly",
  "monthly-statements",
  "deal-protection",
  "statement-reminders",
  "stale-orders",
  "session-cleanup",
  "service-escalation",
  "sellout-reminders",
  "promotion-rebates",
  "sellout-figures",
] as const;
export type JobName = (typeof JOB_NAMES)[number];

const MIN = 60_000;

export const JOBS: readonly JobDefinition[] = [
  {
    name: "outbox-sender",
    cron: "* * * * *",
    period: "minute",
    title: "jobs.outbox-sender.title",
    description: "jobs.outbox-sender.description",
    leaseMs: 2 * MIN,
    catchUp: false,
  },
  {
    name: "webhook-sender",
    cron: "* * * * *",
    period: "minute",
    title: "jobs.webhook-sender.title",
    description: "jobs.webhook-sender.description",
    leaseMs: 2 * MIN,
    catchUp: false,
  },
  {
    name: "digest-daily",
    cron: "0 8 * * *",
    period: "day",
    title: "jobs.digest-daily.title",
    description: "jobs.digest-daily.description",
    leaseMs: 2 * MIN,
    catchUp: true,
  },
  {
    name: "digest-weekly",
    cron: "0 8 * * 1",
    period: "week",
    title: "jobs.digest-weekly.title",
    description: "jobs.digest-weekly.description",
    leaseMs: 2 * MIN,
    catchUp: true,
  },
  {
    name: "monthly-statements",
    cron: "0 2 1 * *",
    period: "month",
    title: "jobs.monthly-statements.title",
    description: "jobs.monthly-statements.description",
    leaseMs: 5 * MIN,
    catchUp: true,
  },
  {
    name: "deal-protection",
    cron: "0 1 * * *",
    period: "day",
    title: "jobs.deal-protection.title",
    description: "jobs.deal-protection.description",
    leaseMs: 2 * MIN,
    catchUp: true,
  },
  {
    name: "statement-reminders",
    cron: "0 9 * * *",
    period: "day",
    title: "jobs.statement-reminders.title",
    description: "jobs.statement-reminders.description",
    leaseMs: 2 * MIN,
    catchUp: true,
  },
  {
    name: "stale-orders",
    cron: "0 * * * *",
    period: "hour",
    title: "jobs.stale-orders.title",
    description: "jobs.stale-orders.description",
    leaseMs: 2 * MIN,
    catchUp: false,
  },
  {
    name: "session-cleanup",
    cron: "17 * * * *",
    period: "hour",
    title: "jobs.session-cleanup.title",
    description: "jobs.session-cleanup.description",
    leaseMs: 2 * MIN,
    catchUp: false,
  },
  {
    name: "service-escalation",
    cron: "*/15 * * * *",
    period: "minute",
    title: "jobs.service-escalation.title",
    description: "jobs.service-escalation.description",
    leaseMs: 2 * MIN,
    catchUp: false,
  },
  {
    name: "sellout-reminders",
    cron: "0 9 * * *",
    period: "day",
    title: "jobs.sellout-reminders.title",
    description: "jobs.sellout-reminders.description",
    leaseMs: 2 * MIN,
    catchUp: true,
  },
  {
    // After monthly-statements (02:00): last month's statement is issued, so the rebates land on the next one.
    name: "promotion-rebates",
    cron: "0 3 1 * *",
    period: "month",
    title: "jobs.promotion-rebates.title",
    description: "jobs.promotion-rebates.description",
    leaseMs: 5 * MIN,
    catchUp: true,
  },
  {
    // The sell-out figures a catalog or tier change left priced the old way, and periods with none yet (decision 144).
    name: "sellout-figures",
    cron: "40 * * * *",
    period: "hour",
    title: "jobs.sellout-figures.title",
    description: "jobs.sellout-figures.description",
    leaseMs: 10 * MIN,
    catchUp: false,
  },
];

export function isJobName(v: unknown): v is JobName {
  return typeof v === "string" && (JOB_NAMES as readonly string[]).includes(v);
}

export function jobDefinition(name: JobName): JobDefinition {
  return JOBS.find((j) => j.name === name)!;
}

export const RUN_STATUSES = ["queued", "running", "succeeded", "skipped", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
