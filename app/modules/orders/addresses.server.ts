/**
 * A dealer's saved delivery addresses. dealer_admin manages them; dealer
 * sales pick one when ordering. An address used by orders is archived, never
 * deleted (orders keep a snapshot of the address they were sent to).
 */
import { db } from "../../../db/client";
import { audit, diff } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { dealerAddresses } from "./orders.queries.server";
import type { AddressInput } from "./orders.schema.server";

function ownDealer(actor: Actor): number {
  requirePermission(actor, "address:manage");
  if (actor.dealerId === null) throw new ForbiddenError();
  return actor.dealerId;
}

export async function listAddresses(actor: Actor) {
  const dealerId = ownDealer(actor);
  return dealerAddresses(db, dealerId, { includeArchived: true });
}

function values(input: AddressInput) {
  return {
    label: input.label,
    recipient: input.recipient,
    phone: input.phone,
    province: input.province,
    city: input.city,
    line1: input.line1,
    postcode: input.postcode,
  };
}

export async function createAddress(actor: Actor, input: AddressInput) {
  const dealerId = ownDealer(actor);
  return transaction("address.create", async (tx) => {
    const hasDefault = await tx
      .selectFrom("dealer_addresses")
      .select("id")
      .where("dealer_id", "=", dealerId)
      .where("status", "=", "active")
      .where("is_default", "=", 1)
      .forUpdate()
      .executeTakeFirst();
    const makeDefault = input.isDefault || !hasDefault;
    if (makeDefault) await tx.updateTable("dealer_addresses").set({ is_default: 0 }).where("dealer_id", "=", dealerId).execute();
    const r = await tx
      .insertInto("dealer_addresses")
      .values({ dealer_id: dealerId, ...values(input), is_default: makeDefault ? 1 : 0 })
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    await audit(tx, actor, {
      action: "address.created",
      entityType: "dealer_address",
      entityId: id,
      dealerId,
      summary: { ...values(input), isDefault: makeDefault },
    });
    return { id };
  });
}

export async function updateAddress(actor: Actor, id: number, input: AddressInput) {
  const dealerId = ownDealer(actor);
  await transaction("address.update", async (tx) => {
    const before = await tx.selectFrom("dealer_addresses").selectAll().where("id", "=", id).where("dealer_id", "=", dealerId).forUpdate().executeTakeFirst();
    if (!before || before.status !== "active") throw new NotFoundError();
    if (input.isDefault) await tx.updateTable("dealer_addresses").set({ is_default: 0 }).where("dealer_id", "=", dealerId).execute();
    const after = { ...values(input), is_default: input.isDefault ? 1 : before.is_default };
    await tx
      .updateTable("dealer_addresses")
      .set({ ...after, updated_at: now() })
      .where("id", "=", id)
      .execute();
    const changes = diff(before as unknown as Record<string, unknown>, after);
    if (Object.keys(changes).length)
      await audit(tx, actor, { action: "address.updated", entityType: "dealer_address", entityId: id, dealerId, summary: changes });
  });
}

export async function archiveAddress(actor: Actor, id: number) {
  const dealerId = ownDealer(actor);
  await transaction("address.archive", async (tx) => {
    const before = await tx
      .selectFrom("dealer_addresses")
      .select(["id", "status", "is_default"])
      .where("id", "=", id)
      .where("dealer_id", "=", dealerId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.status !== "active") return;
    await tx.updateTable("dealer_addresses").set({ status: "archived", is_default: 0, updated_at: now() }).where("id", "=", id).execute();
    if (before.is_default) {
      const next = await tx
        .selectFrom("dealer_addresses")
        .select("id")
        .where("dealer_id", "=", dealerId)
        .where("status", "=", "active")
        .orderBy("label")
        .executeTakeFirst();
      if (next) await tx.updateTable("dealer_addresses").set({ is_default: 1 }).where("id", "=", next.id).execute();
    }
    await audit(tx, actor, { action: "address.archived", entityType: "dealer_address", entityId: id, dealerId });
  });
}
