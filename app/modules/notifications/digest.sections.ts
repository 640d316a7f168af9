/**
 * Which domain events go into whose digest, and under which heading.
 * Event types are the contract with the domains that emit them (orders,
 * quotes, deals, statements): `<entity>.<what happened>`, with dealer_id and
 * account_manager_id set for scoping and a payload carrying display fields
 * (number/title/to/status/validUntil/protectionExpiresOn/confirmBy/daysLeft…).
 */
import type { Permission, Role } from "~/modules/auth/permissions";
import { isDealerRole } from "~/modules/auth/permissions";

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

const BACKORDER_TYPES = new Set(["order.backorder_available", "backorder.available", "order.line_available"]);
/** Order events that are not status news for the dealer. */
const ORDER_NOT_NEWS = new Set(["order.created", "order.draft_saved", "order.draft_updated", "order.stale", ...BACKORDER_TYPES]);

const DEALER: Record<string, SectionKey> = {
  "quote.proposed": "quotes",
  "quote.expiring": "quotes",
  "quote.expired": "quotes",
  "deal.approved": "deals",
  "deal.rejected": "deals",
  "deal.conflict": "deals",
  "deal.expiring": "deals",
  "deal.expired": "deals",
  "deal.won": "deals",
  "deal.task_assigned": "deals",
  "lead.offered": "deals",
  "statement.issued": "statements",
  "statement.reminder": "statements",
  "dispute.resolved": "disputes",
  "dispute.accepted": "disputes",
  "dispute.rejected": "disputes",
  "statement.resolved": "disputes",
};

const ACCOUNT_MANAGER: Record<string, SectionKey> = {
  "quote.revision_requested": "quotes",
  "quote.accepted": "quotes",
  "quote.approved": "quotes",
  "quote.rejected": "quotes",
  "quote.converted": "quotes",
  "quote.expired": "quotes",
  "deal.registered": "deals",
  "deal.conflict": "deals",
  "deal.expiring": "deals",
  "deal.expired": "deals",
  "deal.won": "deals",
  "deal.lost": "deals",
  "lead.accepted": "deals",
  "lead.declined": "deals",
};

const OPS: Record<string, SectionKey> = {
  "order.submitted": "orderQueue",
  "order.resubmitted": "orderQueue",
  "order.credit_released": "orderQueue",
  "order.stale": "orderQueue",
};
const FINANCE: Record<string, SectionKey> = {
  "dispute.opened": "disputesOpened",
  "statement.disputed": "disputesOpened",
  "order.credit_hold": "creditHolds",
};
const ADMIN: Record<string, SectionKey> = {
  "quote.pending_approval": "quoteApprovals",
  "quote.approval_requested": "quoteApprovals",
};

/** Event types read across all dealers for manufacturer staff (ops, finance, admin). */
export const STAFF_TYPES: Record<"ops" | "finance" | "admin", string[]> = {
  ops: Object.keys(OPS),
  finance: Object.keys(FINANCE),
  admin: Object.keys(ADMIN),
};

/** The section an event belongs to for an audience, or null when it is not news for them. */
export function classify(type: string, audience: Audience): SectionKey | null {
  switch (audience) {
    case "dealer":
      if (DEALER[type]) return DEALER[type]!;
      if (BACKORDER_TYPES.has(type)) return "backorders";
      if (type.startsWith("order.") && !ORDER_NOT_NEWS.has(type)) return "orders";
      return null;
    case "account_manager":
      if (ACCOUNT_MANAGER[type]) return ACCOUNT_MANAGER[type]!;
      if (type.startsWith("order.") && !ORDER_NOT_NEWS.has(type)) return "orders";
      return null;
    case "ops":
      return OPS[type] ?? null;
    case "finance":
      return FINANCE[type] ?? null;
    case "admin":
      return ADMIN[type] ?? null;
  }
}
