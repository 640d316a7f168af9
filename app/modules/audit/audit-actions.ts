/**
 * Every audit action that can be written (`audit_log.action`), in one list, with the kind of record
 * each one is about (`audit_log.entity_type`). `audit()` takes an `AuditAction` and the record type
 * that goes with it, so a new action must be added here first — and the message catalog
 * (app/i18n/catalogs/admin.ts) then fails to type-check, and `audit-actions.test.ts` fails, until it
 * has its label in both languages. Actions built from a status or a kind (`order.${status}`,
 * `ledger.${type}_posted`, `import.${kind}`, the deal and quote transitions) are typed from those
 * lists, so they cannot leave this one. Rows written before an action was listed still show (the
 * page falls back to the code). Browser-safe: no server imports.
 */
import type { Permission } from "~/modules/auth/permissions";

/** The kinds of record the audit log names, in the order the filter offers them. */
export const AUDIT_ENTITY_TYPES = [
  "user",
  "dealer",
  "dealer_address",
  "product",
  "warehouse",
  "holiday",
  "incoming_stock",
  "import_job",
  "key_account",
  "lead",
  "deal",
  "quote",
  "order",
  "ledger_entry",
  "payment_import",
  "fee_type",
  "statement",
  "dispute",
  "announcement",
  "outbox_email",
  "webhook_endpoint",
  "webhook_delivery",
  "job",
  "service_case",
  "api_token",
  "sellout_period",
  "promotion",
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/** Action → the record type it is written about. The keys are the list of actions. */
export const AUDIT_ACTION_ENTITY = {
  // Sign-in and the user's own account
  "auth.sign_in": "user",
  "auth.sign_in_failed": "user",
  "auth.locked": "user",
  "auth.password_verified": "user",
  "auth.second_factor_failed": "user",
  "auth.second_factor_locked": "user",
  "auth.sign_out": "user",
  "user.created": "user",
  "user.updated": "user",
  "user.disabled": "user",
  "user.enabled": "user",
  "user.password_changed": "user",
  "user.preferences_changed": "user",
  "user.locale_changed": "user",
  "user.second_factor_enabled": "user",
  "user.second_factor_disabled": "user",
  "user.second_factor_reset": "user",
  "user.recovery_codes_replaced": "user",
  "user.digest_unsubscribed": "user",
  // Dealers
  "dealer.created": "dealer",
  "dealer.updated": "dealer",
  "dealer.disabled": "dealer",
  "dealer.enabled": "dealer",
  "credit_limit.changed": "dealer",
  "address.created": "dealer_address",
  "address.updated": "dealer_address",
  "address.archived": "dealer_address",
  // Catalog and stock
  "product.created": "product",
  "product.updated": "product",
  "stock.received": "product",
  "stock.adjusted": "product",
  "warehouse.created": "warehouse",
  "warehouse.updated": "warehouse",
  "holiday.added": "holiday",
  "holiday.removed": "holiday",
  "incoming.planned": "incoming_stock",
  "incoming.received": "incoming_stock",
  "incoming.cancelled": "incoming_stock",
  "import.products": "import_job",
  "import.products.rejected": "import_job",
  "import.stock": "import_job",
  "import.stock.rejected": "import_job",
  "import.stock.backorders_reserved": "import_job",
  "import.sellout": "import_job",
  "import.sellout.rejected": "import_job",
  // Key accounts, leads, deals
  "key_account.created": "key_account",
  "key_account.updated": "key_account",
  "key_account.proposed": "key_account",
  "key_account.contact_added": "key_account",
  "key_account.contact_removed": "key_account",
  "lead.offered": "lead",
  "lead.accepted": "lead",
  "lead.declined": "lead",
  "deal.registered": "deal",
  "deal.approved": "deal",
  "deal.conflict": "deal",
  "deal.rejected": "deal",
  "deal.negotiating": "deal",
  "deal.quoted": "deal",
  "deal.won": "deal",
  "deal.lost": "deal",
  "deal.expired": "deal",
  "deal.updated": "deal",
  "deal.renewal_requested": "deal",
  "deal.renewed": "deal",
  "deal.renewal_declined": "deal",
  "deal.activity_logged": "deal",
  "deal.task_added": "deal",
  "deal.task_done": "deal",
  "deal.flagged": "deal",
  "deal.flag_resolved": "deal",
  // Quotes
  "quote.created": "quote",
  "quote.saved": "quote",
  "quote.pending_approval": "quote",
  "quote.approval_refused": "quote",
  "quote.proposed": "quote",
  "quote.accepted": "quote",
  "quote.revision_requested": "quote",
  "quote.expired": "quote",
  "quote.superseded": "quote",
  "quote.converted": "quote",
  // Orders: drafts, the status changes (`order.${OrderStatus}`), shipments, dates
  "order.draft_created": "order",
  "order.draft_saved": "order",
  "order.draft_deleted": "order",
  "order.draft": "order",
  "order.submitted": "order",
  "order.credit_hold": "order",
  "order.approved": "order",
  "order.rejected": "order",
  "order.cancelled": "order",
  "order.partially_shipped": "order",
  "order.shipped": "order",
  "order.delivered": "order",
  "order.shipment_recorded": "order",
  "order.shipment_delivered": "order",
  "order.promise_changed": "order",
  "order.backorder_reserved": "order",
  // Ledger (`ledger.${EntryType}_posted`), payments, fee types
  "ledger.invoice_posted": "ledger_entry",
  "ledger.payment_posted": "ledger_entry",
  "ledger.credit_note_posted": "ledger_entry",
  "ledger.rebate_posted": "ledger_entry",
  "ledger.fee_posted": "ledger_entry",
  "ledger.adjustment_posted": "ledger_entry",
  "ledger.reversed": "ledger_entry",
  "payments.imported": "payment_import",
  "fee_type.created": "fee_type",
  "fee_type.enabled": "fee_type",
  "fee_type.disabled": "fee_type",
  // Statements and disputes
  "statement.issued": "statement",
  "statement.confirmed": "statement",
  "statement.disputed": "statement",
  "statement.resolved": "statement",
  "dispute.opened": "dispute",
  "dispute.accepted": "dispute",
  "dispute.rejected": "dispute",
  // Announcements, email, jobs
  "announcement.published": "announcement",
  "announcement.updated": "announcement",
  "announcement.withdrawn": "announcement",
  "outbox.retried": "outbox_email",
  "webhook.created": "webhook_endpoint",
  "webhook.updated": "webhook_endpoint",
  "webhook.secret_rotated": "webhook_endpoint",
  "webhook.deleted": "webhook_endpoint",
  "webhook.auto_paused": "webhook_endpoint",
  "webhook.resent": "webhook_delivery",
  "job.run_requested": "job",
  // After-sales service (issue #23)
  "service.opened": "service_case",
  "service.replied": "service_case",
  "service.noted": "service_case",
  "service.assigned": "service_case",
  "service.moved": "service_case",
  "service.linked": "service_case",
  "service.escalated": "service_case",
  "service.promise_changed": "service_case",
  "service.rma_authorised": "service_case",
  "service.rma_received": "service_case",
  "service.survey_answered": "service_case",
  "service.callback_recorded": "service_case",
  "service.replacement_created": "service_case",
  // Sell-out and stock reports (issue #24)
  "sellout.line_saved": "sellout_period",
  "sellout.line_removed": "sellout_period",
  "sellout.category_saved": "sellout_period",
  "sellout.closed": "sellout_period",
  "sellout.corrected": "sellout_period",
  "sellout.frequency_changed": "dealer",
  // Promotions (促销, issue #24 item 3)
  "promotion.created": "promotion",
  "promotion.updated": "promotion",
  "promotion.rebate_posted": "promotion",
  "promotion.rebate_reversed": "promotion",
  // Dealer API tokens
  "api_token.created": "api_token",
  "api_token.revoked": "api_token",
} as const satisfies Record<string, AuditEntityType>;

export type AuditAction = keyof typeof AUDIT_ACTION_ENTITY;
/** The record type an action is written about. */
export type AuditEntityOf<A extends AuditAction> = (typeof AUDIT_ACTION_ENTITY)[A];

/** Every audit action, in the order the filter offers them (grouped by record type there). */
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_ENTITY) as readonly AuditAction[] as readonly [AuditAction, ...AuditAction[]];

