/**
 * Which domain events go into whose digest, and under which heading.
 * Event types are the contract with the domains that emit them (orders,
 * quotes, deals, statements): `<entity>.<what happened>`, with dealer_id and
 * account_manager_id set for scoping and a payload carrying display fields
 * (number/title/to/status/validUntil/protectionExpiresOn/confirmBy/daysLeft…).
 */
import type { Permission, Role } from "~/modules/auth/permissions";
import { isDealerRole } from "~/modules/auth/permissions";
import type { DomainEventType } from "~/modules/audit/event-types";

export type Audience = "dealer" | "account_manager" | "ops" | "finance" | "admin";

/** In the order they appear in the email: what needs the reader first. */
export const SECTION_KEYS = [
  "quotes",
  "deals",
  "statements",
  "orders",
  "backorders",
  "disputes",
  "orderQueue",
  "creditHolds",
  "disputesOpened",
  "quoteApprovals",
  "announcements",
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** A dealer or account manager sees a section only when their role may read its records (DESIGN.md matrix). */
export const SECTION_PERMISSION: Record<SectionKey, Permission | null> = {
  quotes: "quote:read",
  deals: "deal:read",
  statements: "ledger:read",
  orders: "order:read",
  backorders: "order:read",
  disputes: "ledger:read",
  orderQueue: "order:review",
  creditHolds: "credit:release",
  disputesOpened: "dispute:resolve",
  quoteApprovals: "quote:approve_discount",
  announcements: null,
};

/** Where each section's "see all" link points. */
export const SECTION_PATH: Record<SectionKey, string> = {
  quotes: "/deals",
  deals: "/deals",
  statements: "/statements",
  orders: "/orders",
  backorders: "/orders",
  disputes: "/statements",
  orderQueue: "/review/orders",
  creditHolds: "/orders?status=credit_hold",
  disputesOpened: "/finance/disputes",
  quoteApprovals: "/deals",
  announcements: "/",
};

export function audienceOf(role: Role): Audience {
  if (isDealerRole(role)) return "dealer";
  return role;
}

type EventMap = Partial<Record<DomainEventType, SectionKey>>;

const BACKORDER_TYPES = new Set<string>(["order.backorder_available"] satisfies DomainEventType[]);
/** Order events that are not status news for the dealer. */
const ORDER_NOT_NEWS = new Set<string>(["order.stale", ...BACKORDER_TYPES]);

const DEALER: EventMap = {
  "quote.proposed": "quotes",
  "quote.expired": "quotes",
  "deal.approved": "deals",
  "deal.rejected": "deals",
  "deal.conflict": "deals",
  "deal.expiring": "deals",
  "deal.expired": "deals",
  "deal.renewed": "deals",
  "deal.renewal_declined": "deals",
  "deal.won": "deals",
  "deal.task_added": "deals",
  "lead.offered": "deals",
  "statement.issued": "statements",
  "dispute.resolved": "disputes",
  "statement.resolved": "disputes",
};

const ACCOUNT_MANAGER: EventMap = {
  "quote.revision_requested": "quotes",
  "quote.accepted": "quotes",
  "quote.approval_refused": "quotes",
  "quote.converted": "quotes",
  "quote.expired": "quotes",
  "deal.registered": "deals",
  "deal.conflict": "deals",
  "deal.expiring": "deals",
  "deal.expired": "deals",
  "deal.renewal_requested": "deals",
  "deal.won": "deals",
  "deal.lost": "deals",
  "lead.accepted": "deals",
  "lead.declined": "deals",
};

const OPS: EventMap = {
  "order.submitted": "orderQueue",
  "order.stale": "orderQueue",
};
const FINANCE: EventMap = {
  "dispute.opened": "disputesOpened",
  "statement.disputed": "disputesOpened",
  "order.credit_hold": "creditHolds",
};
const ADMIN: EventMap = {
  "quote.pending_approval": "quoteApprovals",
};

/** Event types read across all dealers for manufacturer staff (ops, finance, admin). */
export const STAFF_TYPES: Record<"ops" | "finance" | "admin", DomainEventType[]> = {
  ops: Object.keys(OPS) as DomainEventType[],
  finance: Object.keys(FINANCE) as DomainEventType[],
  admin: Object.keys(ADMIN) as DomainEventType[],
};

/** The section an event belongs to for an audience, or null when it is not news for them. */
export function classify(type: string, audience: Audience): SectionKey | null {
  const known = type as DomainEventType;
  switch (audience) {
    case "dealer":
      if (DEALER[known]) return DEALER[known]!;
      if (BACKORDER_TYPES.has(type)) return "backorders";
      if (type.startsWith("order.") && !ORDER_NOT_NEWS.has(type)) return "orders";
      return null;
    case "account_manager":
      if (ACCOUNT_MANAGER[known]) return ACCOUNT_MANAGER[known]!;
      if (type.startsWith("order.") && !ORDER_NOT_NEWS.has(type)) return "orders";
      return null;
    case "ops":
      return OPS[known] ?? null;
    case "finance":
      return FINANCE[known] ?? null;
    case "admin":
      return ADMIN[known] ?? null;
  }
}
