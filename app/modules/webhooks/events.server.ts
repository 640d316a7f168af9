/**
 * Webhook events, written into the outbox (`webhook_deliveries`) by the domain functions that make the
 * change, inside their transaction: a change that rolls back leaves no delivery, and one that commits
 * is delivered at least once by the sender (delivery.server.ts). One event gets one id; each of the
 * dealer's active endpoints subscribed to its type gets one delivery row with the body to send, frozen
 * here. Only that dealer's endpoints, only that dealer's data.
 */
import { randomBytes } from "node:crypto";
import type { Executor } from "../../../db/client";
import { now } from "~/utils/time";
import type { WebhookEventType } from "./webhooks.schema";

/** How long a delivery is tried before it is marked failed (also after a resend, from the resend). */
export const DELIVERY_WINDOW_MS = 24 * 3_600_000;

export type WebhookEventInput = {
  type: WebhookEventType;
  dealerId: number;
  /** The resource as the receiver reads it: order number and status, shipment number, statement period… */
  data: Record<string, unknown>;
  occurredAt?: Date;
};

function newEventId(): string {
  return `evt_${randomBytes(12).toString("hex")}`;
}

/** The JSON body of an event, as sent and as signed. */
function eventBody(e: { id: string; type: WebhookEventType; occurredAt: Date; dealer: { id: number; code: string }; data: Record<string, unknown> }) {
  return JSON.stringify({ id: e.id, type: e.type, occurred_at: e.occurredAt.toISOString(), dealer: e.dealer, data: e.data });
}

/**
 * Queues an event for the dealer's endpoints in the caller's transaction. Costs one indexed read when
 * the dealer has no active endpoint. Returns the event id (null when no endpoint wants it).
 */
export async function queueWebhookEvent(tx: Executor, input: WebhookEventInput): Promise<string | null> {
  const endpoints = await tx
    .selectFrom("webhook_endpoints")
    .select(["id", "events"])
    .where("dealer_id", "=", input.dealerId)
    .where("status", "=", "active")
    .execute();
  const wanted = endpoints.filter((e) => e.events.split(",").includes(input.type));
  if (!wanted.length) return null;
  const dealer = await tx.selectFrom("organisations").select(["id", "code"]).where("id", "=", input.dealerId).executeTakeFirstOrThrow();
  const at = now();
  const id = newEventId();
  const body = eventBody({ id, type: input.type, occurredAt: input.occurredAt ?? at, dealer: { id: dealer.id, code: dealer.code }, data: input.data });
  await tx
    .insertInto("webhook_deliveries")
    .values(
      wanted.map((e) => ({
        event_id: id,
        endpoint_id: e.id,
        dealer_id: input.dealerId,
        event_type: input.type,
        body,
        status: "pending",
        next_attempt_at: at,
        give_up_at: new Date(at.getTime() + DELIVERY_WINDOW_MS),
        created_at: at,
      })),
    )
    .execute();
  return id;
}
