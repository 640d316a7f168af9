/**
 * Daily (01:00): deal registration protection.
 * - Open deals whose protection lapsed (protection_expires_on before today)
 *   move to "expired" and proposed quotes past their validity expire, through
 *   the deals domain (audit entry and event each).
 * - Open deals expiring within 14/7/1 days get one deal.expiring event per
 *   deal and threshold (a notification mark makes it once), which the
 *   dealer's and the account manager's digests pick up.
 */
import { db } from "../db/client";
import { emitEvent } from "../app/modules/audit/audit.server";
import { expireLapsedDeals } from "../app/modules/deals/deals.server";
import { OPEN_STAGES } from "../app/modules/deals/state";
import { expireLapsedQuotes } from "../app/modules/quotes/quotes.server";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { env } from "../app/utils/env.server";
import { addDays, daysBetween, now, todayIn } from "../app/utils/time";
import { transaction } from "../app/utils/tx.server";

export const THRESHOLDS = [14, 7, 1] as const;

/** The reminder threshold a deal with `daysLeft` days of protection falls under (the smallest that applies). */
export function thresholdFor(daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  for (const t of [...THRESHOLDS].sort((a, b) => a - b)) if (daysLeft <= t) return t;
  return null;
}

const dealColumns = [
  "d.id",
  "d.dealer_id",
  "d.account_manager_id",
  "d.title",
  "d.stage",
  "d.protection_expires_on",
  "k.name as key_account_name",
  "o.name as dealer_name",
] as const;

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const today = todayIn(env().BUSINESS_TZ);
  let expired = 0;
  let reminded = 0;

  // 1. Expire lapsed deals and quotes through the deals domain (one transaction each, audited, with events).
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const deals = await expireLapsedDeals(ctx.actor, today);
  const quotes = await expireLapsedQuotes(ctx.actor, today);
  expired = deals.expired.length;
  await ctx.progress(`${expired} deals and ${quotes.expired.length} quotes expired`);

  // 2. Reminders at 14/7/1 days before protection ends.
  const expiring = await db
    .selectFrom("deals as d")
    .innerJoin("key_accounts as k", "k.id", "d.key_account_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .select(dealColumns)
    .where("d.stage", "in", [...OPEN_STAGES])
    .where("d.protection_expires_on", ">=", today)
    .where("d.protection_expires_on", "<=", addDays(today, Math.max(...THRESHOLDS)))
    .orderBy("d.protection_expires_on")
    .execute();
  for (const d of expiring) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const daysLeft = daysBetween(today, d.protection_expires_on!);
    const threshold = thresholdFor(daysLeft);
    if (threshold === null) continue;
    await transaction("deal.expiring", async (tx) => {
      // Once per deal, protection date and threshold: an extension of protection earns new reminders.
      const mark = await tx
        .insertInto("notification_marks")
        .ignore()
        .values({ mark_key: `deal.expiring:${d.id}:${d.protection_expires_on}:${threshold}`, created_at: now() })
        .executeTakeFirst();
      if (Number(mark.numInsertedOrUpdatedRows ?? 0) !== 1) return;
      reminded++;
      await emitEvent(tx, ctx.actor, {
        type: "deal.expiring",
        entityType: "deal",
        entityId: d.id,
        dealerId: d.dealer_id,
        accountManagerId: d.account_manager_id,
        payload: {
          title: d.title,
          stage: d.stage,
          threshold,
          daysLeft,
          protectionExpiresOn: d.protection_expires_on,
          keyAccountName: d.key_account_name,
          dealerName: d.dealer_name,
        },
      });
    });
  }
  return { message: { key: "jobs.result.dealProtection", params: { expired, reminded } }, details: { expired, reminded, today } };
};
