/**
 * Credit: one definition used by the order credit check and by every screen
 * that shows available credit (see docs/decisions/003-credit-definition.md).
 *
 *   open order value  = Σ (order total − value already invoiced by its shipments)
 *                       over orders submitted, approved or partially shipped
 *                       (orders.shipped_value_minor: Σ of the order's shipments, kept by
 *                       every shipment in its transaction; db:check recomputes it)
 *   available credit  = credit limit − ledger balance − open order value
 */
import { sql, type Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";

export const OPEN_ORDER_STATUSES = ["submitted", "approved", "partially_shipped"] as const;

export type CreditPosition = { limitMinor: number; balanceMinor: number; openOrdersMinor: number; availableMinor: number; currency: string };

export async function creditPosition(db: Executor | Kysely<DB>, dealerId: number, opts: { excludeOrderId?: number } = {}): Promise<CreditPosition> {
  const dealer = await db.selectFrom("organisations").select(["credit_limit_minor", "currency"]).where("id", "=", dealerId).executeTakeFirstOrThrow();
  const bal = await db
    .selectFrom("dealer_balances")
    .select(sql<string>`balance_minor`.as("b"))
    .where("dealer_id", "=", dealerId)
    .executeTakeFirst();
  let open = db
    .selectFrom("orders as o")
    .select(sql<string>`COALESCE(SUM(o.total_minor - o.shipped_value_minor), 0)`.as("v"))
    .where("o.dealer_id", "=", dealerId)
    .where("o.status", "in", [...OPEN_ORDER_STATUSES]);
  if (opts.excludeOrderId) open = open.where("o.id", "<>", opts.excludeOrderId);
  const openRow = await open.executeTakeFirst();
  const balanceMinor = Number(bal?.b ?? 0);
  const openOrdersMinor = Number(openRow?.v ?? 0);
  return {
    limitMinor: dealer.credit_limit_minor,
    balanceMinor,
    openOrdersMinor,
    availableMinor: dealer.credit_limit_minor - balanceMinor - openOrdersMinor,
    currency: dealer.currency,
  };
}

/** The same figures for many dealers at once (lists: aging, ledger overview), in three queries; balances from the maintained aggregate. */
export async function creditPositions(db: Executor | Kysely<DB>, dealerIds: number[]): Promise<Map<number, CreditPosition>> {
  const out = new Map<number, CreditPosition>();
  if (!dealerIds.length) return out;
  const [dealers, balances, open] = await Promise.all([
    db.selectFrom("organisations").select(["id", "credit_limit_minor", "currency"]).where("id", "in", dealerIds).execute(),
    db
      .selectFrom("dealer_balances")
      .select(["dealer_id", sql<string>`balance_minor`.as("b")])
      .where("dealer_id", "in", dealerIds)
      .execute(),
    db
      .selectFrom("orders as o")
      .select(["o.dealer_id", sql<string>`SUM(o.total_minor - o.shipped_value_minor)`.as("v")])
      .where("o.dealer_id", "in", dealerIds)
      .where("o.status", "in", [...OPEN_ORDER_STATUSES])
      .groupBy("o.dealer_id")
      .execute(),
  ]);
  const bal = new Map(balances.map((r) => [r.dealer_id, Number(r.b)]));
  const opn = new Map(open.map((r) => [r.dealer_id, Number(r.v)]));
  for (const d of dealers) {
    const balanceMinor = bal.get(d.id) ?? 0;
    const openOrdersMinor = opn.get(d.id) ?? 0;
    out.set(d.id, {
      limitMinor: d.credit_limit_minor,
      balanceMinor,
      openOrdersMinor,
      availableMinor: d.credit_limit_minor - balanceMinor - openOrdersMinor,
      currency: d.currency,
    });
  }
  return out;
}
