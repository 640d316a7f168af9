/**
 * Posting to the dealer ledger. Entries are immutable: this module only ever
 * INSERTs; a correction is a reversing entry (reverses_entry_id is unique, so an
 * entry can be reversed once). Amounts: positive = the dealer owes more
 * (invoice, fee), negative = owes less (payment, credit note, rebate).
 *
 * Periods (docs/decisions/030-ledger-periods.md): an entry may not be dated
 * inside a period for which the dealer already has a statement. Posting takes a
 * shared lock on the dealer row and issuing statements an exclusive one, so a
 * posting and an issue for the same dealer never interleave: either the entry
 * is committed before the statement is built (and is on it), or the posting
 * sees the statement and is refused.
 */
import { sql, type Kysely } from "kysely";
import { systemDescription, type SystemDescriptionKey } from "./descriptions";
import type { Executor, Tx } from "../../../db/client";
import type { DB } from "../../../db/types";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/actor";
import { ConflictError, ValidationError } from "~/utils/errors";
import { isIsoDate } from "~/utils/time";
import { ENTRY_TYPES, MAX_ENTRY_MINOR, type EntryType } from "./entry-types";

export { MAX_ENTRY_MINOR, type EntryType };

/** The sign each type must carry (adjustments may go either way). */
export const ENTRY_SIGN: Record<EntryType, 1 | -1 | 0> = { invoice: 1, fee: 1, payment: -1, credit_note: -1, rebate: -1, adjustment: 0 };

