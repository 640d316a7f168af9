/**
 * Hourly: orders waiting in "submitted" longer than STALE_ORDER_HOURS. Each
 * such order is reminded once (a notification mark per order and submission
 * time): an order.stale event, and one email per ops user listing the orders
 * that became stale in this run, written in the same transaction.
 */
import { createHash } from "node:crypto";
import { db } from "../db/client";
import { translate, isLocale } from "../app/i18n";
import { emitEvent } from "../app/modules/audit/audit.server";
import { rolesWith } from "../app/modules/auth/permissions";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { enqueueNotice } from "../app/modules/notifications/notices.server";
import { env } from "../app/utils/env.server";
import { formatMoney } from "../app/utils/money";
import { now } from "../app/utils/time";
import { transaction } from "../app/utils/tx.server";

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const hours = env().STALE_ORDER_HOURS;
  const cutoff = new Date(now().getTime() - hours * 3_600_000);
  const orders = await db
    .selectFrom("orders as o")
    .innerJoin("organisations as d", "d.id", "o.dealer_id")
    .select([
      "o.id",
      "o.number",
      "o.dealer_id",
      "o.submitted_at",
      "o.total_minor",
      "o.currency",
      "d.name as dealer_name",
      "d.code as dealer_code",
      "d.account_manager_id",
    ])
    .where("o.status", "=", "submitted")
    .where("o.submitted_at", "<=", cutoff)
    .orderBy("o.submitted_at")
    .limit(1000)
    .execute();
  if (!orders.length) return { message: { key: "jobs.result.staleOrders", params: { orders: 0, emails: 0 } } };
  const ops = await db
    .selectFrom("users")
    .select(["id", "email", "name", "locale"])
    .where("role", "in", rolesWith("order:stale_alert"))
    .where("status", "=", "active")
    .execute();
  const result = await transaction("orders.stale", async (tx) => {
    const fresh: typeof orders = [];
    for (const o of orders) {
      const mark = `order.stale:${o.id}:${o.submitted_at!.getTime()}`;
      const r = await tx.insertInto("notification_marks").ignore().values({ mark_key: mark, created_at: now() }).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) continue;
      fresh.push(o);
      await emitEvent(tx, ctx.actor, {
        type: "order.stale",
        entityType: "order",
        entityId: o.id,
        dealerId: o.dealer_id,
        accountManagerId: o.account_manager_id,
        payload: { number: o.number, hours, dealerName: o.dealer_name, submittedAt: o.submitted_at!.toISOString() },
      });
    }
    let emails = 0;
    const batchKey = createHash("sha256")
      .update(fresh.map((o) => o.id).join(","))
      .digest("hex")
      .slice(0, 32);
    if (fresh.length) {
      for (const u of ops) {
        const L = isLocale(u.locale) ? u.locale : "zh-CN";
        const fmt = new Intl.DateTimeFormat(L, { timeZone: env().BUSINESS_TZ, dateStyle: "medium", timeStyle: "short" });
        const r = await enqueueNotice(tx, {
          dedupeKey: `stale-orders:${u.id}:${batchKey}`,
          kind: "order.stale",
          user: { id: u.id, email: u.email, name: u.name, locale: L },
          subject: translate(L, "notice.stale.subject", { count: fresh.length, hours }),
          heading: translate(L, "notice.stale.heading"),
          intro: translate(L, "notice.stale.intro", { hours }),
          sections: [
            {
              title: translate(L, "notice.stale.section"),
              items: fresh.map((o) => ({
                text: `${o.number ?? `#${o.id}`} · ${o.dealer_code} ${o.dealer_name} · ${formatMoney(o.total_minor, o.currency, L)}`,
                href: `${env().APP_ORIGIN}/orders/${encodeURIComponent(o.number ?? String(o.id))}`,
                meta: translate(L, "notice.stale.submittedAt", { at: fmt.format(o.submitted_at!) }),
              })),
            },
          ],
          cta: { label: translate(L, "notice.stale.cta"), href: `${env().APP_ORIGIN}/review/orders` },
        });
        if (r.inserted) emails++;
      }
    }
    return { orders: fresh.length, emails };
  });
  return { message: { key: "jobs.result.staleOrders", params: result } };
};