export function isAuditAction(v: unknown): v is AuditAction {
  return typeof v === "string" && Object.prototype.hasOwnProperty.call(AUDIT_ACTION_ENTITY, v);
}

export function isAuditEntityType(v: unknown): v is AuditEntityType {
  return typeof v === "string" && (AUDIT_ENTITY_TYPES as readonly string[]).includes(v);
}

/** The label's message key of an action: `auditAction.order.approved`. */
export function auditActionKey<A extends string>(action: A): `auditAction.${A}` {
  return `auditAction.${action}`;
}

/** The label's message key of a record type: `auditEntity.ledger_entry`. */
export function auditEntityKey<E extends string>(type: E): `auditEntity.${E}` {
  return `auditEntity.${type}`;
}

/** The filter's choices: each record type with the actions written about it. */
export function auditActionGroups(): { entityType: AuditEntityType; actions: AuditAction[] }[] {
  return AUDIT_ENTITY_TYPES.map((entityType) => ({ entityType, actions: AUDIT_ACTIONS.filter((a) => AUDIT_ACTION_ENTITY[a] === entityType) })).filter(
    (g) => g.actions.length > 0,
  );
}

/**
 * Record pages the audit log links to, with the permission each page asks for (the page links only
 * what the reader may open). Orders open by number (drafts have none and no page for staff); the
 * other kinds by id. Kinds without a page of their own (holidays, warehouses, addresses, fee
 * types, payment imports, jobs, planned receipts) are shown as text.
 */