export type PostEntry = {
  dealerId: number;
  type: EntryType;
  amountMinor: number;
  currency: string;
  businessDate: string;
  dueDate?: string | null;
  description: string;
  /** A system description (docs/decisions/072): its key and JSON parameters, rendered per locale. */
  descriptionKey?: SystemDescriptionKey | null;
  descriptionParams?: string | null;
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

/**
 * Keeps dealer_debits_due (Σ of a dealer's unreversed debits per due day, the aging aggregate,
 * docs/decisions/035) in step, in the posting's transaction: a debit adds to its due day, the
 * reversal of a debit takes the original back out (an entry and its reversal drop out of aging).
 */
async function bumpDebitsDue(tx: Tx, dealerId: number, dueOn: string, delta: number) {
  await sql`INSERT INTO dealer_debits_due (dealer_id, due_on, debit_minor) VALUES (${dealerId}, ${dueOn}, ${delta})
            ON DUPLICATE KEY UPDATE debit_minor = debit_minor + VALUES(debit_minor)`.execute(tx);
}

/** The same source (entry type, source type, source id) posted twice: nothing was written. */
export class DuplicateSourceError extends ConflictError {
  constructor() {
    super("ledger.duplicateSource");
  }
}

const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

/**
 * Takes the shared lock on the dealer row and refuses a business date inside an
 * already issued statement period. Returns the dealer's currency.
 */
async function lockDealerForPosting(tx: Executor, dealerId: number, businessDate: string): Promise<{ currency: string }> {
  if (!isIsoDate(businessDate)) throw new ValidationError("validation.formErrors", { businessDate: ["validation.date"] });
  const dealer = await tx
    .selectFrom("organisations")
    .select(["id", "currency", "kind"])
    .where("id", "=", dealerId)
    .modifyEnd(sql`lock in share mode`)
    .executeTakeFirst();
  if (!dealer || dealer.kind !== "dealer") throw new ValidationError("validation.formErrors", { dealerId: ["ledger.unknownDealer"] });
  // A locking read: sees a statement committed a moment ago even inside an older snapshot.
  const issued = await tx
    .selectFrom("statements")
    .select(["period"])
    .where("dealer_id", "=", dealerId)
    .where("period_end", ">=", businessDate)
    .orderBy("period", "desc")
    .limit(1)
    .modifyEnd(sql`lock in share mode`)
    .executeTakeFirst();
  if (issued) throw new ConflictError("ledger.periodClosed", { period: issued.period, date: businessDate });
  return { currency: dealer.currency };
}

export async function postEntry(tx: Tx, actor: Actor, e: PostEntry): Promise<number> {
  if (!Number.isSafeInteger(e.amountMinor) || e.amountMinor === 0 || Math.abs(e.amountMinor) > MAX_ENTRY_MINOR)
    throw new ValidationError("validation.formErrors", { amount: ["validation.moneyRange"] });
  if (!(ENTRY_TYPES as readonly string[]).includes(e.type)) throw new ValidationError("validation.formErrors", { type: ["validation.choice"] });
  const sign = ENTRY_SIGN[e.type];
  if (sign !== 0 && Math.sign(e.amountMinor) !== sign)
    throw new ValidationError("validation.formErrors", { amount: [sign > 0 ? "ledger.mustBePositive" : "ledger.mustBeNegative"] });
  if (e.dueDate && !isIsoDate(e.dueDate)) throw new ValidationError("validation.formErrors", { dueDate: ["validation.date"] });
  const { currency } = await lockDealerForPosting(tx, e.dealerId, e.businessDate);
  if (e.currency !== currency) throw new ValidationError("validation.formErrors", { currency: ["ledger.currencyMismatch"] }, { currency });
  let id: number;
  try {
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
        description_key: e.descriptionKey ?? null,
        description_params: e.descriptionKey ? (e.descriptionParams ?? null) : null,
        fee_type_code: e.feeTypeCode ?? null,
        reference: e.reference ? e.reference.slice(0, 128) : null,
        source_type: e.sourceType ?? null,
        source_id: e.sourceId === undefined || e.sourceId === null ? null : String(e.sourceId).slice(0, 64),
        order_id: e.orderId ?? null,
        shipment_id: e.shipmentId ?? null,
        dispute_id: e.disputeId ?? null,
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    id = Number(res.insertId);
  } catch (err) {
    if (isDuplicate(err)) throw new DuplicateSourceError();
    throw err;
  }
  await bumpBalance(tx, e.dealerId, e.amountMinor);
  if (e.amountMinor > 0) await bumpDebitsDue(tx, e.dealerId, e.dueDate || e.businessDate, e.amountMinor);
  await audit(tx, actor, {
    action: `ledger.${e.type}_posted`,
    entityType: "ledger_entry",
    entityId: id,
    dealerId: e.dealerId,
    summary: { amountMinor: e.amountMinor, currency: e.currency, reference: e.reference ?? null, businessDate: e.businessDate },
  });
  if (e.type === "payment")
    await emitEvent(tx, actor, {
      type: "payment.received",
      entityType: "ledger_entry",
      entityId: id,
      dealerId: e.dealerId,
      payload: { amountMinor: e.amountMinor, currency: e.currency, reference: e.reference ?? null },
    });
  return id;
}

/** Posts the exact opposite of an entry, linked to it. An entry is reversed at most once; a reversal is never reversed. */
export async function reverseEntry(tx: Tx, actor: Actor, entryId: number, businessDate: string, reason: string): Promise<number> {
  const orig = await tx.selectFrom("ledger_entries").selectAll().where("id", "=", entryId).forUpdate().executeTakeFirst();
  if (!orig) throw new ValidationError("validation.invalid");
  if (orig.reverses_entry_id !== null) throw new ConflictError("ledger.cannotReverseReversal");
  const already = await tx.selectFrom("ledger_entries").select("id").where("reverses_entry_id", "=", orig.id).executeTakeFirst();
  if (already) throw new ConflictError("ledger.alreadyReversed");
  await lockDealerForPosting(tx, orig.dealer_id, businessDate);
  try {
    const res = await tx
      .insertInto("ledger_entries")
      .values({
        dealer_id: orig.dealer_id,
        entry_type: "adjustment",
        amount_minor: -orig.amount_minor,
        currency: orig.currency,
        business_date: businessDate,
        due_date: orig.due_date,
        ...(({ description, descriptionKey, descriptionParams }) => ({
          description: description.slice(0, 500),
          description_key: descriptionKey,
          description_params: descriptionParams,
        }))(systemDescription({ key: "ledger.desc.reversal", params: { id: orig.id, reason } })),
        fee_type_code: orig.fee_type_code,
        reference: orig.reference,
        reverses_entry_id: orig.id,
        source_type: "reversal",
        source_id: String(orig.id),
        order_id: orig.order_id,
        shipment_id: orig.shipment_id,
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await bumpBalance(tx, orig.dealer_id, -orig.amount_minor);
    if (orig.amount_minor > 0) await bumpDebitsDue(tx, orig.dealer_id, orig.due_date ?? orig.business_date, -orig.amount_minor);
    await audit(tx, actor, {
      action: "ledger.reversed",
      entityType: "ledger_entry",
      entityId: orig.id,
      dealerId: orig.dealer_id,
      summary: { reversalId: id, reason },
    });
    await emitEvent(tx, actor, {
      type: "ledger.entry_reversed",
      entityType: "ledger_entry",
      entityId: orig.id,
      dealerId: orig.dealer_id,
      payload: { reversalId: id, amountMinor: -orig.amount_minor },
    });
    return id;
  } catch (err) {
    if (isDuplicate(err)) throw new ConflictError("ledger.alreadyReversed");
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
    WHERE b.dealer_id IS NULL OR b.balance_minor <> x.actual
    UNION ALL
    SELECT b.dealer_id, b.balance_minor, 0 FROM dealer_balances b
    WHERE b.balance_minor <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.dealer_id = b.dealer_id)`.execute(db);
  return r.rows.map((x) => ({ dealer_id: x.dealer_id, maintained: Number(x.maintained ?? 0), actual: Number(x.actual ?? 0) }));
}

/** (dealer, due day) rows where the maintained aging aggregate differs from Σ of the unreversed debits due that day. */
export async function findDebitsDueMismatches(db: Executor | Kysely<DB>) {
  const r = await sql<{ dealer_id: number; due_on: string; maintained: string | null; actual: string | null }>`
    SELECT x.dealer_id, x.due_on, COALESCE(SUM(x.maintained), 0) AS maintained, COALESCE(SUM(x.actual), 0) AS actual FROM (
      SELECT dealer_id, due_on, debit_minor AS maintained, NULL AS actual FROM dealer_debits_due
      UNION ALL
      SELECT e.dealer_id, COALESCE(e.due_date, e.business_date), NULL, e.amount_minor FROM ledger_entries e
      WHERE e.amount_minor > 0 AND e.reverses_entry_id IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_entry_id = e.id)
    ) x
    GROUP BY x.dealer_id, x.due_on
    HAVING COALESCE(SUM(x.maintained), 0) <> COALESCE(SUM(x.actual), 0)
    LIMIT 1000`.execute(db);
  return r.rows.map((x) => ({ dealer_id: x.dealer_id, due_on: String(x.due_on), maintained: Number(x.maintained), actual: Number(x.actual) }));
}

/** Reversals that are not the exact opposite of their original, or reverse a reversal (db:check). */
export async function findReversalViolations(db: Executor | Kysely<DB>) {
  const rows = await sql<{ entry_id: number; dealer_id: number; problem: string }>`
    SELECT r.id AS entry_id, r.dealer_id,
      CASE WHEN o.reverses_entry_id IS NOT NULL THEN 'reverses a reversal' ELSE 'not the exact opposite of its original' END AS problem
    FROM ledger_entries r JOIN ledger_entries o ON o.id = r.reverses_entry_id
    WHERE o.reverses_entry_id IS NOT NULL OR r.amount_minor <> -o.amount_minor OR r.dealer_id <> o.dealer_id OR r.currency <> o.currency
    LIMIT 1000
  `.execute(db);
  return rows.rows;
}
