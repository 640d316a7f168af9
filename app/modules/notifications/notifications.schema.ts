import { z } from "zod";
import { JOB_NAMES, RUN_STATUSES } from "./jobs.catalog";

export const OUTBOX_STATUSES = ["pending", "sent", "failed"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const RunListQuery = z.object({
  job: z.enum(JOB_NAMES).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  trigger: z.enum(["schedule", "manual", "recovery"]).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});

export const RunNowSchema = z.object({ job: z.enum(JOB_NAMES) });

export const OutboxListQuery = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  kind: z.string().trim().max(32).optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
