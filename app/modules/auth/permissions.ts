/**
 * The one permission table. It mirrors the matrix in DESIGN.md; routes and
 * domain functions ask `can`/`requirePermission`, never a role name.
 * Browser-safe: the UI uses it to hide what a role cannot do (the server still decides).
 */
export const ROLES = ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const DEALER_ROLES = ["dealer_admin", "dealer_sales", "dealer_finance"] as const satisfies readonly Role[];
export const MANUFACTURER_ROLES = ["account_manager", "ops", "finance", "admin"] as const satisfies readonly Role[];
export type DealerRole = (typeof DEALER_ROLES)[number];

const ALL = ROLES;
const DEALER_ANY = DEALER_ROLES;

export const PERMISSIONS = {
  // catalog and stock
  "catalog:read": ALL,
  "stock:adjust": ["ops", "admin"],
  "stock:import": ["ops", "admin"],
  "product:manage": ["admin"],
  // key accounts and deals
  "key_account:read": ["account_manager", "admin"],
  "key_account:manage": ["account_manager", "admin"],
  "deal:read": ["dealer_admin", "dealer_sales", "account_manager", "admin"],
  "deal:register": ["dealer_admin", "dealer_sales"],
  "deal:activity": ["dealer_admin", "dealer_sales", "account_manager"],
  "deal:approve": ["account_manager", "admin"],
  "deal:close": ["dealer_admin", "dealer_sales"],
  "lead:offer": ["account_manager"],
  "lead:respond": ["dealer_admin", "dealer_sales"],
  "quote:read": ["dealer_admin", "dealer_sales", "account_manager", "admin"],
  "quote:create": ["account_manager"],
  "quote:approve_discount": ["admin"],
  "quote:accept": ["dealer_admin", "dealer_sales"],
  // orders
  "order:read": ALL,
  "order:create": ["dealer_admin", "dealer_sales"],
  "order:confirm_delivery": ["dealer_admin", "dealer_sales"],
  "order:review": ["ops", "admin"],
  "order:ship": ["ops", "admin"],
  "address:manage": ["dealer_admin"],
  "credit:release": ["finance", "admin"],
  // ledger and statements
  "ledger:read": ["dealer_admin", "dealer_finance", "finance", "admin"],
  "statement:respond": ["dealer_admin", "dealer_finance"],
  "ledger:post": ["finance", "admin"],
  "statement:issue": ["finance", "admin"],
  "dispute:resolve": ["finance", "admin"],
  "credit:edit": ["finance", "admin"],
  "aging:read": ["finance", "admin"],
  // people and administration
  "user:manage": ["dealer_admin", "admin"],
  "second_factor:reset": ["admin"],
  "dealer:manage": ["admin"],
  "announcement:manage": ["admin"],
  "job:manage": ["admin"],
  "outbox:read": ["admin"],
  "audit:read": ["admin"],
  "reports:read": ALL,
  "dashboard:read": ALL,
  "settings:self": ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleCan(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isDealerRole(role: Role): role is DealerRole {
  return (DEALER_ANY as readonly Role[]).includes(role);
}

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}
