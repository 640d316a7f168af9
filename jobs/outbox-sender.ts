/** Every minute: delivers due outbox emails over SMTP (claims with a lease, retries with backoff). */
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { drainOutbox, pendingCount } from "../app/modules/notifications/outbox.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const r = await drainOutbox({
    owner: ctx.owner,
    signal: ctx.signal,
    budgetMs: 50_000,
    onProgress: (p) => ctx.progress(`${p.sent} sent · ${p.retrying} to retry · ${p.failed} failed`),
  });
  if (!r.configured) return { status: "skipped", message: { key: "jobs.result.outboxHeld", params: { pending: await pendingCount() } } };
  return { message: { key: "jobs.result.outbox", params: { sent: r.sent, retrying: r.retrying, failed: r.failed } }, details: r };
};
