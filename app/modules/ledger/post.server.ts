/**
 * Posting to the dealer ledger. Entries are immutable: this module only ever
 * INSERTs; a correction is a reversing entry (reverses_entry_id is unique, so an
 * entry can be reversed once). Amounts: positive = the dealer owes more
 * (invoice, fee), negative = owes less (payment, credit note, rebate).
 */
import { sql } from "kysely";
import type { Tx } from "../../../db/client";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/actor";
import { ConflictError, ValidationError } from "~/utils/errors";

export const ENTRY_TYPES = ["invoice", "payment", "credit_note", "rebate", "fee", "adjustment"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** The sign each type must carry (adjustments may go either way). */
const SIGN: Record<EntryType, 1 | -1 | 0> = { invoice: 1, fee: 1, payment: -1, credit_note: -1, rebate: -1, adjustment: 0 };

export type PostEntry = {
  dealerId: number;
  type: EntryType;
  amountMinor: number;
  currency: string;
  businessDate: string;
  dueDate?: string | null;
  description: string;
  feeTypeCode?: string | null;
  reference?: string | null;
  sourceType?: string | null;
  sourceId?: string | number | null;
  orderId?: number | null;
  shipmentId?: number | null;
  disputeId?: number | null;
};

export async function postEntry(tx: Tx, actor: Actor, e: PostEntry): Promise<number> {
  if (!Number.isSafeInteger(e.amountMinor) || e.amountMinor === 0) throw new ValidationError("validation.formErrors", { amount: ["validation.moneyRange"] });
  const sign = SIGN[e.type];
  if (sign !== 0 && Math.sign(e.amountMinor) !== sign) throw new Error(`A ${e.type} entry must be ${sign > 0 ? "positive" : "negative"}`);
  const res = await tx
    .insertInto("ledger_entries")
    .values({
      dealer_id: e.dealerId,
      entry_type: e.type,
      amount_minor: e.amountMinor,
      currency: e.currency,
      business_date: e.businessDate,
      due_date: e.dueDate ?? null,
      description: e.description.slice(0, 500),
      fee_type_code: e.feeTypeCode ?? null,
      reference: e.reference ?? null,
      source_type: e.sourceType ?? null,
      source_id: e.sourceId === undefined || e.sourceId === null ? null : String(e.sourceId),
      order_id: e.orderId ?? null,
      shipment_id: e.shipmentId ?? null,
      dispute_id: e.disputeId ?? null,
      created_by: actor.userId,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await audit(tx, actor, { action: `ledger.${e.type}_posted`, entityType: "ledger_entry", entityId: id, dealerId: e.dealerId, summary: { amountMinor: e.amountMinor, currency: e.currency, reference: e.reference ?? null } });
  if (e.type === "payment") await emitEvent(tx, actor, { type: "payment.received", entityType: "ledger_entry", entityId: id, dealerId: e.dealerId, payload: { amountMinor: e.amountMinor } });
  return id;
}

/** Posts the exact opposite of an entry, linked to it. An entry is reversed at most once. */
export async function reverseEntry(tx: Tx, actor: Actor, entryId: number, businessDate: string, reason: string): Promise<number> {
  const orig = await tx.selectFrom("ledger_entries").selectAll().where("id", "=", entryId).forUpdate().executeTakeFirst();
  if (!orig) throw new ValidationError("validation.invalid");
  if (orig.reverses_entry_id !== null) throw new ConflictError("ledger.cannotReverseReversal");
  try {
    const res = await tx
      .insertInto("ledger_entries")
      .values({
        dealer_id: orig.dealer_id,
        entry_type: "adjustment",
        amount_minor: -orig.amount_minor,
        currency: orig.currency,
        business_date: businessDate,
        description: `Reversal of #${orig.id}: ${reason}`.slice(0, 500),
        reverses_entry_id: orig.id,
        source_type: "reversal",
        source_id: String(orig.id),
        order_id: orig.order_id,
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await audit(tx, actor, { action: "ledger.reversed", entityType: "ledger_entry", entityId: orig.id, dealerId: orig.dealer_id, summary: { reversalId: id, reason } });
    return id;
  } catch (err) {
    if ((err as { code?: string }).code === "ER_DUP_ENTRY") throw new ConflictError("ledger.alreadyReversed");
    throw err;
  }
}

/** The dealer's outstanding balance (Σ all entries), in minor units. */
export async function balanceOf(tx: Tx | import("kysely").Kysely<import("../../../db/types").DB>, dealerId: number): Promise<number> {
  const row = await tx.selectFrom("ledger_entries").select(sql<string>`COALESCE(SUM(amount_minor), 0)`.as("b")).where("dealer_id", "=", dealerId).executeTakeFirst();
  return Number(row?.b ?? 0);
}
