/** Daily partner digest (08:00 business time): users with digest frequency "daily". */
import { digestJobOutcome, runDigest } from "../app/modules/notifications/digest.server";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  return digestJobOutcome(await runDigest("daily", { period: ctx.period, signal: ctx.signal, progress: ctx.progress }));
};
