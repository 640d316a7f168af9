/**
 * The one permission table. It mirrors the matrix in DESIGN.md; routes and
 * domain functions ask `can`/`requirePermission`, never a role name.
 * Browser-safe: the UI uses it to hide what a role cannot do (the server still decides).
 */
export const ROLES = ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance", "admin", "service"] as const;
export type Role = (typeof ROLES)[number];
export const DEALER_ROLES = ["dealer_admin", "dealer_sales", "dealer_finance"] as const satisfies readonly Role[];
export const MANUFACTURER_ROLES = ["account_manager", "ops", "finance", "admin", "service"] as const satisfies readonly Role[];
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
  /** Who is an account manager: owns key accounts, is assigned dealers, reads only what is theirs (access.server.ts). */
  "key_account:own": ["account_manager"],
  /** Chooses a key account's owner and moves it to another account manager. */
  "key_account:assign": ["admin"],
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
  /** Creates a replacement order at no charge for a service case's dealer (the service desk; decision 136). */
  "order:replace": ["admin", "service"],
  "address:manage": ["dealer_admin"],
  "credit:release": ["finance", "admin"],
  /** Receives the stale-order alert (jobs/stale-orders.ts). */
  "order:stale_alert": ["ops"],
  // ledger and statements
  "ledger:read": ["dealer_admin", "dealer_finance", "finance", "admin"],
  "statement:respond": ["dealer_admin", "dealer_finance"],
  /** Receives the reminder to confirm an issued statement (jobs/statement-reminders.ts). */
  "statement:reminder": ["dealer_admin", "dealer_finance"],
  "ledger:post": ["finance", "admin"],
  "statement:issue": ["finance", "admin"],
  "dispute:resolve": ["finance", "admin"],
  "credit:edit": ["finance", "admin"],
  "aging:read": ["finance", "admin"],
  // after-sales service (issue #23): dealers open cases about their own orders, shipments, products or
  // account; the service desk works the queue; the account manager reads the cases of their dealers.
  "service:read": ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "admin", "service"],
  "service:open": ["dealer_admin", "dealer_sales", "dealer_finance"],
  /** The desk: assign, change status, link records, reply for the manufacturer. */
  "service:work": ["admin", "service"],
  /** Reads and writes internal notes (a dealer never sees one). */
  "service:internal": ["account_manager", "admin", "service"],
  /** The service figures page (response and resolution times, promise kept, reopen rate; decision 135): staff, in their scope. */
  "service:figures": ["account_manager", "admin", "service"],
  /** The promise figures per priority and the desk lead. */
  "service:configure": ["admin"],
  /** Receives the urgent-case notice for the dealers assigned to them. */
  "service:urgent_notice": ["account_manager"],
  /** Receives the escalation email when no desk lead is chosen. */
  "service:escalation": ["service"],
  // sell-out and stock reports (issue #24, decision 138): the dealer reports what it sold and holds per
  // period; its account manager reads the reports of the dealers assigned to them; finance and the
  // administrator read every dealer's and close periods.
  "sellout:view": ["dealer_admin", "dealer_sales", "account_manager", "finance", "admin"],
  /** Reports a period by form or upload, and records a visible correction once it is closed. */
  "sellout:report": ["dealer_admin", "dealer_sales"],
  "sellout:close": ["finance", "admin"],
  /** Chooses a dealer's reporting frequency (month or week). */
  "sellout:configure": ["admin"],
  /** Receives the reminder when the dealer's last period is not reported (jobs/sellout-reminders.ts). */
  "sellout:reminder": ["dealer_admin", "dealer_sales"],
  // the dealer-profit measures (issue #24 item 2, decisions 137, 139): who reads the sell-out reads the figures made
  // from it, in the same scope (a dealer its own, an account manager their dealers'); the ranking of account managers
  // by their dealers' figures is the administrator's.
  "measures:view": ["dealer_admin", "dealer_sales", "account_manager", "finance", "admin"],
  "measures:rank": ["admin"],
  /**
   * The "unexplained stock movement" cross-check of a dealer's stock report (decisions 137, 145): a data-quality signal
   * for the account manager (their dealers) and the administrator, never shown to the dealer.
   */
  "measures:stock_check": ["account_manager", "admin"],
  // promotions (促销, issue #24 item 3, decisions 141–143): the administrator creates and runs them; a dealer
  // reads the promotions that target it and its own figures; the account manager those of their dealers;
  // finance every dealer's and reverses a posted promotion rebate.
  "promotion:read": ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "finance", "admin"],
  "promotion:manage": ["admin"],
  /** Reverses a posted promotion rebate with a reversing ledger entry. */
  "promotion:reverse_rebate": ["finance", "admin"],
  // people and administration
  "user:manage": ["dealer_admin", "admin"],
  /** Webhook endpoints and their deliveries: a dealer administrator its own dealer's, an administrator any dealer's. */
  "webhook:manage": ["dealer_admin", "admin"],
  /** Create, see and revoke a dealer's API tokens (its own dealer's, or any dealer's for the administrator). */
  "api_token:manage": ["dealer_admin", "admin"],
  "second_factor:reset": ["admin"],
  "dealer:manage": ["admin"],
  "announcement:manage": ["admin"],
  "job:manage": ["admin"],
  "outbox:read": ["admin"],
  "audit:read": ["admin"],
  "reports:read": ALL,
  "dashboard:read": ALL,
  /** Dashboard panels (app/routes/_index.tsx): the account manager's pipeline, the order desk, finance. */
  "dashboard:pipeline": ["account_manager"],
  "dashboard:order_desk": ["ops", "admin"],
  "dashboard:finance": ["finance", "admin"],
  "settings:self": ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * API token scopes (issue #25, decision 121): what a dealer's own system may do through /api/v1. A token
 * acts as its dealer with the role below, narrowed to the permissions its scopes grant: `can` holds for a
 * token only when the role holds it AND one of the token's scopes grants it. The write scopes are the
 * ones whose every use is audited with the token's name.
 */
export const API_SCOPES = {
  "catalog:read": ["catalog:read"],
  "stock:read": ["catalog:read"],
  "orders:read": ["order:read"],
  "orders:write": ["order:read", "order:create", "order:confirm_delivery"],
  "statements:read": ["ledger:read"],
  "statements:write": ["ledger:read", "statement:respond"],
  "ledger:read": ["ledger:read"],
} as const satisfies Record<string, readonly Permission[]>;
export type ApiScope = keyof typeof API_SCOPES;
export const API_SCOPE_LIST = Object.keys(API_SCOPES) as readonly ApiScope[] as readonly [ApiScope, ...ApiScope[]];
export const API_WRITE_SCOPES: readonly ApiScope[] = ["orders:write", "statements:write"];
/** The role a token acts with: its dealer's widest dealer role, narrowed by the token's scopes. */
export const TOKEN_ROLE: Role = "dealer_admin";

export function isApiScope(v: unknown): v is ApiScope {
  return typeof v === "string" && Object.prototype.hasOwnProperty.call(API_SCOPES, v);
}

/** Whether a set of token scopes grants a permission (the role must hold it as well). */
export function scopesGrant(scopes: readonly ApiScope[], permission: Permission): boolean {
  return scopes.some((s) => (API_SCOPES[s] as readonly Permission[]).includes(permission));
}

/** The roles that hold a permission: queries that pick users ("active account managers", alert recipients) use it. */
export function rolesWith(permission: Permission): Role[] {
  return [...(PERMISSIONS[permission] as readonly Role[])];
}

/** The role the explicit system actor (jobs) carries: it may do what an administrator may. */
export const SYSTEM_ROLE: Role = "admin";
/**
 * The role recorded on an actor that is not signed in as anyone yet (sign-in steps, unsubscribe links,
 * a user row whose role is unknown): never used to grant anything beyond what the path already checked.
 */
export const STAND_IN_ROLE: Role = "dealer_sales";

/**
 * Which digest a role reads (app/modules/notifications/digest.sections.ts): dealer roles the news of their
 * own dealer, account managers that of their key accounts, manufacturer desks the queues they work.
 */
export type DigestAudience = "dealer" | "key_accounts" | "order_desk" | "finance_desk" | "admin_desk" | "service_desk";
export const DIGEST_AUDIENCE: Record<Role, DigestAudience> = {
  dealer_admin: "dealer",
  dealer_sales: "dealer",
  dealer_finance: "dealer",
  account_manager: "key_accounts",
  ops: "order_desk",
  finance: "finance_desk",
  admin: "admin_desk",
  service: "service_desk",
};

/**
 * The side an actor moves a deal or a quote from (the `by` of the state machines in deals/state.ts and
 * quotes/state.ts): the dealer, the manufacturer (account manager or administrator), or the system (jobs,
 * other domains). "approver" is the side of a quote discount approval, taken only after
 * `quote:approve_discount` was required.
 */
export type MoverSide = "dealer" | "manufacturer" | "system";
export function moverSide(actor: { kind: "user" | "system"; role: Role }): MoverSide {
  if (actor.kind === "system") return "system";
  return isDealerRole(actor.role) ? "dealer" : "manufacturer";
}

export function roleCan(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isDealerRole(role: Role): role is DealerRole {
  return (DEALER_ANY as readonly Role[]).includes(role);
}

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}
