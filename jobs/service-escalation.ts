/**
 * Every 15 minutes: open service cases past their response or resolution promise. Each such case is
 * flagged (breached_at) and escalated once per deadline (a notification mark per case and deadline):
 * one email to the desk lead (or, when no lead is chosen, to everyone on the service desk) listing the
 * cases that became late in this run, written in the same transaction. The runner claims the run, so
 * it happens once however many job processes run.
 */
import { createHash } from "node:crypto";
import { db } from "../db/client";
import { isLocale, translate } from "../app/i18n";
import { audit } from "../app/modules/audit/audit.server";
import { rolesWith } from "../app/modules/auth/permissions";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { enqueueNotice } from "../app/modules/notifications/notices.server";
import { env } from "../app/utils/env.server";
import { now } from "../app/utils/time";
import { transaction } from "../app/utils/tx.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const at = now();
  const late = await db
    .selectFrom("service_cases as sc")
    .innerJoin("organisations as d", "d.id", "sc.dealer_id")
    .select(["sc.id", "sc.number", "sc.subject", "sc.dealer_id", "sc.response_due_at", "sc.resolution_due_at", "sc.first_response_at", "d.name as dealer_name"])
    .where("sc.status", "in", ["new", "acknowledged", "in_progress", "waiting_for_dealer"])
    .where((eb) => eb.or([eb.and([eb("sc.first_response_at", "is", null), eb("sc.response_due_at", "<=", at)]), eb("sc.resolution_due_at", "<=", at)]))
    .orderBy("sc.resolution_due_at")
    .limit(500)
    .execute();
  if (!late.length) return { message: { key: "jobs.result.serviceEscalation", params: { cases: 0, emails: 0 } } };
  const settings = await db.selectFrom("service_settings").select("lead_user_id").where("id", "=", 1).executeTakeFirst();
  let readers = db.selectFrom("users").select(["id", "email", "name", "locale"]).where("status", "=", "active");
  readers = settings?.lead_user_id ? readers.where("id", "=", settings.lead_user_id) : readers.where("role", "in", rolesWith("service:escalation"));
  const to = await readers.execute();
  const result = await transaction("service.escalate", async (tx) => {
    const fresh: Array<(typeof late)[number] & { due: Date }> = [];
    for (const c of late) {
      const responseLate = !c.first_response_at && c.response_due_at.getTime() <= at.getTime();
      const due = responseLate ? c.response_due_at : c.resolution_due_at;
      await tx.updateTable("service_cases").set({ breached_at: at }).where("id", "=", c.id).where("breached_at", "is", null).execute();
      const mark = `service.late:${c.id}:${responseLate ? "response" : "resolution"}:${due.getTime()}`;
      const r = await tx.insertInto("notification_marks").ignore().values({ mark_key: mark, created_at: at }).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) continue;
      fresh.push({ ...c, due });
      await tx.updateTable("service_cases").set({ escalated_at: at }).where("id", "=", c.id).execute();
      await audit(tx, ctx.actor, {
        action: "service.escalated",
        entityType: "service_case",
        entityId: c.id,
        dealerId: c.dealer_id,
        summary: { deadline: responseLate ? "response" : "resolution", due: due.toISOString() },
      });
    }
    let emails = 0;
    if (fresh.length) {
      const batchKey = createHash("sha256")
        .update(fresh.map((c) => `${c.id}:${c.due.getTime()}`).join(","))
        .digest("hex")
        .slice(0, 32);
      for (const u of to) {
        const L = isLocale(u.locale) ? u.locale : "zh-CN";
        const fmt = new Intl.DateTimeFormat(L, { timeZone: env().BUSINESS_TZ, dateStyle: "medium", timeStyle: "short" });
        const r = await enqueueNotice(tx, {
          dedupeKey: `service-escalation:${u.id}:${batchKey}`,
          kind: "service.escalation",
          user: { id: u.id, email: u.email, name: u.name, locale: L },
          subject: translate(L, "service.notice.escalation.subject", { count: fresh.length }),
          heading: translate(L, "service.notice.escalation.heading"),
          intro: translate(L, "service.notice.escalation.intro"),
          sections: [
            {
              title: translate(L, "service.notice.escalation.section"),
              items: fresh.map((c) => ({
                text: `${c.number ?? `#${c.id}`} · ${c.subject}`,
                href: `${env().APP_ORIGIN}/service/${c.id}`,
                meta: translate(L, "service.notice.escalation.meta", { dealer: c.dealer_name, due: fmt.format(c.due) }),
              })),
            },
          ],
          cta: { label: translate(L, "service.notice.escalation.cta"), href: `${env().APP_ORIGIN}/service?flag=overdue` },
        });
        if (r.inserted) emails++;
      }
    }
    return { cases: fresh.length, emails };
  });
  return { message: { key: "jobs.result.serviceEscalation", params: result } };
};
