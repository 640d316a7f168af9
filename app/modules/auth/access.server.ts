/**
 * The one access module (issue #21, docs/decisions/113-one-access-module.md).
 *
 * `can(actor, permission, record?)` and `requireAccess(actor, permission, record?)` answer one of three:
 * allowed; not found (404) when the record lies outside the actor's scope, so that its existence does not
 * leak; forbidden (403) when it is in scope but the role lacks the permission. Without a record they ask
 * the permission table alone (as `requirePermission` in actor.ts does).
 *
 * Every scoping rule lives here, one per record kind, each as a Kysely WHERE builder (for lists, exports
 * and lookups by id) and a per-record check (for a row already read):
 *   dealerData   rows owned by a dealer: orders, ledger, statements, addresses, sell-out, service cases…
 *   dealers      the dealer organisations themselves
 *   users        user accounts (a dealer's own users)
 *   deals        deal registrations
 *   quotes       through their deal
 *   keyAccounts  key accounts (end customers)
 *   leads        leads offered to a dealer
 *   serviceCases after-sales service cases (through their dealer)
 * Role names never appear here: the actor's reach is derived from the permission table.
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { Executor } from "../../../db/client";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { actorHolds, type Actor } from "./actor";
import { isDealerRole, roleCan, type Permission } from "./permissions";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEb = ExpressionBuilder<any, any>;
type Where = (eb: AnyEb) => Expression<SqlBool>;

/**
 * How far an actor reaches: dealer roles their own dealer; account managers (`key_account:own`) what is
 * assigned to them; everyone else (ops, finance, admin, the system actor) everything their permissions allow.
 */
export type Reach = { kind: "dealer"; dealerId: number } | { kind: "assigned"; userId: number } | { kind: "all" };

function reachOf(actor: Actor): Reach {
  if (actor.kind === "system") return { kind: "all" };
  if (isDealerRole(actor.role)) {
    if (actor.dealerId === null) throw new Error("dealer actor without dealer");
    return { kind: "dealer", dealerId: actor.dealerId };
  }
  if (roleCan(actor.role, "key_account:own")) return { kind: "assigned", userId: actor.userId! };
  return { kind: "all" };
}

/** The records an access decision can be about, with the facts their scope rule reads. */
export type AccessRecord =
  | { kind: "dealer_data"; dealerId: number; dealerAccountManagerId: number | null }
  | { kind: "dealer"; dealerId: number; accountManagerId: number | null }
  | { kind: "user"; organisationId: number }
  | { kind: "deal"; dealerId: number; accountManagerId: number }
  | { kind: "quote"; deal: { dealerId: number; accountManagerId: number } }
  | { kind: "key_account"; ownerId: number }
  | { kind: "lead"; dealerId: number; accountManagerId: number }
  | { kind: "service_case"; dealerId: number; dealerAccountManagerId: number | null };

/** "in": the record is the actor's to see; "out": it is not (404); "none": the actor sees no record of this kind (403). */
export type ScopeAnswer = "in" | "out" | "none";
export type AccessAnswer = "allowed" | "forbidden" | "not_found";

const TRUE = sql<SqlBool>`TRUE`;
const inOut = (b: boolean): ScopeAnswer => (b ? "in" : "out");

// ---------------------------------------------------------------- the scoping rules, one per record kind

/** Dealer-owned rows: dealer roles their own dealer's; account managers the dealers assigned to them; the rest all. */
const dealerData = {
  /** `column` is a dealer id column, e.g. "orders.dealer_id". */
  where(actor: Actor, column: string): Where {
    const reach = reachOf(actor);
    return (eb) => {
      const ref = sql.ref(column);
      if (reach.kind === "dealer") return eb(ref, "=", reach.dealerId);
      if (reach.kind === "assigned")
        return eb(ref, "in", eb.selectFrom("organisations").select("organisations.id").where("organisations.account_manager_id", "=", reach.userId));
      return TRUE;
    };
  },
  check(actor: Actor, r: { dealerId: number; dealerAccountManagerId: number | null }): ScopeAnswer {
    const reach = reachOf(actor);
    if (reach.kind === "dealer") return inOut(r.dealerId === reach.dealerId);
    if (reach.kind === "assigned") return inOut(r.dealerAccountManagerId === reach.userId);
    return "in";
  },
};

/** Dealer organisations: a dealer its own row; an account manager the dealers assigned to them; the rest all. */
const dealers = {
  where(actor: Actor, cols: { id: string; accountManagerId: string } = { id: "o.id", accountManagerId: "o.account_manager_id" }): Where {
    const reach = reachOf(actor);
    return (eb) => {
      if (reach.kind === "dealer") return eb(sql.ref(cols.id), "=", reach.dealerId);
      if (reach.kind === "assigned") return eb(sql.ref(cols.accountManagerId), "=", reach.userId);
      return TRUE;
    };
  },
  check(actor: Actor, r: { dealerId: number; accountManagerId: number | null }): ScopeAnswer {
    return dealerData.check(actor, { dealerId: r.dealerId, dealerAccountManagerId: r.accountManagerId });
  },
};

