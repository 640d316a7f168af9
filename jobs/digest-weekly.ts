/** Weekly partner digest (Monday 08:00 business time): users with digest frequency "weekly". */
import { runDigest } from "../app/modules/notifications/digest.server";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const r = await runDigest("weekly", { period: ctx.period, signal: ctx.signal, progress: ctx.progress });
  return { message: { key: "jobs.result.digest", params: { emails: r.emails, users: r.users, empty: r.empty } }, details: r };
};
