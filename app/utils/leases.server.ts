/**
 * Leases on outbox rows (emails, webhook deliveries): several senders (one per instance) share the
 * work without GET_LOCK. A sender claims the due rows whose lease is free or lapsed under a token of its
 * own, and renews a row's lease right before working on it; a row whose lease lapsed and which another
 * sender took is left to that sender. Both tables carry `id`, `status`, `next_attempt_at`, `claimed_by`, `claimed_until`.
 */
import { randomBytes } from "node:crypto";
import { db } from "../../db/client";

type LeasedTable = "outbox_emails" | "webhook_deliveries";

/** The pending rows that fell due by `at` and are not held by a live lease, in the order they fell due. */
export function dueIds(table: LeasedTable, at: Date, limit: number) {
  return db
    .selectFrom(table as "outbox_emails")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", at)
    .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", at)]))
    .orderBy("next_attempt_at")
    .limit(limit)
    .execute();
}

/** Claims the pending rows among `ids` whose lease is free or lapsed; returns the claim's token. */
export async function claimLeases(table: LeasedTable, ids: number[], owner: string, at: Date, leaseMs: number): Promise<string> {
  const suffix = `#${randomBytes(4).toString("hex")}`;
  const token = `${owner.slice(0, 64 - suffix.length)}${suffix}`;
  // The two tables share these columns; Kysely types the statement by one of them.
  await db
    .updateTable(table as "outbox_emails")
    .set({ claimed_by: token, claimed_until: new Date(at.getTime() + leaseMs) })
    .where("id", "in", ids)
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", at)]))
    .execute();
  return token;
}

/** Renews a claimed row's lease right before it is worked on; false when the lease lapsed and another sender took it. */
export async function renewLease(table: LeasedTable, id: number, token: string, at: Date, leaseMs: number): Promise<boolean> {
  const r = await db
    .updateTable(table as "outbox_emails")
    .set({ claimed_until: new Date(at.getTime() + leaseMs) })
    .where("id", "=", id)
    .where("claimed_by", "=", token)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