/** User accounts: a dealer's users see their own organisation's; manufacturer staff all. */
const users = {
  where(actor: Actor, column = "u.organisation_id"): Where {
    const reach = reachOf(actor);
    return (eb) => (reach.kind === "dealer" ? eb(sql.ref(column), "=", reach.dealerId) : TRUE);
  },
  check(actor: Actor, r: { organisationId: number }): ScopeAnswer {
    const reach = reachOf(actor);
    return reach.kind === "dealer" ? inOut(r.organisationId === reach.dealerId) : "in";
  },
};

/**
 * Deals: dealer roles their own dealer's; account managers the deals on key accounts they own
 * (deals.account_manager_id); those who read all deals (`deal:read` without a narrower reach: the
 * administrator, the system) all; anyone else none (403).
 */
const deals = {
  where(actor: Actor, alias = "d"): Where {
    const reach = reachOf(actor);
    if (reach.kind === "all" && !readsAll(actor, "deal:read")) throw new ForbiddenError();
    return (eb) => {
      if (reach.kind === "dealer") return eb(sql.ref(`${alias}.dealer_id`), "=", reach.dealerId);
      if (reach.kind === "assigned") return eb(sql.ref(`${alias}.account_manager_id`), "=", reach.userId);
      return TRUE;
    };
  },
  check(actor: Actor, r: { dealerId: number; accountManagerId: number }): ScopeAnswer {
    const reach = reachOf(actor);
    if (reach.kind === "dealer") return inOut(r.dealerId === reach.dealerId);
    if (reach.kind === "assigned") return inOut(r.accountManagerId === reach.userId);
    return readsAll(actor, "deal:read") ? "in" : "none";
  },
  /** Whether the actor sees every deal (and so may filter them by account manager). */
  readsAll(actor: Actor): boolean {
    return reachOf(actor).kind === "all" && readsAll(actor, "deal:read");
  },
};

/** Quotes: through their deal (the query joins `deals as d`). */
const quotes = {
  where(actor: Actor, dealAlias = "d"): Where {
    return deals.where(actor, dealAlias);
  },
  check(actor: Actor, r: { deal: { dealerId: number; accountManagerId: number } }): ScopeAnswer {
    return deals.check(actor, r.deal);
  },
};

/**
 * Key accounts: an account manager the ones they own; those who read all key accounts (the administrator,
 * the system) all; dealers and other staff none (403): dealers see a key account only through their deals.
 */
const keyAccounts = {
  where(actor: Actor, alias = "ka"): Where {
    const reach = reachOf(actor);
    if (reach.kind === "dealer" || (reach.kind === "all" && !readsAll(actor, "key_account:read"))) throw new ForbiddenError();
    return (eb) => (reach.kind === "assigned" ? eb(sql.ref(`${alias}.owner_id`), "=", reach.userId) : TRUE);
  },
  check(actor: Actor, r: { ownerId: number }): ScopeAnswer {
    const reach = reachOf(actor);
    if (reach.kind === "assigned") return inOut(r.ownerId === reach.userId);
    if (reach.kind === "all" && readsAll(actor, "key_account:read")) return "in";
    return "none";
  },
};

/**
 * Leads: a dealer role that reads deals the leads offered to its dealer; an account manager the leads
 * they offered; those who read all deals all; anyone else none (403).
 */
const leads = {
  where(actor: Actor, alias = "l"): Where {
    const reach = reachOf(actor);
    if (!roleCan(actor.role, "deal:read") && actor.kind !== "system") throw new ForbiddenError();
    return (eb) => {
      if (reach.kind === "dealer") return eb(sql.ref(`${alias}.dealer_id`), "=", reach.dealerId);
      if (reach.kind === "assigned") return eb(sql.ref(`${alias}.account_manager_id`), "=", reach.userId);
      return TRUE;
    };
  },
  check(actor: Actor, r: { dealerId: number; accountManagerId: number }): ScopeAnswer {
    if (!roleCan(actor.role, "deal:read") && actor.kind !== "system") return "none";
    const reach = reachOf(actor);
    if (reach.kind === "dealer") return inOut(r.dealerId === reach.dealerId);
    if (reach.kind === "assigned") return inOut(r.accountManagerId === reach.userId);
    return "in";
  },
};

