/** Kysely queries of the sell-out area; dealer lists are scoped to the actor through the access module. */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";

/** A dealer with its reporting frequency (month when never chosen). */
export function dealerRow(db: Executor, dealerId: number) {
  return db
    .selectFrom("organisations as o")
    .leftJoin("sellout_settings as s", "s.dealer_id", "o.id")
    .select(["o.id", "o.code", "o.name", "o.currency", "o.status", "o.account_manager_id", sql<string>`COALESCE(s.frequency, 'month')`.as("frequency")])
    .where("o.id", "=", dealerId)
    .where("o.kind", "=", "dealer")
    .executeTakeFirst();
}

/** The active dealers the actor may see, with their frequency, by code. */
export function dealersInScope(db: Executor, actor: Actor, dealerId?: number) {
  let q = db
    .selectFrom("organisations as o")
    .leftJoin("sellout_settings as s", "s.dealer_id", "o.id")
    .leftJoin("users as am", "am.id", "o.account_manager_id")
    .select(["o.id", "o.code", "o.name", "o.region", "am.name as account_manager_name", sql<string>`COALESCE(s.frequency, 'month')`.as("frequency")])
    .where("o.kind", "=", "dealer")
    .where("o.status", "=", "active")
    .where(scopes.dealer.where(actor));
  if (dealerId) q = q.where("o.id", "=", dealerId);
  return q.orderBy("o.code").execute();
}

export function periodByKey(db: Executor, dealerId: number, key: string) {
  return db.selectFrom("sellout_periods").selectAll().where("dealer_id", "=", dealerId).where("period_key", "=", key).executeTakeFirst();
}

export function periodsOf(db: Executor, dealerIds: number[], keys?: string[]) {
  if (!dealerIds.length || (keys && !keys.length)) return Promise.resolve([]);
  let q = db.selectFrom("sellout_periods").selectAll().where("dealer_id", "in", dealerIds);
  if (keys) q = q.where("period_key", "in", keys);
  return q.orderBy("starts_on", "desc").execute();
}

/** Per period of a dealer: lines, units, revenue, units on hand and corrections, summed. */
export async function periodSums(db: Executor, periodIds: number[]) {
  if (!periodIds.length) return { lines: [], stock: [], corrections: [] };
  const [lines, stock, corrections] = await Promise.all([
    db
      .selectFrom("sellout_lines")
      .select(["period_id", sql<number>`COUNT(*)`.as("lines"), sql<string>`SUM(units_sold)`.as("units"), sql<string>`SUM(revenue_minor)`.as("revenue")])
      .where("period_id", "in", periodIds)
      .groupBy("period_id")
      .execute(),
    db
      .selectFrom("sellout_stock")
      .select(["period_id", sql<string>`SUM(units_on_hand)`.as("on_hand")])
      .where("period_id", "in", periodIds)
      .groupBy("period_id")
      .execute(),
    db
      .selectFrom("sellout_corrections")
      .select([
        "period_id",
        sql<number>`COUNT(*)`.as("n"),
        sql<string>`SUM(delta_units_sold)`.as("units"),
        sql<string>`SUM(delta_revenue_minor)`.as("revenue"),
        sql<string>`COALESCE(SUM(delta_on_hand), 0)`.as("on_hand"),
      ])
      .where("period_id", "in", periodIds)
      .groupBy("period_id")
      .execute(),
  ]);
  return { lines, stock, corrections };
}

export function linesOf(db: Executor, periodId: number) {
  return db
    .selectFrom("sellout_lines as l")
    .innerJoin("products as p", "p.id", "l.product_id")
    .leftJoin("key_accounts as ka", "ka.id", "l.key_account_id")
    .select([
      "l.id",
      "l.product_id",
      "l.segment",
      "l.key_account_id",
      "l.region",
      "l.units_sold",
      "l.revenue_minor",
      "l.updated_at",
      "p.sku",
      "p.name_en",
      "p.name_zh",
      "ka.name as key_account_name",
      "ka.credit_code as key_account_code",
    ])
    .where("l.period_id", "=", periodId)
    .orderBy("p.sku")
    .orderBy("l.segment")
    .execute();
}

export function stockOf(db: Executor, periodId: number) {
  return db
    .selectFrom("sellout_stock as s")
    .innerJoin("products as p", "p.id", "s.product_id")
    .select(["s.product_id", "s.units_on_hand", "p.sku", "p.name_en", "p.name_zh"])
    .where("s.period_id", "=", periodId)
    .orderBy("p.sku")
    .execute();
}

export function categoryTotalsOf(db: Executor, periodId: number) {
  return db
    .selectFrom("sellout_category_totals as t")
    .innerJoin("categories as c", "c.code", "t.category_code")
    .select(["t.category_code", "t.revenue_minor", "c.name_en", "c.name_zh"])
    .where("t.period_id", "=", periodId)
    .orderBy("c.sort_order")
    .orderBy("t.category_code")
    .execute();
}

export function correctionsOf(db: Executor, periodId: number) {
  return db
    .selectFrom("sellout_corrections as c")
    .innerJoin("products as p", "p.id", "c.product_id")
    .leftJoin("key_accounts as ka", "ka.id", "c.key_account_id")
    .leftJoin("users as u", "u.id", "c.created_by")
    .select([
      "c.id",
      "c.product_id",
      "c.segment",
      "c.key_account_id",
      "c.region",
      "c.delta_units_sold",
      "c.delta_revenue_minor",
      "c.delta_on_hand",
      "c.reason",
      "c.created_at",
      "p.sku",
      "p.name_en",
      "p.name_zh",
      "ka.name as key_account_name",
      "ka.credit_code as key_account_code",
      "u.name as created_by_name",
    ])
    .where("c.period_id", "=", periodId)
    .orderBy("c.created_at")
    .orderBy("p.sku")
    .execute();
}

/** SKUs the dealer bought in the last year, for a template prefilled with what it sells. */
export function skusBoughtBy(db: Executor, dealerId: number, since: Date, limit = 2000) {
  return db
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .innerJoin("products as p", "p.id", "l.product_id")
    .select(["p.sku"])
    .distinct()
    .where("o.dealer_id", "=", dealerId)
    .where("o.created_at", ">=", since)
    .where("o.status", "not in", ["draft", "cancelled", "rejected"])
    .orderBy("p.sku")
    .limit(limit)
    .execute();
}
