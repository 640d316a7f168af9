/**
 * Webhook endpoints and their deliveries (issue 25, item 4). A dealer administrator manages its own
 * dealer's endpoints, an administrator any dealer's (`webhook:manage`); everything is read through the
 * dealer-data scope, so another dealer's endpoint or delivery answers 404. The signing secret is shown
 * once, when the endpoint is added and when it is rotated, and kept sealed (signing.server.ts).
 * Events are queued by the domains (events.server.ts); the sender is delivery.server.ts.
 */
import { db, type Executor, type Tx } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { isDealerActor, requirePermission, type Actor } from "~/modules/auth/actor";
import { appSecret } from "~/modules/notifications/unsubscribe.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { DELIVERY_WINDOW_MS } from "./events.server";
import { newSigningSecret, sealSecret, secretHint } from "./signing.server";
import { checkWebhookUrl } from "./url.server";
import { DELIVERY_PAGE_SIZE, attemptsOf, dealerChoices, deliveryById, deliveryCount, deliveryPage, endpointById, endpointsOf } from "./webhooks.queries.server";
import type { CreateEndpointInput, UpdateEndpointInput } from "./webhooks.schema.server";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, type WebhookDeliveryStatus } from "./webhooks.schema";

/** A dealer may register this many endpoints. */
const MAX_ENDPOINTS_PER_DEALER = 10;

function validUrl(raw: string): string {
  const v = checkWebhookUrl(raw, env().NODE_ENV === "production");
  if (!v.ok) throw new ValidationError("validation.formErrors", { url: [v.key] });
  return v.url;
}

/** The events in the list's order, as stored (comma-separated). */
function eventList(events: readonly string[]): string {
  return WEBHOOK_EVENT_TYPES.filter((e) => events.includes(e)).join(",");
}

async function requireEndpoint(actor: Actor, id: number) {
  requirePermission(actor, "webhook:manage");
  const e = await endpointById(db, actor, id);
  if (!e) throw new NotFoundError();
  return e;
}

export async function webhooksPage(actor: Actor) {
  requirePermission(actor, "webhook:manage");
  const [endpoints, dealers] = await Promise.all([endpointsOf(db, actor), isDealerActor(actor) ? Promise.resolve([]) : dealerChoices(db, actor)]);
  return { endpoints: endpoints.map((e) => ({ ...e, events: e.events.split(",") })), dealers, chooseDealer: !isDealerActor(actor) };
}

/** Adds an endpoint; returns its id and the secret, which is never shown again. */
export async function createEndpoint(actor: Actor, input: CreateEndpointInput): Promise<{ id: number; secret: string }> {
  requirePermission(actor, "webhook:manage");
  return transaction("webhook.create", (tx) => createEndpointTx(tx, actor, input));
}

