/**
 * Which domain events go into whose digest, and under which heading.
 * Event types are the contract with the domains that emit them (orders,
 * quotes, deals, statements): `<entity>.<what happened>`, with dealer_id and
 * account_manager_id set for scoping and a payload carrying display fields
 * (number/title/to/status/validUntil/protectionExpiresOn/confirmBy/daysLeft…).
 */
import type { DigestAudience, Permission, Role } from "~/modules/auth/permissions";
import { DIGEST_AUDIENCE } from "~/modules/auth/permissions";
import type { DomainEventType } from "~/modules/audit/event-types";

/** Which digest a reader gets: the mapping from roles is in the permission table (DIGEST_AUDIENCE). */
export type Audience = DigestAudience;

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
  "serviceCases",
  "promotions",
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
  serviceCases: "service:read",
  promotions: "promotion:read",
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
  creditHolds: "/finance/credit-holds",
  disputesOpened: "/finance/disputes",
  quoteApprovals: "/quotes/approvals",
  serviceCases: "/service?status=open",
  promotions: "/promotions",
  announcements: "/",
};

export function audienceOf(role: Role): Audience {
  return DIGEST_AUDIENCE[role];
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
/** The service desk reads its queue on /service; its digest carries what the other desks' do not. */
const SERVICE: EventMap = {};

/** What a digest knows of a record when it is built: its status and, for some records, one flag. */
export type RecordState = { status: string; confirmed?: boolean; renewalPending?: boolean; validUntil?: string | null };
export type WaitingEntity = "quote" | "statement" | "deal" | "lead" | "order" | "dispute";
type WaitingRule = { entity: WaitingEntity; waiting: (s: RecordState, today: string) => boolean };

const OPEN_DEAL = new Set(["registered", "conflict", "approved", "negotiating", "quoted"]);
/**
 * Events that ask their reader to act, and while their record still waits for that act. A digest lists
 * such an event only if its record waits at the time the digest is built: a quote already answered or
 * booked, a statement already confirmed, an order already reviewed… is not asked for again.
 */
export const WAITING_WHILE: Partial<Record<DomainEventType, WaitingRule>> = {
  "quote.proposed": { entity: "quote", waiting: (s, today) => s.status === "proposed" && (!s.validUntil || s.validUntil >= today) },
  "quote.pending_approval": { entity: "quote", waiting: (s) => s.status === "pending_approval" },
  "quote.revision_requested": { entity: "quote", waiting: (s) => s.status === "revision_requested" },
  "statement.issued": { entity: "statement", waiting: (s) => s.confirmed === false },
  "statement.disputed": { entity: "statement", waiting: (s) => s.status === "disputed" },
  "dispute.opened": { entity: "dispute", waiting: (s) => s.status === "open" },
  "deal.registered": { entity: "deal", waiting: (s) => s.status === "registered" || s.status === "conflict" },
  "deal.conflict": { entity: "deal", waiting: (s) => s.status === "conflict" },
  "deal.expiring": { entity: "deal", waiting: (s) => OPEN_DEAL.has(s.status) },
  "deal.renewal_requested": { entity: "deal", waiting: (s) => OPEN_DEAL.has(s.status) && s.renewalPending === true },
  "lead.offered": { entity: "lead", waiting: (s) => s.status === "offered" },
  "order.submitted": { entity: "order", waiting: (s) => s.status === "submitted" },
  "order.stale": { entity: "order", waiting: (s) => s.status === "submitted" },
  "order.credit_hold": { entity: "order", waiting: (s) => s.status === "credit_hold" },
};

/** The audiences that read across all dealers (manufacturer desks), with the event types each reads. */
export type StaffAudience = "order_desk" | "finance_desk" | "admin_desk" | "service_desk";
export const STAFF_TYPES: Record<StaffAudience, DomainEventType[]> = {
  order_desk: Object.keys(OPS) as DomainEventType[],
  finance_desk: Object.keys(FINANCE) as DomainEventType[],
  admin_desk: Object.keys(ADMIN) as DomainEventType[],
  service_desk: Object.keys(SERVICE) as DomainEventType[],
};
export function isStaffAudience(a: Audience): a is StaffAudience {
  return a in STAFF_TYPES;
}

/** The section an event belongs to for an audience, or null when it is not news for them. */
export function classify(type: string, audience: Audience): SectionKey | null {
  const known = type as DomainEventType;
  switch (audience) {
    case "dealer":
      if (DEALER[known]) return DEALER[known]!;
      if (BACKORDER_TYPES.has(type)) return "backorders";
      if (type.startsWith("order.") && !ORDER_NOT_NEWS.has(type)) return "orders";
      return null;
    case "key_accounts":
      if (ACCOUNT_MANAGER[known]) return ACCOUNT_MANAGER[known]!;
      if (type.startsWith("order.") && !ORDER_NOT_NEWS.has(type)) return "orders";
      return null;
    case "order_desk":
      return OPS[known] ?? null;
    case "finance_desk":
      return FINANCE[known] ?? null;
    case "admin_desk":
      return ADMIN[known] ?? null;
    case "service_desk":
      return SERVICE[known] ?? null;
  }
}
