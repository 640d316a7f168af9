/** Kysely queries of the service area, scoped to the actor through the access module (scopes.serviceCase). */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { can, scopes } from "~/modules/auth/access.server";
import { OPEN_STATUSES, type ServicePriority } from "./state";
import type { ServiceFilter } from "./service.schema.server";
import { likeContains } from "~/utils/like";

export const PAGE_SIZE = 25;

export const caseColumns = [
  "sc.id",
  "sc.number",
  "sc.dealer_id",
  "sc.subject",
  "sc.case_type",
  "sc.priority",
  "sc.status",
  "sc.about",
  "sc.assignee_id",
  "sc.response_due_at",
  "sc.resolution_due_at",
  "sc.first_response_at",
  "sc.resolved_at",
  "sc.closed_at",
  "sc.created_at",
  "sc.updated_at",
  "sc.reopen_count",
  "sc.outcome",
  "d.name as dealer_name",
  "d.code as dealer_code",
  "d.region as dealer_region",
  "a.name as assignee_name",
] as const;

/** The cases the actor may see, filtered: the one base for the list, its count and the CSV. */
export function casesQuery(db: Executor, actor: Actor, f: ServiceFilter, at: Date, soonHours: number) {
  let q = db
    .selectFrom("service_cases as sc")
    .innerJoin("organisations as d", "d.id", "sc.dealer_id")
    .leftJoin("users as a", "a.id", "sc.assignee_id")
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"));
  if (f.status === "open") q = q.where("sc.status", "in", [...OPEN_STATUSES]);
  else if (f.status) q = q.where("sc.status", "=", f.status);
  if (f.priority) q = q.where("sc.priority", "=", f.priority);
  if (f.dealerId) q = q.where("sc.dealer_id", "=", f.dealerId);
  if (f.assignee === "me") q = q.where("sc.assignee_id", "=", actor.userId ?? 0);
  else if (f.assignee === "none") q = q.where("sc.assignee_id", "is", null);
  else if (typeof f.assignee === "number") q = q.where("sc.assignee_id", "=", f.assignee);
  // Callbacks are the manufacturer's (decision 133): the filter means nothing to a dealer.
  if (f.callback === "open" && can(actor, "service:internal"))
    q = q.where((eb) =>
      eb.exists(eb.selectFrom("service_callbacks as cb").select("cb.id").whereRef("cb.case_id", "=", "sc.id").where("cb.status", "=", "open")),
    );
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) => eb.or([eb("sc.number", "like", like), eb("sc.subject", "like", like), eb("d.name", "like", like)]));
  }
  if (f.flag) {
    const edge = f.flag === "overdue" ? at : new Date(at.getTime() + soonHours * 3_600_000);
    q = q
      .where("sc.status", "in", [...OPEN_STATUSES])
      .where((eb) => eb.or([eb.and([eb("sc.first_response_at", "is", null), eb("sc.response_due_at", "<=", edge)]), eb("sc.resolution_due_at", "<=", edge)]));
    if (f.flag === "due_soon")
      q = q.where((eb) =>
        eb.not(eb.or([eb.and([eb("sc.first_response_at", "is", null), eb("sc.response_due_at", "<=", at)]), eb("sc.resolution_due_at", "<=", at)])),
      );
  }
  return q;
}

/** One case by id within the actor's scope (404 outside it is the caller's answer to undefined). */
export function findCase(db: Executor, actor: Actor, id: number) {
  return db
    .selectFrom("service_cases as sc")
    .innerJoin("organisations as d", "d.id", "sc.dealer_id")
    .leftJoin("users as a", "a.id", "sc.assignee_id")
    .innerJoin("users as o", "o.id", "sc.opened_by")
    .leftJoin("orders as ord", "ord.id", "sc.order_id")
    .leftJoin("order_lines as ol", "ol.id", "sc.order_line_id")
    .leftJoin("shipments as sh", "sh.id", "sc.shipment_id")
    .leftJoin("products as p", "p.id", "sc.product_id")
    .leftJoin("key_accounts as ka", "ka.id", "sc.key_account_id")
    .select([
      ...caseColumns,
      "sc.description",
      "sc.serial_no",
      "sc.end_customer",
      "sc.order_id",
      "sc.order_line_id",
      "sc.shipment_id",
      "sc.product_id",
      "sc.key_account_id",
      "sc.breached_at",
      "sc.escalated_at",
      "d.account_manager_id as dealer_account_manager_id",
      "o.name as opened_by_name",
      "ord.number as order_number",
      "ol.sku as line_sku",
      "ol.quantity as line_quantity",
      "sh.number as shipment_number",
      "sh.order_id as shipment_order_id",
      "p.sku as product_sku",
      "p.name_en as product_name_en",
      "p.name_zh as product_name_zh",
      "ka.name as key_account_name",
    ])
    .where("sc.id", "=", id)
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
    .executeTakeFirst();
}

export async function loadPromises(db: Executor): Promise<Record<ServicePriority, { response: number; resolution: number }>> {
  const rows = await db.selectFrom("service_promises").select(["priority", "response_hours", "resolution_hours"]).execute();
  const out = {
    urgent: { response: 4, resolution: 24 },
    high: { response: 8, resolution: 48 },
    normal: { response: 24, resolution: 72 },
    low: { response: 24, resolution: 120 },
  };
  for (const r of rows) if (r.priority in out) out[r.priority as ServicePriority] = { response: r.response_hours, resolution: r.resolution_hours };
  return out;
}

export async function loadSettings(db: Executor): Promise<{ leadUserId: number | null; dueSoonHours: number }> {
  const r = await db.selectFrom("service_settings").select(["lead_user_id", "due_soon_hours"]).where("id", "=", 1).executeTakeFirst();
  return { leadUserId: r?.lead_user_id ?? null, dueSoonHours: r?.due_soon_hours ?? 4 };
}

/** Open, due-soon and overdue counts of the cases the actor sees (dashboards). */
export async function caseCounts(db: Executor, actor: Actor, at: Date, soonHours: number) {
  const soon = new Date(at.getTime() + soonHours * 3_600_000);
  const late = (edge: Date) =>
    sql<number>`SUM(CASE WHEN (sc.first_response_at IS NULL AND sc.response_due_at <= ${edge}) OR sc.resolution_due_at <= ${edge} THEN 1 ELSE 0 END)`;
  const r = await db
    .selectFrom("service_cases as sc")
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
    .where("sc.status", "in", [...OPEN_STATUSES])
    .select([
      sql<number>`COUNT(*)`.as("open"),
      late(at).as("overdue"),
      late(soon).as("soon_or_late"),
      sql<number>`SUM(CASE WHEN sc.assignee_id IS NULL THEN 1 ELSE 0 END)`.as("unassigned"),
    ])
    .executeTakeFirst();
  const overdue = Number(r?.overdue ?? 0);
  return { open: Number(r?.open ?? 0), overdue, dueSoon: Number(r?.soon_or_late ?? 0) - overdue, unassigned: Number(r?.unassigned ?? 0) };
}
