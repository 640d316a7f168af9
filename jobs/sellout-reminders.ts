/**
 * Daily (09:00): dealers that have not reported their last ended period (of their own frequency) are reminded
 * by email — their users who report sell-out (`sellout:reminder`) — once REMIND_AFTER_DAYS days after the
 * period ended and once more OVERDUE_AFTER_DAYS days after. The outbox dedupe key carries the period and the
 * stage, so however often the job runs each user gets each reminder once. Account managers see the same
 * dealers listed on /sellout.
 */
import { db } from "../db/client";
import { translate, isLocale } from "../app/i18n";
import { rolesWith } from "../app/modules/auth/permissions";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { enqueueNotice } from "../app/modules/notifications/notices.server";
import { daysSinceEnd, isFrequency, lastEndedPeriod } from "../app/modules/sellout/period";
import { env } from "../app/utils/env.server";
import { todayIn } from "../app/utils/time";
import { transaction } from "../app/utils/tx.server";

export const REMIND_AFTER_DAYS = 3;
export const OVERDUE_AFTER_DAYS = 10;

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const today = todayIn(env().BUSINESS_TZ);
  const dealers = await db
    .selectFrom("organisations as o")
    .leftJoin("sellout_settings as s", "s.dealer_id", "o.id")
    .select(["o.id", "o.name", "s.frequency"])
    .where("o.kind", "=", "dealer")
    .where("o.status", "=", "active")
    .orderBy("o.code")
    .execute();
  const due = dealers
    .map((d) => {
      const period = lastEndedPeriod(today, isFrequency(d.frequency) ? d.frequency : "month");
      const days = daysSinceEnd(period, today);
      const stage = days >= OVERDUE_AFTER_DAYS ? "overdue" : days >= REMIND_AFTER_DAYS ? "first" : null;
      return { ...d, period, stage };
    })
    .filter((d) => d.stage !== null);
  if (!due.length) return { message: { key: "jobs.result.selloutReminders", params: { dealers: 0, emails: 0 } } };
  const reported = new Set(
    (
      await db
        .selectFrom("sellout_periods")
        .select(["dealer_id", "period_key"])
        .where(
          "dealer_id",
          "in",
          due.map((d) => d.id),
        )
        .where("reported_at", "is not", null)
        .execute()
    ).map((r) => `${r.dealer_id}:${r.period_key}`),
  );
  const missing = due.filter((d) => !reported.has(`${d.id}:${d.period.key}`));
  if (!missing.length) return { message: { key: "jobs.result.selloutReminders", params: { dealers: 0, emails: 0 } } };
  const recipients = await db
    .selectFrom("users")
    .select(["id", "email", "name", "locale", "organisation_id"])
    .where(
      "organisation_id",
      "in",
      missing.map((d) => d.id),
    )
    .where("role", "in", rolesWith("sellout:reminder"))
    .where("status", "=", "active")
    .execute();
  let emails = 0;
  for (const [i, d] of missing.entries()) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const to = recipients.filter((r) => r.organisation_id === d.id);
    await transaction("sellout.reminder", async (tx) => {
      for (const u of to) {
        const L = isLocale(u.locale) ? u.locale : "zh-CN";
        const date = (iso: string) => new Intl.DateTimeFormat(L, { timeZone: "UTC", dateStyle: "medium" }).format(new Date(`${iso}T00:00:00Z`));
        const params = { period: d.period.key, dealer: d.name, start: date(d.period.start), end: date(d.period.end) };
        const r = await enqueueNotice(tx, {
          dedupeKey: `sellout-reminder:${d.id}:${d.period.key}:${d.stage}:${u.id}`,
          kind: "sellout.reminder",
          user: { id: u.id, email: u.email, name: u.name, locale: L },
          subject: translate(L, d.stage === "overdue" ? "notice.sellout.subjectOverdue" : "notice.sellout.subject", params),
          heading: translate(L, "notice.sellout.heading", params),
          intro: translate(L, "notice.sellout.intro", params),
          sections: [{ title: d.name, items: [{ text: translate(L, "notice.sellout.how") }] }],
          cta: { label: translate(L, "notice.sellout.cta"), href: `${env().APP_ORIGIN}/sellout/${d.id}/${d.period.key}` },
        });
        if (r.inserted) emails++;
      }
    });
    if ((i + 1) % 50 === 0) await ctx.progress(`${i + 1}/${missing.length} dealers`);
  }
  return { message: { key: "jobs.result.selloutReminders", params: { dealers: missing.length, emails } } };
};