const RECORD_PAGES: Partial<Record<AuditEntityType, { permission: Permission; path: (id: string) => string }>> = {
  user: { permission: "user:manage", path: (id) => `/admin/users/${id}` },
  dealer: { permission: "dealer:manage", path: (id) => `/admin/dealers/${id}` },
  product: { permission: "product:manage", path: (id) => `/admin/products/${id}` },
  import_job: { permission: "stock:import", path: (id) => `/stock/import/${id}` },
  key_account: { permission: "key_account:read", path: (id) => `/key-accounts/${id}` },
  lead: { permission: "deal:read", path: (id) => `/leads/${id}` },
  deal: { permission: "deal:read", path: (id) => `/deals/${id}` },
  quote: { permission: "quote:read", path: (id) => `/quotes/${id}` },
  ledger_entry: { permission: "ledger:post", path: (id) => `/finance/ledger/entries/${id}` },
  statement: { permission: "ledger:read", path: (id) => `/statements/${id}` },
  dispute: { permission: "dispute:resolve", path: (id) => `/finance/disputes/${id}` },
  announcement: { permission: "announcement:manage", path: (id) => `/admin/announcements/${id}` },
  promotion: { permission: "promotion:read", path: (id) => `/promotions/${id}` },
  outbox_email: { permission: "outbox:read", path: (id) => `/admin/outbox/${id}` },
};
const ORDER_PAGE_PERMISSION: Permission = "order:read";
/** Marks, in the linkable list, a reader who may open dealers' sell-out uploads. */
const SELLOUT_IMPORTS = "sellout_import";
const SELLOUT_PAGE_PERMISSION: Permission = "sellout:view";

/** The record types whose pages a reader with these permissions may open. */
export function linkableAuditEntities(can: (p: Permission) => boolean): string[] {
  const out: string[] = (Object.keys(RECORD_PAGES) as AuditEntityType[]).filter((t) => can(RECORD_PAGES[t]!.permission));
  if (can(ORDER_PAGE_PERMISSION)) out.push("order");
  return can(SELLOUT_PAGE_PERMISSION) ? [...out, SELLOUT_IMPORTS] : out;
}

/**
 * Where an audited record opens, or null (no page, not openable by this reader, or an id that is not
 * one). `orderNumber` is the order's number when the record is an order that has one; `context` is the
 * entry's action and dealer (a sell-out upload opens on its dealer's page).
 */
export function auditRecordHref(
  entityType: string,
  entityId: string,
  linkable: readonly string[],
  orderNumber?: string | null,
  context?: { action: string; dealerId: number | null },
): string | null {
  if (!linkable.includes(entityType)) return null;
  if (entityType === "order") return orderNumber ? `/orders/${encodeURIComponent(orderNumber)}` : null;
  // A dealer's sell-out upload shares the imports table; it opens on its dealer's upload page.
  if (entityType === "import_job" && context?.action.startsWith("import.sellout")) {
    return context.dealerId && /^[1-9]\d{0,18}$/.test(entityId) && linkable.includes(SELLOUT_IMPORTS)
      ? `/sellout/${context.dealerId}/upload?job=${entityId}`
      : null;
  }
  const page = RECORD_PAGES[entityType as AuditEntityType];
  return page && /^[1-9]\d{0,18}$/.test(entityId) ? page.path(entityId) : null;
}
