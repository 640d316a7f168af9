/** The zod schemas of notifications.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { JOB_NAMES, RUN_STATUSES } from "./jobs.catalog";
import { OUTBOX_STATUSES } from "./notifications.schema";

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
