/** Kysely queries for the ledger; every dealer-data query is scoped to the actor. */
import { sql } from "kysely";
import { descriptionKeysMatching } from "./descriptions";
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/access.server";
import type { FeesFilter, LedgerListFilter } from "./ledger.schema.server";
import { likeContains } from "~/utils/like";

export const PAGE_SIZE = 50;

export function entriesQuery(db: Executor, actor: Actor, f: Omit<LedgerListFilter, "page" | "format">) {
  let q = db
    .selectFrom("ledger_entries as e")
    .innerJoin("organisations as o", "o.id", "e.dealer_id")
    .leftJoin("orders as ord", "ord.id", "e.order_id")
    .leftJoin("shipments as sh", "sh.id", "e.shipment_id")
    .leftJoin("fee_types as ft", "ft.code", "e.fee_type_code")
    .leftJoin("ledger_entries as rv", "rv.reverses_entry_id", "e.id")
    .where(inDealerScope(actor, "e.dealer_id"));
  if (f.dealerId) q = q.where("e.dealer_id", "=", f.dealerId);
  if (f.type) q = q.where("e.entry_type", "=", f.type);
  if (f.from) q = q.where("e.business_date", ">=", f.from);
  if (f.to) q = q.where("e.business_date", "<=", f.to);
  if (f.q) {
    const like = likeContains(f.q);
    // System descriptions are stored in English: their words in either language find them too (decision 072).
    const keys = descriptionKeysMatching(f.q);
    q = q.where((eb) =>
      eb.or([
        eb("e.reference", "like", like),
        eb("e.description", "like", like),
        eb("ord.number", "=", f.q!),
        eb("sh.number", "=", f.q!),
        ...(keys.length ? [eb("e.description_key", "in", keys)] : []),
      ]),
    );
  }
  return q;
}

export const entryColumns = [
  "e.id",
  "e.dealer_id",
  "e.entry_type",
  "e.amount_minor",
  "e.currency",
  "e.business_date",
  "e.due_date",
  "e.description",
  "e.description_key",
  "e.description_params",
  "e.fee_type_code",
  "e.reference",
  "e.source_type",
  "e.source_id",
  "e.order_id",
  "e.shipment_id",
  "e.dispute_id",
  "e.reverses_entry_id",
  "e.created_at",
  "o.code as dealer_code",
  "o.name as dealer_name",
  "ord.number as order_number",
  "sh.number as shipment_number",
  "ft.name_en as fee_name_en",
  "ft.name_zh as fee_name_zh",
  "rv.id as reversed_by_id",
] as const;

/** Balance after each entry (in business order: date, time posted, id as the last tie-breaker). */
export const runningBalance = sql<string>`(SELECT SUM(x.amount_minor) FROM ledger_entries x WHERE x.dealer_id = e.dealer_id AND (x.business_date < e.business_date OR (x.business_date = e.business_date AND (x.created_at < e.created_at OR (x.created_at = e.created_at AND x.id <= e.id)))))`;

/** Fees and rebates (and their reversals / dispute credits, which carry the fee type). */
export function feesQuery(db: Executor, actor: Actor, f: Omit<FeesFilter, "page" | "format">) {
  let q = db
    .selectFrom("ledger_entries as e")
    .innerJoin("organisations as o", "o.id", "e.dealer_id")
    .leftJoin("fee_types as ft", "ft.code", "e.fee_type_code")
    .where(inDealerScope(actor, "e.dealer_id"))
    .where((eb) => eb.or([eb("e.entry_type", "in", ["fee", "rebate"]), eb("e.fee_type_code", "is not", null)]));
  if (f.dealerId) q = q.where("e.dealer_id", "=", f.dealerId);
  if (f.from) q = q.where("e.business_date", ">=", `${f.from}-01`);
  if (f.to) q = q.where("e.business_date", "<=", sql<string>`LAST_DAY(${`${f.to}-01`})`);
  if (f.kind === "fee") q = q.where((eb) => eb.or([eb("ft.kind", "=", "fee"), eb.and([eb("ft.kind", "is", null), eb("e.entry_type", "=", "fee")])]));
  if (f.kind === "rebate") q = q.where((eb) => eb.or([eb("ft.kind", "=", "rebate"), eb.and([eb("ft.kind", "is", null), eb("e.entry_type", "=", "rebate")])]));
  if (f.feeType) q = q.where("e.fee_type_code", "=", f.feeType);
  return q;
}

/** Fee or rebate: the fee type's kind, else the entry's own type. */
export const feeKind = sql<string>`COALESCE(ft.kind, CASE WHEN e.entry_type = 'rebate' THEN 'rebate' ELSE 'fee' END)`;

/** The entries of the fee and rebate report, newest first (the page and its CSV read the same rows in the same order). */
export function feeLines(db: Executor, actor: Actor, f: Omit<FeesFilter, "page" | "format">) {
  return feesQuery(db, actor, f)
    .select([
      "e.id",
      "e.dealer_id",
      "o.code as dealer_code",
      "e.entry_type",
      feeKind.as("kind"),
      "e.fee_type_code",
      "ft.name_en",
      "ft.name_zh",
      "e.amount_minor",
      "e.currency",
      "e.business_date",
      "e.description",
      "e.description_key",
      "e.description_params",
      "e.reference",
      "e.reverses_entry_id",
    ])
    .orderBy("e.business_date", "desc")
    .orderBy("e.created_at", "desc")
    .orderBy("e.id", "desc");
}