/** createEndpoint inside the caller's transaction (the demo seed). */
export async function createEndpointTx(tx: Tx, actor: Actor, input: CreateEndpointInput): Promise<{ id: number; secret: string }> {
  requirePermission(actor, "webhook:manage");
  const url = validUrl(input.url);
  let dealerId: number;
  if (isDealerActor(actor)) dealerId = actor.dealerId!;
  else {
    if (!input.dealerId) throw new ValidationError("validation.formErrors", { dealerId: ["validation.required"] });
    const d = (await dealerChoices(tx, actor)).find((c) => c.id === input.dealerId);
    if (!d) throw new ValidationError("validation.formErrors", { dealerId: ["validation.choice"] });
    dealerId = d.id;
  }
  const secret = newSigningSecret();
  const sealed = sealSecret(await appSecret(tx), secret);
  // The dealer row is the lock that keeps two concurrent adds from passing the limit together.
  await tx.selectFrom("organisations").select("id").where("id", "=", dealerId).forUpdate().executeTakeFirst();
  const n = await tx
    .selectFrom("webhook_endpoints")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("dealer_id", "=", dealerId)
    .executeTakeFirst();
  if (Number(n?.n ?? 0) >= MAX_ENDPOINTS_PER_DEALER) throw new ConflictError("webhooks.tooMany", { max: MAX_ENDPOINTS_PER_DEALER });
  const at = now();
  const r = await tx
    .insertInto("webhook_endpoints")
    .values({
      dealer_id: dealerId,
      url,
      description: input.description,
      events: eventList(input.events),
      status: "active",
      secret_sealed: sealed,
      secret_hint: secretHint(secret),
      created_by: actor.userId,
      created_at: at,
      updated_at: at,
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  await audit(tx, actor, {
    action: "webhook.created",
    entityType: "webhook_endpoint",
    entityId: id,
    dealerId,
    summary: { url, events: input.events, description: input.description },
  });
  return { id, secret };
}

export async function getEndpointPage(actor: Actor, id: number, filter: { status?: WebhookDeliveryStatus; page: number }) {
  const e = await requireEndpoint(actor, id);
  const [rows, total] = await Promise.all([deliveryPage(db, id, filter), deliveryCount(db, id, filter.status)]);
  return { endpoint: { ...e, events: e.events.split(",") }, deliveries: { rows, total, page: filter.page, pageSize: DELIVERY_PAGE_SIZE } };
}

export async function updateEndpoint(actor: Actor, id: number, input: UpdateEndpointInput) {
  const before = await requireEndpoint(actor, id);
  const url = validUrl(input.url);
  const after = { url, description: input.description, events: eventList(input.events), status: input.status };
  await transaction("webhook.update", async (tx) => {
    await tx
      .updateTable("webhook_endpoints")
      .set({
        ...after,
        // Resuming clears the reason it was paused (and the failure count that led to it).
        ...(input.status === "active" ? { paused_reason: null, consecutive_failures: 0 } : before.status === "active" ? { paused_reason: "manual" } : {}),
        updated_at: now(),
      })
      .where("id", "=", id)
      .execute();
    await audit(tx, actor, {
      action: "webhook.updated",
      entityType: "webhook_endpoint",
      entityId: id,
      dealerId: before.dealer_id,
      summary: { before: { url: before.url, events: before.events, status: before.status }, after },
    });
  });
}

/** A new secret replaces the old at once; returns it (shown once). */
export async function rotateSecret(actor: Actor, id: number): Promise<{ secret: string }> {
  const e = await requireEndpoint(actor, id);
  const secret = newSigningSecret();
  const sealed = sealSecret(await appSecret(), secret);
  await transaction("webhook.rotate", async (tx) => {
    await tx
      .updateTable("webhook_endpoints")
      .set({ secret_sealed: sealed, secret_hint: secretHint(secret), updated_at: now() })
      .where("id", "=", id)
      .execute();
    await audit(tx, actor, { action: "webhook.secret_rotated", entityType: "webhook_endpoint", entityId: id, dealerId: e.dealer_id });
  });
  return { secret };
}

/** Deletes the endpoint and its delivery history. */
export async function deleteEndpoint(actor: Actor, id: number) {
  const e = await requireEndpoint(actor, id);
  await transaction("webhook.delete", async (tx) => {
    await tx.deleteFrom("webhook_endpoints").where("id", "=", id).execute();
    await audit(tx, actor, { action: "webhook.deleted", entityType: "webhook_endpoint", entityId: id, dealerId: e.dealer_id, summary: { url: e.url } });
  });
}

export async function getDelivery(actor: Actor, id: number) {
  requirePermission(actor, "webhook:manage");
  const d = await deliveryById(db, actor, id);
  if (!d) throw new NotFoundError();
  return { delivery: d, attempts: await attemptsOf(db, id) };
}

/**
 * Sends a delivery again by hand: the same event (id and body; a fresh timestamp and signature), with a
 * new 24-hour window. A delivery still queued is refused (409): it goes out on its own.
 */
export async function resendDelivery(actor: Actor, id: number): Promise<{ endpointId: number }> {
  requirePermission(actor, "webhook:manage");
  const d = await deliveryById(db, actor, id);
  if (!d) throw new NotFoundError();
  return transaction("webhook.resend", async (tx) => {
    const at = now();
    const r = await tx
      .updateTable("webhook_deliveries")
      .set({ status: "pending", next_attempt_at: at, give_up_at: new Date(at.getTime() + DELIVERY_WINDOW_MS), claimed_by: null, claimed_until: null })
      .where("id", "=", id)
      .where("status", "in", ["delivered", "failed"])
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ConflictError("webhooks.alreadyQueued");
    await audit(tx, actor, {
      action: "webhook.resent",
      entityType: "webhook_delivery",
      entityId: id,
      dealerId: d.dealer_id,
      summary: { event: d.event_id, type: d.event_type, previous: d.status },
    });
    return { endpointId: d.endpoint_id };
  });
}

/**
 * Invariants (run by `npm run db:check`): a delivery belongs to its endpoint's dealer (no event ever goes
 * to another dealer's endpoint), a delivered one has its time and no claim, its attempt count equals
 * its attempt rows, and statuses are known.
 */
export async function findWebhookInvariantViolations(db: Executor): Promise<unknown[]> {
  const wrongDealer = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select(["d.id", "d.dealer_id", "e.dealer_id as endpoint_dealer_id"])
    .whereRef("d.dealer_id", "<>", "e.dealer_id")
    .limit(100)
    .execute();
  const badState = await db
    .selectFrom("webhook_deliveries")
    .select(["id", "status", "delivered_at", "claimed_by"])
    .where((eb) =>
      eb.or([
        eb.and([eb("status", "=", "delivered"), eb.or([eb("delivered_at", "is", null), eb("claimed_by", "is not", null)])]),
        eb("status", "not in", [...WEBHOOK_DELIVERY_STATUSES]),
      ]),
    )
    .limit(100)
    .execute();
  const miscounted = await db
    .selectFrom("webhook_deliveries as d")
    .leftJoin("webhook_delivery_attempts as a", "a.delivery_id", "d.id")
    .select(["d.id", "d.attempts", (eb) => eb.fn.count<number>("a.id").as("rows")])
    .groupBy(["d.id", "d.attempts"])
    .having((eb) => eb(eb.fn.count("a.id"), "<>", eb.ref("d.attempts")))
    .limit(100)
    .execute();
  return [
    ...wrongDealer.map((r) => ({ ...r, problem: "delivery of another dealer's event" })),
    ...badState.map((r) => ({ ...r, problem: "delivery state" })),
    ...miscounted.map((r) => ({ ...r, problem: "attempts differ from attempt rows" })),
  ];
}
