/** Kysely queries of the deals area, scoped to the actor. No rules here. */
import { likeContains } from "~/utils/like";
import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import type { Actor } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";
import { rolesWith } from "~/modules/auth/permissions";
import { env } from "~/utils/env.server";
import { addDays, todayIn } from "~/utils/time";
import type { DealFilter, KeyAccountFilter } from "./deals.schema.server";
import { PROTECTED_STAGES } from "./state";
import { normaliseAccountName } from "./credit-code";

export const PAGE_SIZE = 25;

/**
 * The deals the actor sees, filtered, on `deals` alone: every filter is a condition on d (the name
 * search on the key account is an EXISTS), so counts, the pipeline and the filter choices read the
 * deals indexes only (docs/decisions/036). The joins that only add names are in dealsQuery.
 */
export function dealsWhere(db: Executor, actor: Actor, f: Partial<DealFilter> = {}, opts: { ignoreStage?: boolean } = {}) {
  let q = db.selectFrom("deals as d").where(scopes.deal.where(actor));
  if (f.stage && !opts.ignoreStage) q = q.where("d.stage", "=", f.stage);
  if (f.dealerId) q = q.where("d.dealer_id", "=", f.dealerId);
  if (f.accountManagerId) q = q.where("d.account_manager_id", "=", f.accountManagerId);
  if (f.keyAccountId) q = q.where("d.key_account_id", "=", f.keyAccountId);
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) =>
      eb.or([
        eb("d.title", "like", like),
        eb.exists(eb.selectFrom("key_accounts as kq").select("kq.id").whereRef("kq.id", "=", "d.key_account_id").where("kq.name", "like", like)),
      ]),
    );
  }
  if (f.closeFrom) q = q.where("d.expected_close_date", ">=", f.closeFrom);
  if (f.closeTo) q = q.where("d.expected_close_date", "<=", f.closeTo);
  if (f.minValue !== undefined) q = q.where("d.estimated_value_minor", ">=", f.minValue);
  if (f.maxValue !== undefined) q = q.where("d.estimated_value_minor", "<=", f.maxValue);
  if (f.expiring) {
    const today = todayIn(env().BUSINESS_TZ);
    q = q
      .where("d.stage", "in", ["approved", "negotiating", "quoted"])
      .where("d.protection_expires_on", ">=", today)
      .where("d.protection_expires_on", "<=", addDays(today, f.expiring));
  }
  if (f.quotes) {
    const kind = f.quotes;
    const today = todayIn(env().BUSINESS_TZ);
    q = q.where((eb) => liveQuoteExists(eb, kind, today));
  }
  return q;
}

/** The deal has a quote waiting for the dealer's answer, or an open quote at all (one live quote per deal: a new version supersedes). */
/** Quote statuses that are live: waiting for the dealer's answer, or open at all. */
const LIVE_QUOTE_STATUSES = { to_answer: ["proposed"], open: ["pending_approval", "proposed", "revision_requested"] } as const;

function liveQuoteExists(eb: ExpressionBuilder<DB & { d: DB["deals"] }, "d">, kind: "to_answer" | "open", today: string) {
  let sub = eb.selectFrom("quotes as lq").select("lq.id").whereRef("lq.deal_id", "=", "d.id");
  sub = sub.where("lq.status", "in", [...LIVE_QUOTE_STATUSES[kind]]);
  if (kind === "to_answer") sub = sub.where("lq.valid_until", ">=", today);
  return eb.exists(sub);
}

/**
 * The dashboards' quote figures: how many deals of a dealer or an account manager have a live quote,
 * the same test as the list's ?quotes=. Read from the quotes side (its status indexes) and counted per
 * deal, so the figure equals the list's total (a quote's dealer is its deal's dealer).
 */
