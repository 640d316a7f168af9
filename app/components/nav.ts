import type { MessageKey } from "~/i18n";
import { roleCan, type Permission, type Role } from "~/modules/auth/permissions";

export type NavItem = { to: string; label: MessageKey; permission: Permission };

/** Navigation by role: an item shows when the role has its permission. */
export const NAV: NavItem[] = [
  { to: "/", label: "nav.dashboard", permission: "dashboard:read" },
  { to: "/stock", label: "nav.stock", permission: "catalog:read" },
  { to: "/key-accounts", label: "nav.keyAccounts", permission: "key_account:read" },
  { to: "/deals", label: "nav.deals", permission: "deal:read" },
  { to: "/orders", label: "nav.orders", permission: "order:read" },
  { to: "/review/orders", label: "nav.review", permission: "order:review" },
  { to: "/quotes/approvals", label: "nav.quoteApprovals", permission: "quote:approve_discount" },
  { to: "/finance/credit-holds", label: "nav.creditHolds", permission: "credit:release" },
  { to: "/statements", label: "nav.statements", permission: "ledger:read" },
  { to: "/fees", label: "nav.fees", permission: "ledger:read" },
  { to: "/finance/ledger", label: "nav.ledger", permission: "ledger:post" },
  { to: "/finance/statements", label: "nav.financeStatements", permission: "statement:issue" },
  { to: "/finance/disputes", label: "nav.disputes", permission: "dispute:resolve" },
  { to: "/finance/aging", label: "nav.aging", permission: "aging:read" },
  { to: "/service", label: "nav.service", permission: "service:read" },
  { to: "/sellout", label: "nav.sellout", permission: "sellout:view" },
  { to: "/measures", label: "nav.measures", permission: "measures:view" },
  { to: "/promotions", label: "nav.promotions", permission: "promotion:read" },
  { to: "/reports", label: "nav.reports", permission: "reports:read" },
];

export const ADMIN_NAV: NavItem[] = [
  { to: "/admin/users", label: "nav.users", permission: "user:manage" },
  { to: "/admin/dealers", label: "nav.dealers", permission: "dealer:manage" },
  { to: "/admin/products", label: "nav.products", permission: "product:manage" },
  { to: "/admin/announcements", label: "nav.announcements", permission: "announcement:manage" },
  { to: "/admin/jobs", label: "nav.jobs", permission: "job:manage" },
  { to: "/admin/outbox", label: "nav.outbox", permission: "outbox:read" },
  { to: "/admin/audit", label: "nav.audit", permission: "audit:read" },
  { to: "/admin/service-promise", label: "nav.servicePromise", permission: "service:configure" },
  { to: "/reports/managers", label: "nav.managerRanking", permission: "measures:rank" },
];

/** Items whose routes exist; each capability adds its paths here as it lands. */
const AVAILABLE = new Set<string>([
  "/",
  "/stock",
  "/key-accounts",
  "/deals",
  "/admin/users",
  "/admin/dealers",
  "/admin/products",
  "/admin/audit",
  "/admin/announcements",
  "/admin/jobs",
  "/admin/outbox",
  "/orders",
  "/review/orders",
  "/quotes/approvals",
  "/finance/credit-holds",
  "/statements",
  "/fees",
  "/finance/ledger",
  "/finance/statements",
  "/finance/disputes",
  "/finance/aging",
  "/reports",
  "/service",
  "/sellout",
  "/measures",
  "/reports/managers",
  "/promotions",
  "/admin/service-promise",
]);

export function navFor(role: Role, items: NavItem[]): NavItem[] {
  return items.filter((i) => AVAILABLE.has(i.to) && roleCan(role, i.permission));
}
