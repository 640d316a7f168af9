/** Hourly housekeeping: expired sessions, old login throttles, and job history older than 90 days. */
import { db } from "../db/client";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { now } from "../app/utils/time";

const HISTORY_DAYS = 90;

async function deleteInBatches(run: () => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = Number((await run()).numDeletedRows);
    total += n;
    if (n < 1000) return total;
  }
}

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const t = now();
  const sessions = await deleteInBatches(() =>
    db
      .deleteFrom("sessions")
      .where((eb) => eb.or([eb("expires_at", "<", t), eb("absolute_expires_at", "<", t)]))
      .limit(1000)
      .executeTakeFirst(),
  );
  await ctx.progress(`${sessions} sessions removed`);
  const throttles = await deleteInBatches(() =>
    db
      .deleteFrom("login_throttles")
      .where("window_started_at", "<", new Date(t.getTime() - 86_400_000))
      .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<", t)]))
      .limit(1000)
      .executeTakeFirst(),
  );
  const runs = await deleteInBatches(() =>
    db
      .deleteFrom("job_runs")
      .where("status", "in", ["succeeded", "skipped", "failed"])
      .where("finished_at", "<", new Date(t.getTime() - HISTORY_DAYS * 86_400_000))
      .limit(1000)
      .executeTakeFirst(),
  );
  return { message: { key: "jobs.result.cleanup", params: { sessions, throttles, runs } }, details: { sessions, throttles, runs } };
};
