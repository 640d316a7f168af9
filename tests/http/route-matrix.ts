/**
 * The role × route matrix, one entry per route file in app/routes. A route
 * file without an entry fails the matrix test, so every new page is covered.
 *
 * `allow`: roles that get 200 on GET; every other signed-in role gets 403, or
 * 404 when listed in `notFound` (a record outside their scope). "public" pages
 * answer everyone; "redirect" routes only redirect on GET (actions only).
 */
import type { Role } from "../../app/modules/auth/permissions";
import type { createCast } from "../factories";
import { matrixDealRecords } from "../factories/deals";

export type Cast = Awaited<ReturnType<typeof createCast>>;
/** `rec` holds the ids an entry's `setup` created (e.g. a deal of dealer A). */
export type Fixture = { cast: Cast; rec: Record<string, number> };

export type MatrixEntry = {
  /** Creates the records the path needs, once the cast exists. */
  setup?: (cast: Cast) => Promise<Record<string, number>>;
  path: (fx: Fixture) => string;
  allow: readonly Role[] | "public" | "redirect";
  /** Roles whose own scope does not include the record: 404, not 403. */
  notFound?: readonly Role[];
  /** The record belongs to dealer A; these dealer-B users must get 404 (never learn it exists). */
  otherDealer?: readonly ("dealer_admin" | "dealer_sales" | "dealer_finance")[];
};

const ALL: readonly Role[] = ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance", "admin"];

export const MATRIX: Record<string, MatrixEntry> = {
  "_index.tsx": { path: () => "/", allow: ALL },
  "login.tsx": { path: () => "/login", allow: "public" },
  "logout.tsx": { path: () => "/logout", allow: "redirect" },
  "locale.tsx": { path: () => "/locale", allow: "redirect" },
  "settings.tsx": { path: () => "/settings", allow: ALL },
  "admin.users._index.tsx": { path: () => "/admin/users", allow: ["dealer_admin", "admin"] },
  "admin.users.new.tsx": { path: () => "/admin/users/new", allow: ["dealer_admin", "admin"] },
  "admin.users.$id.tsx": {
    path: ({ cast }) => `/admin/users/${cast.a.dealer_sales.id}`,
    allow: ["dealer_admin", "admin"],
    otherDealer: ["dealer_admin"],
  },
  "admin.dealers._index.tsx": { path: () => "/admin/dealers", allow: ["admin"] },
  "admin.dealers.new.tsx": { path: () => "/admin/dealers/new", allow: ["admin"] },
  "admin.dealers.$id.tsx": { path: ({ cast }) => `/admin/dealers/${cast.dealerA.id}`, allow: ["admin"] },
  "admin.audit.tsx": { path: () => "/admin/audit", allow: ["admin"] },
  // Deals area: the key account is owned by dealer A's account manager; the deal, quote and lead belong to dealer A.
  "key-accounts._index.tsx": { path: () => "/key-accounts", allow: ["account_manager", "admin"] },
  "key-accounts.new.tsx": { path: () => "/key-accounts/new", allow: ["account_manager", "admin"] },
  "key-accounts.$id.tsx": { setup: matrixDealRecords, path: ({ rec }) => `/key-accounts/${rec.keyAccountId}`, allow: ["account_manager", "admin"] },
  "deals._index.tsx": { path: () => "/deals", allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"] },
  "deals.new.tsx": { path: () => "/deals/new", allow: ["dealer_admin", "dealer_sales"] },
  "deals.$id.tsx": {
    setup: matrixDealRecords,
    path: ({ rec }) => `/deals/${rec.dealId}`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "quotes.$id.tsx": {
    setup: matrixDealRecords,
    path: ({ rec }) => `/quotes/${rec.quoteId}`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "leads.$id.tsx": {
    setup: matrixDealRecords,
    path: ({ rec }) => `/leads/${rec.leadId}`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
};