export async function countDealsWithLiveQuote(
  db: Executor | Kysely<DB>,
  where: { dealerId?: number; accountManagerId?: number },
  kind: "to_answer" | "open",
  today: string,
): Promise<number> {
  let q = db
    .selectFrom("quotes as lq")
    .innerJoin("deals as d", "d.id", "lq.deal_id")
    .select(sql<number>`COUNT(DISTINCT lq.deal_id)`.as("n"));
  q = q.where("lq.status", "in", [...LIVE_QUOTE_STATUSES[kind]]);
  if (kind === "to_answer") q = q.where("lq.valid_until", ">=", today);
  if (where.dealerId) q = q.where("lq.dealer_id", "=", where.dealerId).where("d.dealer_id", "=", where.dealerId);
  if (where.accountManagerId) q = q.where("d.account_manager_id", "=", where.accountManagerId);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/** dealsWhere with the key account, dealer and account manager joined, for the list rows and the CSV. */
export function dealsQuery(db: Executor, actor: Actor, f: Partial<DealFilter> = {}, opts: { ignoreStage?: boolean } = {}) {
  return dealsWhere(db, actor, f, opts)
    .innerJoin("key_accounts as ka", "ka.id", "d.key_account_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .innerJoin("users as am", "am.id", "d.account_manager_id");
}

export const dealListColumns = [
  "d.id",
  "d.title",
  "d.stage",
  "d.estimated_value_minor",
  "d.currency",
  "d.expected_close_date",
  "d.protection_expires_on",
  "d.created_at",
  "d.dealer_id",
  "d.key_account_id",
  "d.account_manager_id",
  "d.source",
  "ka.name as key_account_name",
  "o.code as dealer_code",
  "o.name as dealer_name",
  "am.name as account_manager_name",
] as const;

export function orderDeals<Q extends { orderBy: (...a: never[]) => unknown }>(q: Q, sort: DealFilter["sort"]): Q {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const b = q as any;
  switch (sort) {
    case "created":
      return b.orderBy("d.created_at", "asc").orderBy("d.id", "asc");
    case "closeDate":
      return b
        .orderBy(sql`d.expected_close_date IS NULL`)
        .orderBy("d.expected_close_date", "asc")
        .orderBy("d.id", "asc");
    case "-closeDate":
      return b.orderBy("d.expected_close_date", "desc").orderBy("d.id", "desc");
    case "value":
      return b.orderBy("d.estimated_value_minor", "asc").orderBy("d.id", "asc");
    case "-value":
      return b.orderBy("d.estimated_value_minor", "desc").orderBy("d.id", "desc");
    case "stage":
      return b
        .orderBy(sql`FIELD(d.stage, 'registered','conflict','approved','negotiating','quoted','won','lost','rejected','expired')`)
        .orderBy("d.created_at", "desc");
    case "protection":
      return b
        .orderBy(sql`d.protection_expires_on IS NULL`)
        .orderBy("d.protection_expires_on", "asc")
        .orderBy("d.id", "asc");
    default:
      return b.orderBy("d.created_at", "desc").orderBy("d.id", "desc");
  }
}

/** One deal in the actor's scope (id and scope: "not found" and "not yours" are the same 404). */
export function findDeal(db: Executor, actor: Actor, id: number) {
  return db
    .selectFrom("deals as d")
    .innerJoin("key_accounts as ka", "ka.id", "d.key_account_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .innerJoin("users as am", "am.id", "d.account_manager_id")
    .selectAll("d")
    .select([
      "ka.name as key_account_name",
      "ka.credit_code as key_account_credit_code",
      "ka.industry as key_account_industry",
      "ka.region as key_account_region",
      "ka.size as key_account_size",
      "o.code as dealer_code",
      "o.name as dealer_name",
      "o.tier as dealer_tier",
      "am.name as account_manager_name",
    ])
    .where("d.id", "=", id)
    .where(scopes.deal.where(actor))
    .executeTakeFirst();
}

/** A deal row locked for update, within scope. */
export function lockDeal(tx: Executor, actor: Actor, id: number) {
  return tx.selectFrom("deals as d").selectAll("d").where("d.id", "=", id).where(scopes.deal.where(actor)).forUpdate().executeTakeFirst();
}

/**
 * Other dealers' registrations that hold the key account on any of the product lines:
 * registered, or approved/negotiating/quoted with protection not lapsed (protection_expires_on ≥ today).
 */
export function holdingDeals(
  db: Executor,
  p: { keyAccountId: number; lineCodes: string[]; excludeDealerId?: number; excludeDealId?: number; today: string; protectedOnly?: boolean },
) {
  if (p.lineCodes.length === 0) return Promise.resolve([]);
  let q = db
    .selectFrom("deals as d")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .select(["d.id", "d.dealer_id", "d.stage", "d.account_manager_id", "d.protection_expires_on", "o.code as dealer_code"])
    .select((eb) =>
      eb
        .selectFrom("deal_product_lines as l")
        .select(sql<string>`GROUP_CONCAT(l.product_line_code ORDER BY l.product_line_code SEPARATOR ',')`.as("c"))
        .whereRef("l.deal_id", "=", "d.id")
        .where("l.product_line_code", "in", p.lineCodes)
        .as("overlap"),
    )
    .where("d.key_account_id", "=", p.keyAccountId)
    .where((eb) =>
      eb.or([
        ...(p.protectedOnly ? [] : [eb("d.stage", "=", "registered")]),
        eb.and([eb("d.stage", "in", [...PROTECTED_STAGES]), eb.or([eb("d.protection_expires_on", "is", null), eb("d.protection_expires_on", ">=", p.today)])]),
      ]),
    )
    .where((eb) =>
      eb.exists(
        eb.selectFrom("deal_product_lines as l2").select("l2.deal_id").whereRef("l2.deal_id", "=", "d.id").where("l2.product_line_code", "in", p.lineCodes),
      ),
    );
  if (p.excludeDealerId !== undefined) q = q.where("d.dealer_id", "<>", p.excludeDealerId);
  if (p.excludeDealId !== undefined) q = q.where("d.id", "<>", p.excludeDealId);
  return q.orderBy("d.created_at", "asc").orderBy("d.id", "asc").execute();
}

export function keyAccountsQuery(db: Executor, actor: Actor, f: Partial<KeyAccountFilter> = {}) {
  let q = db.selectFrom("key_accounts as ka").innerJoin("users as owner", "owner.id", "ka.owner_id").where(scopes.keyAccount.where(actor));
  if (f.q) {
    // The name as typed, the credit code, or the matching key (full-width brackets, spaces and company suffixes aside:
    // "上海申城地铁运营（集团）有限公司" finds "上海申城地铁运营集团"), normalised as the stored one is.
    const key = normaliseAccountName(f.q);
    q = q.where((eb) =>
      eb.or([
        eb("ka.name", "like", likeContains(f.q!)),
        eb("ka.credit_code", "=", f.q!.toUpperCase()),
        ...(key ? [eb("ka.name_normalized", "like", likeContains(key))] : []),
      ]),
    );
  }
  if (f.industry) q = q.where("ka.industry", "=", f.industry);
  if (f.region) q = q.where("ka.region", "=", f.region);
  if (f.size) q = q.where("ka.size", "=", f.size);
  if (f.ownerId) q = q.where("ka.owner_id", "=", f.ownerId);
  return q;
}

export const keyAccountColumns = [
  "ka.id",
  "ka.name",
  "ka.credit_code",
  "ka.industry",
  "ka.region",
  "ka.size",
  "ka.owner_id",
  "ka.notes",
  "ka.created_at",
  "owner.name as owner_name",
] as const;

export function findKeyAccount(db: Executor, actor: Actor, id: number) {
  return keyAccountsQuery(db, actor).select(keyAccountColumns).where("ka.id", "=", id).executeTakeFirst();
}

export function productLines(db: Executor) {
  return db.selectFrom("product_lines").select(["code", "name_en", "name_zh"]).orderBy("sort_order").orderBy("code").execute();
}

export async function lineCodesOf(db: Executor, dealId: number): Promise<string[]> {
  const rows = await db.selectFrom("deal_product_lines").select("product_line_code").where("deal_id", "=", dealId).execute();
  return rows.map((r) => r.product_line_code);
}

export function activeAccountManagers(db: Executor) {
  return db
    .selectFrom("users")
    .select(["id", "name"])
    .where("role", "in", rolesWith("key_account:own"))
    .where("status", "=", "active")
    .orderBy("name")
    .execute();
}
