/** Kysely queries of the webhook area, scoped to the actor with the dealer-data rule (access.server.ts). */
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/access.server";
import type { WebhookDeliveryStatus } from "./webhooks.schema";

export const DELIVERY_PAGE_SIZE = 25;

const endpointColumns = [
  "e.id",
  "e.dealer_id",
  "e.url",
  "e.description",
  "e.events",
  "e.status",
  "e.paused_reason",
  "e.secret_hint",
  "e.consecutive_failures",
  "e.created_at",
  "e.updated_at",
  "o.code as dealer_code",
  "o.name as dealer_name",
] as const;

export function endpointsOf(db: Executor, actor: Actor) {
  return db
    .selectFrom("webhook_endpoints as e")
    .innerJoin("organisations as o", "o.id", "e.dealer_id")
    .select(endpointColumns)
    .where(inDealerScope(actor, "e.dealer_id"))
    .orderBy("o.code")
    .orderBy("e.created_at")
    .orderBy("e.id")
    .execute();
}

/** One endpoint by id within the actor's scope (undefined outside it: 404). */
export function endpointById(db: Executor, actor: Actor, id: number) {
  return db
    .selectFrom("webhook_endpoints as e")
    .innerJoin("organisations as o", "o.id", "e.dealer_id")
    .select(endpointColumns)
    .where("e.id", "=", id)
    .where(inDealerScope(actor, "e.dealer_id"))
    .executeTakeFirst();
}

function deliveriesQuery(db: Executor, endpointId: number, status?: WebhookDeliveryStatus) {
  let q = db.selectFrom("webhook_deliveries as d").where("d.endpoint_id", "=", endpointId);
  if (status) q = q.where("d.status", "=", status);
  return q;
}

export function deliveryPage(db: Executor, endpointId: number, f: { status?: WebhookDeliveryStatus; page: number }) {
  return deliveriesQuery(db, endpointId, f.status)
    .select([
      "d.id",
      "d.event_id",
      "d.event_type",
      "d.status",
      "d.attempts",
      "d.next_attempt_at",
      "d.last_attempt_at",
      "d.last_status_code",
      "d.last_response_excerpt",
      "d.last_error",
      "d.delivered_at",
      "d.created_at",
    ])
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(DELIVERY_PAGE_SIZE)
    .offset((f.page - 1) * DELIVERY_PAGE_SIZE)
    .execute();
}

export async function deliveryCount(db: Executor, endpointId: number, status?: WebhookDeliveryStatus): Promise<number> {
  const r = await deliveriesQuery(db, endpointId, status)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** One delivery by id within the actor's scope, with its endpoint's URL. */
export function deliveryById(db: Executor, actor: Actor, id: number) {
  return db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .selectAll("d")
    .select(["e.url", "e.description"])
    .where("d.id", "=", id)
    .where(inDealerScope(actor, "d.dealer_id"))
    .executeTakeFirst();
}

export function attemptsOf(db: Executor, deliveryId: number) {
  return db
    .selectFrom("webhook_delivery_attempts")
    .select(["attempt_no", "started_at", "duration_ms", "status_code", "response_excerpt", "error"])
    .where("delivery_id", "=", deliveryId)
    .orderBy("attempt_no", "desc")
    .limit(50)
    .execute();
}

/** Dealers an administrator may add an endpoint for. */
export function dealerChoices(db: Executor, actor: Actor) {
  return db
    .selectFrom("organisations as o")
    .select(["o.id", "o.code", "o.name"])
    .where("o.kind", "=", "dealer")
    .where("o.status", "=", "active")
    .where(inDealerScope(actor, "o.id"))
    .orderBy("o.code")
    .execute();
}
