/**
 * Hourly (:40): restates the sell-out period figures that a change of the catalog (a product's category or price)
 * or of a dealer's tier left priced the old way, and computes those of periods that have none yet (after an upgrade,
 * or an import stopped midway), newest first, 50 periods per transaction (decision 144). Sell-out writes and
 * shipments restate their periods at once; this job only catches up with what they cannot see.
 */
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { restatePending } from "../app/modules/sellout/sellout.derived.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const { restated } = await restatePending({ onProgress: (n) => ctx.progress(`${n} periods restated`) });
  return { message: { key: "jobs.result.selloutFigures", params: { periods: restated } }, details: { restated } };
};
