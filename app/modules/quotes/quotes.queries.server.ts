/** Kysely queries of the quotes area, scoped to the actor (through the deal). No rules here. */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";
import type { ApprovalQueueFilter } from "./quotes.schema.server";

/** Quotes above the discount limit that wait for an administrator, filtered, within the actor's deals. */
export function approvalQueueWhere(db: Executor, actor: Actor, f: Partial<Pick<ApprovalQueueFilter, "dealerId" | "accountManagerId">> = {}) {
  let q = db.selectFrom("quotes as q").innerJoin("deals as d", "d.id", "q.deal_id").where(scopes.quote.where(actor)).where("q.status", "=", "pending_approval");
  if (f.dealerId) q = q.where("d.dealer_id", "=", f.dealerId);
  if (f.accountManagerId) q = q.where("d.account_manager_id", "=", f.accountManagerId);
  return q;
}

/**
 * The queue's rows, oldest request first: the deal, key account, dealer and account manager, the quote's
 * total and what the same lines cost at list price (today's list prices) and at the dealer's tier prices.
 */
export function approvalQueueRows(db: Executor, actor: Actor, f: Partial<ApprovalQueueFilter> = {}) {
  return approvalQueueWhere(db, actor, f)
    .innerJoin("key_accounts as ka", "ka.id", "d.key_account_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .innerJoin("users as am", "am.id", "d.account_manager_id")
    .select([
      "q.id",
      "q.version",
      "q.total_minor",
      "q.currency",
      "q.max_discount_bp",
      "q.valid_until",
      "q.approval_requested_at",
      "q.deal_id",
      "d.title as deal_title",
      "d.protection_expires_on",
      "ka.name as key_account_name",
      "o.id as dealer_id",
      "o.code as dealer_code",
      "o.name as dealer_name",
      "am.id as account_manager_id",
      "am.name as account_manager_name",
    ])
    .select([
      sql<
        string | null
      >`(SELECT SUM(l.quantity * p.list_price_minor) FROM quote_lines l INNER JOIN products p ON p.id = l.product_id WHERE l.quote_id = q.id)`.as(
        "list_total_minor",
      ),
      sql<string | null>`(SELECT SUM(l.quantity * l.tier_price_minor) FROM quote_lines l WHERE l.quote_id = q.id)`.as("tier_total_minor"),
      sql<number>`(SELECT COUNT(*) FROM quote_lines l WHERE l.quote_id = q.id)`.as("line_count"),
    ])
    .orderBy("q.approval_requested_at", "asc")
    .orderBy("q.id", "asc");
}

/** Dealers and account managers that have a quote in the queue (the filter choices). */
export async function approvalQueueChoices(db: Executor, actor: Actor) {
  const [dealers, accountManagers] = await Promise.all([
    db
      .selectFrom("organisations as o")
      .select(["o.id", "o.code", "o.name"])
      .where("o.id", "in", approvalQueueWhere(db, actor).select("d.dealer_id"))
      .orderBy("o.code")
      .limit(500)
      .execute(),
    db
      .selectFrom("users as u")
      .select(["u.id", "u.name"])
      .where("u.id", "in", approvalQueueWhere(db, actor).select("d.account_manager_id"))
      .orderBy("u.name")
      .limit(500)
      .execute(),
  ]);
  return { dealers, accountManagers };
}
