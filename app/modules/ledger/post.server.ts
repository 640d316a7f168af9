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

/** Keeps dealer_balances (the maintained Σ of a dealer's entries) in step, in the posting's transaction. */
async function bumpBalance(tx: Tx, dealerId: number, delta: number) {
  await sql`INSERT INTO dealer_balances (dealer_id, balance_minor) VALUES (${dealerId}, ${delta})
            ON DUPLICATE KEY UPDATE balance_minor = balance_minor + VALUES(balance_minor), updated_at = CURRENT_TIMESTAMP(3)`.execute(tx);
}

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
  await bumpBalance(tx, e.dealerId, e.amountMinor);
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
    await bumpBalance(tx, orig.dealer_id, -orig.amount_minor);
    await audit(tx, actor, { action: "ledger.reversed", entityType: "ledger_entry", entityId: orig.id, dealerId: orig.dealer_id, summary: { reversalId: id, reason } });
    return id;
  } catch (err) {
    if ((err as { code?: string }).code === "ER_DUP_ENTRY") throw new ConflictError("ledger.alreadyReversed");
    throw err;
  }
}

/** The dealer's outstanding balance (Σ all entries, read from the maintained aggregate), in minor units. */
export async function balanceOf(tx: Tx | import("kysely").Kysely<import("../../../db/types").DB>, dealerId: number): Promise<number> {
  const row = await tx.selectFrom("dealer_balances").select("balance_minor").where("dealer_id", "=", dealerId).executeTakeFirst();
  return Number(row?.balance_minor ?? 0);
}

/** Dealers whose maintained balance differs from Σ of their ledger entries. */
export async function findBalanceMismatches(db: Tx | import("kysely").Kysely<import("../../../db/types").DB>) {
  const r = await sql<{ dealer_id: number; maintained: string | null; actual: string | null }>`
    SELECT x.dealer_id, b.balance_minor AS maintained, x.actual FROM
      (SELECT dealer_id, SUM(amount_minor) AS actual FROM ledger_entries GROUP BY dealer_id) x
      LEFT JOIN dealer_balances b ON b.dealer_id = x.dealer_id
    WHERE COALESCE(b.balance_minor, 0) <> x.actual
    UNION ALL
    SELECT b.dealer_id, b.balance_minor, 0 FROM dealer_balances b
    WHERE b.balance_minor <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.dealer_id = b.dealer_id)`.execute(db);
  return r.rows.map((x) => ({ dealer_id: x.dealer_id, maintained: Number(x.maintained ?? 0), actual: Number(x.actual ?? 0) }));
}
