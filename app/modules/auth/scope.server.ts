import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { Executor } from "../../../db/client";
import { NotFoundError } from "~/utils/errors";
import type { Actor } from "./actor";
import { isDealerRole } from "./permissions";

/**
 * The one scoping rule for dealer data:
 * dealer roles see their own dealer; account managers the dealers assigned to them;
 * ops, finance and admin (and the system actor) see all.
 */
export type DealerScope = { kind: "dealer"; dealerId: number } | { kind: "assigned"; accountManagerId: number } | { kind: "all" };

export function dealerScope(actor: Actor): DealerScope {
  if (actor.kind === "system") return { kind: "all" };
  if (isDealerRole(actor.role)) {
    if (actor.dealerId === null) throw new Error("dealer actor without dealer");
    return { kind: "dealer", dealerId: actor.dealerId };
  }
  if (actor.role === "account_manager") return { kind: "assigned", accountManagerId: actor.userId! };
  return { kind: "all" };
}

/**
 * A WHERE condition limiting `column` (a dealer id column, e.g. "orders.dealer_id") to the actor's scope.
 * Usage: `.where(inDealerScope(actor, "orders.dealer_id"))`.
 */
export function inDealerScope(actor: Actor, column: string) {
  const scope = dealerScope(actor);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    const ref = sql.ref(column);
    if (scope.kind === "dealer") return eb(ref, "=", scope.dealerId);
    if (scope.kind === "assigned")
      return eb(ref, "in", eb.selectFrom("organisations").select("organisations.id").where("organisations.account_manager_id", "=", scope.accountManagerId));
    return sql<SqlBool>`TRUE`;
  };
}

/** Throws 404 unless the dealer is within the actor's scope. */
export async function assertDealerInScope(db: Executor, actor: Actor, dealerId: number): Promise<void> {
  const scope = dealerScope(actor);
  if (scope.kind === "all") return;
  if (scope.kind === "dealer") {
    if (scope.dealerId !== dealerId) throw new NotFoundError();
    return;
  }
  const row = await db.selectFrom("organisations").select("id").where("id", "=", dealerId).where("account_manager_id", "=", scope.accountManagerId).executeTakeFirst();
  if (!row) throw new NotFoundError();
}
