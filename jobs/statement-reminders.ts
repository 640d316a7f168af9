/**
 * Daily (09:00): statements still "issued" whose confirm-by date is near
 * (within REMIND_DAYS) or past get a reminder to the dealer's administrators
 * and finance users — at most one per statement per recipient per day (the
 * outbox dedupe key carries the business date).
 */
import { db } from "../db/client";
import { translate, isLocale } from "../app/i18n";
import { rolesWith } from "../app/modules/auth/permissions";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { enqueueNotice } from "../app/modules/notifications/notices.server";
import { env } from "../app/utils/env.server";
import { formatMoney } from "../app/utils/money";
import { addDays, todayIn } from "../app/utils/time";
import { transaction } from "../app/utils/tx.server";

export const REMIND_DAYS = 3;

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const tz = env().BUSINESS_TZ;
  const today = todayIn(tz);
  const statements = await db
    .selectFrom("statements as s")
    .innerJoin("organisations as o", "o.id", "s.dealer_id")
    .select(["s.id", "s.dealer_id", "s.period", "s.closing_minor", "s.currency", "s.confirm_by", "o.name as dealer_name"])
    .where("s.status", "=", "issued")
    .where("s.confirm_by", "<=", addDays(today, REMIND_DAYS))
    .where("o.status", "=", "active")
    .orderBy("s.confirm_by")
    .execute();
  if (!statements.length) return { message: { key: "jobs.result.statementReminders", params: { statements: 0, emails: 0 } } };
  const dealerIds = [...new Set(statements.map((s) => s.dealer_id))];
  const recipients = await db
    .selectFrom("users")
    .select(["id", "email", "name", "locale", "organisation_id"])
    .where("organisation_id", "in", dealerIds)
    .where("role", "in", rolesWith("statement:reminder"))
    .where("status", "=", "active")
    .execute();
  let emails = 0;
  let done = 0;
  for (const s of statements) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const to = recipients.filter((r) => r.organisation_id === s.dealer_id);
    const overdue = s.confirm_by < today;
    await transaction("statement.reminder", async (tx) => {
      for (const u of to) {
        const L = isLocale(u.locale) ? u.locale : "zh-CN";
        const confirmBy = new Intl.DateTimeFormat(L, { timeZone: "UTC", dateStyle: "medium" }).format(new Date(`${s.confirm_by}T00:00:00Z`));
        const r = await enqueueNotice(tx, {
          dedupeKey: `statement-reminder:${s.id}:${u.id}:${today}`,
          kind: "statement.reminder",
          user: { id: u.id, email: u.email, name: u.name, locale: L },
          subject: translate(L, overdue ? "notice.statement.subjectOverdue" : "notice.statement.subject", { period: s.period, date: confirmBy }),
          heading: translate(L, "notice.statement.heading", { period: s.period }),
          intro: translate(L, overdue ? "notice.statement.introOverdue" : "notice.statement.intro", { date: confirmBy }),
          sections: [
            {
              title: s.dealer_name,
              items: [
                { text: translate(L, "notice.statement.period", { period: s.period }) },
                { text: translate(L, "notice.statement.closing", { amount: formatMoney(s.closing_minor, s.currency, L) }) },
                { text: translate(L, "notice.statement.confirmBy", { date: confirmBy }) },
              ],
            },
          ],
          cta: { label: translate(L, "notice.statement.cta"), href: `${env().APP_ORIGIN}/statements/${s.id}` },
        });
        if (r.inserted) emails++;
      }
    });
    done++;
    if (done % 50 === 0) await ctx.progress(`${done}/${statements.length} statements`);
  }
  return { message: { key: "jobs.result.statementReminders", params: { statements: statements.length, emails } } };
};
