/**
 * Demo webhooks: the first dealer's ERP subscribes to every event, added before the orders and the
 * ledger are seeded so that their changes queue deliveries as they would in a running portal. The
 * address is in a reserved domain: with the job runner on, the deliveries are tried, fail and are
 * retried on /settings/webhooks, as a receiver that is down would be.
 */
import type { Kysely } from "kysely";
import type { Tx } from "../client";
import type { DB } from "../types";
import type { Actor } from "../../app/modules/auth/actor";
import { createEndpointTx } from "../../app/modules/webhooks/webhooks.server";
import { WEBHOOK_EVENT_TYPES } from "../../app/modules/webhooks/webhooks.schema";
import type { FoundationIds } from "./foundation";

export async function seedWebhooks(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const u = await db
    .selectFrom("users")
    .select(["id", "email", "name", "role", "organisation_id"])
    .where("email", "=", "dealer_admin@demo.local")
    .executeTakeFirst();
  if (!u || ids.dealerIds.D001 === undefined) return;
  const actor: Actor = {
    kind: "user",
    userId: u.id,
    role: u.role as Actor["role"],
    organisationId: u.organisation_id,
    dealerId: u.organisation_id,
    name: u.name,
    email: u.email,
    locale: "zh-CN",
    ip: null,
  };
  await createEndpointTx(db as unknown as Tx, actor, {
    url: "https://erp.d001.example.com/dealer-desk/webhooks",
    description: "ERP 订单接口 · ERP order interface",
    events: [...WEBHOOK_EVENT_TYPES],
  });
}
