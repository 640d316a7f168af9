/**
 * Promotion rebates (1st of the month, 03:00, after the statements): posts last month's rebate of every
 * dealer under every rebate promotion through the promotions domain — one per dealer, promotion and month,
 * so a re-run, a second runner or a takeover after a crash posts nothing twice (decision 142).
 */
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { previousMonth } from "../app/modules/notifications/slots";
import { runPromotionRebates } from "../app/modules/promotions/rebates.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const period = previousMonth(ctx.period);
  await ctx.progress(`promotion rebates for ${period}`);
  const result = await runPromotionRebates(ctx.actor, { period, onProgress: (m) => ctx.progress(m) });
  return { message: { key: "jobs.result.promotionRebates", params: { period, posted: result.posted } }, details: { ...result } };
};