/**
 * Service cases: a dealer role its own dealer's; an account manager those of the dealers assigned to them
 * (the dealer's account manager, `organisations.account_manager_id`); those who read all cases (the service
 * desk, the administrator, the system) all; anyone else none (403). `column` is the case's dealer id column.
 */
const serviceCases = {
  where(actor: Actor, column = "sc.dealer_id"): Where {
    const reach = reachOf(actor);
    if (reach.kind === "all" && !readsAll(actor, "service:read")) throw new ForbiddenError();
    return dealerData.where(actor, column);
  },
  check(actor: Actor, r: { dealerId: number; dealerAccountManagerId: number | null }): ScopeAnswer {
    const reach = reachOf(actor);
    if (reach.kind === "all" && !readsAll(actor, "service:read")) return "none";
    return dealerData.check(actor, r);
  },
};

/** The scoping rules by record kind: `.where(scopes.deal.where(actor))`, `scopes.deal.check(actor, row)`. */
export const scopes = {
  dealerData,
  dealer: dealers,
  user: users,
  deal: deals,
  quote: quotes,
  keyAccount: keyAccounts,
  lead: leads,
  serviceCase: serviceCases,
} as const;

function readsAll(actor: Actor, permission: Permission): boolean {
  return actor.kind === "system" || roleCan(actor.role, permission);
}

/** The scope rule of a record, whatever its kind. */
function scopeOf(actor: Actor, record: AccessRecord): ScopeAnswer {
  switch (record.kind) {
    case "dealer_data":
      return dealerData.check(actor, record);
    case "dealer":
      return dealers.check(actor, record);
    case "user":
      return users.check(actor, record);
    case "deal":
      return deals.check(actor, record);
    case "quote":
      return quotes.check(actor, record);
    case "key_account":
      return keyAccounts.check(actor, record);
    case "lead":
      return leads.check(actor, record);
    case "service_case":
      return serviceCases.check(actor, record);
  }
}

// ---------------------------------------------------------------- the decision

/** Allowed, forbidden (403) or not found (404): the scope first, so that a record outside it never answers 403. */
export function decide(actor: Actor, permission: Permission, record?: AccessRecord): AccessAnswer {
  if (record) {
    const scope = scopeOf(actor, record);
    if (scope === "out") return "not_found";
    if (scope === "none") return "forbidden";
  }
  return actorHolds(actor, permission) ? "allowed" : "forbidden";
}

export function can(actor: Actor, permission: Permission, record?: AccessRecord): boolean {
  return decide(actor, permission, record) === "allowed";
}

/** Throws NotFoundError (404) outside the actor's scope, ForbiddenError (403) in scope without the permission. */
export function requireAccess(actor: Actor, permission: Permission, record?: AccessRecord): void {
  const answer = decide(actor, permission, record);
  if (answer === "not_found") throw new NotFoundError();
  if (answer === "forbidden") throw new ForbiddenError();
}

// ---------------------------------------------------------------- dealer data known by its dealer id

/** Reads what the dealer-data rule needs about a dealer (its account manager) only when the actor's reach needs it. */
async function dealerRecord(db: Executor, actor: Actor, dealerId: number): Promise<AccessRecord & { kind: "dealer_data" }> {
  if (reachOf(actor).kind !== "assigned") return { kind: "dealer_data", dealerId, dealerAccountManagerId: null };
  const row = await db.selectFrom("organisations").select("account_manager_id").where("id", "=", dealerId).executeTakeFirst();
  return { kind: "dealer_data", dealerId, dealerAccountManagerId: row?.account_manager_id ?? null };
}

/** Throws 404 unless the dealer (and so its rows) is within the actor's scope. */
export async function assertDealerInScope(db: Executor, actor: Actor, dealerId: number): Promise<void> {
  if (dealerData.check(actor, await dealerRecord(db, actor, dealerId)) !== "in") throw new NotFoundError();
}

/** `requireAccess` for a row of a dealer known by its id: 404 outside the scope, 403 without the permission. */
export async function requireDealerAccess(db: Executor, actor: Actor, permission: Permission, dealerId: number): Promise<void> {
  requireAccess(actor, permission, await dealerRecord(db, actor, dealerId));
}

// ---------------------------------------------------------------- the names callers used before (scope.server.ts)

export type DealerScope = { kind: "dealer"; dealerId: number } | { kind: "assigned"; accountManagerId: number } | { kind: "all" };

/** The dealer-data reach in the shape statements and reports read. */
export function dealerScope(actor: Actor): DealerScope {
  const reach = reachOf(actor);
  return reach.kind === "assigned" ? { kind: "assigned", accountManagerId: reach.userId } : reach;
}

/** `.where(inDealerScope(actor, "orders.dealer_id"))`: the dealer-data rule on a dealer id column. */
export function inDealerScope(actor: Actor, column: string): Where {
  return dealerData.where(actor, column);
}
