/**
 * Monthly statements (1st of the month, 02:00): issues last month's statement
 * for every dealer through the statements domain — one statement per dealer per
 * period, so a re-run, a second runner or a takeover after a crash is a no-op.
 */
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { previousMonth } from "../app/modules/notifications/slots";
import { issueStatements } from "../app/modules/statements/issue.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const period = previousMonth(ctx.period);
  await ctx.progress(`issuing statements for ${period}`);
  const result = await issueStatements(ctx.actor, {
    period,
    onProgress: (p) => ctx.progress(`statements ${period}: ${p.dealersProcessed}/${p.dealersTotal} dealers, ${p.issued} issued`),
  });
  return { message: { key: "jobs.result.statements", params: { period } }, details: { ...(result as unknown as Record<string, unknown>) } };
};
