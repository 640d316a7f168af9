/** Weekly partner digest (Monday 08:00 business time): users with digest frequency "weekly". */
import { digestJobOutcome, runDigest } from "../app/modules/notifications/digest.server";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  return digestJobOutcome(await runDigest("weekly", { period: ctx.period, signal: ctx.signal, progress: ctx.progress }));
};
