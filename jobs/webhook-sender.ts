/** Every minute: delivers queued webhook events (claims with a lease, signs, retries with backoff for 24 hours). */
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { drainWebhooks } from "../app/modules/webhooks/delivery.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const r = await drainWebhooks({
    owner: ctx.owner,
    actor: ctx.actor,
    signal: ctx.signal,
    budgetMs: 50_000,
    onProgress: (p) => ctx.progress(`${p.delivered} delivered · ${p.retrying} to retry · ${p.failed} failed`),
  });
  return { message: { key: "jobs.result.webhooks", params: { delivered: r.delivered, retrying: r.retrying, failed: r.failed } }, details: r };
};
