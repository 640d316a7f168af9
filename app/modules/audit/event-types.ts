/**
 * Every domain event type that can be written (`domain_events.type`), in one list. `emitEvent`, the
 * deal and quote state machines, the order status map and the demo seed take a `DomainEventType`,
 * so a new kind of event must be added here first — and `event-types.test.ts` then fails until
 * every reader that shows it (the key-account history, the digests) has its message in both
 * languages. Browser-safe: no server imports.
 */
export const DOMAIN_EVENT_TYPES = [
  "announcement.published",
  "announcement.withdrawn",
  "credit_limit.changed",
  "deal.activity",
  "deal.approved",
  "deal.conflict",
  "deal.expired",
  "deal.expiring",
  "deal.flagged",
  "deal.lost",
  "deal.negotiating",
  "deal.quoted",
  "deal.registered",
  "deal.rejected",
  "deal.renewal_declined",
  "deal.renewal_requested",
  "deal.renewed",
  "deal.task_added",
  "deal.task_done",
  "deal.updated",
  "deal.won",
  "dispute.opened",
  "dispute.resolved",
  "key_account.proposed",
  "lead.accepted",
  "lead.declined",
  "lead.offered",
  "ledger.entry_reversed",
  "order.approved",
  "order.backorder_available",
  "order.cancelled",
  "order.credit_hold",
  "order.delivered",
  "order.partially_shipped",
  "order.promise_changed",
  "order.rejected",
  "order.sent_back",
  "order.shipped",
  "order.stale",
  "order.submitted",
  "payment.received",
  "product.discontinued",
  "product.launched",
  "quote.accepted",
  "quote.approval_refused",
  "quote.converted",
  "quote.expired",
  "quote.pending_approval",
  "quote.proposed",
  "quote.revision_requested",
  "quote.superseded",
  "service.opened",
  "service.replied",
  "service.resolved",
  "statement.confirmed",
  "statement.disputed",
  "statement.issued",
  "statement.resolved",
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** The key-account history shows the events of its deals and quotes, except logged activity (shown from its own table). */
const KEY_ACCOUNT_HISTORY_ENTITIES = ["deal", "quote"] as const;
export type KeyAccountHistoryEntity = (typeof KEY_ACCOUNT_HISTORY_ENTITIES)[number];
export const KEY_ACCOUNT_HISTORY_HIDDEN: readonly DomainEventType[] = ["deal.activity"];

/** The history's message key of an event type: `kaEvent.deal_quoted` for `deal.quoted`. */
export function keyAccountEventKey(type: string): string {
  return `kaEvent.${type.replace(/\./g, "_")}`;
}

/** Event types that appear on a key account's history. */
export function keyAccountHistoryTypes(): DomainEventType[] {
  return DOMAIN_EVENT_TYPES.filter(
    (t) => (KEY_ACCOUNT_HISTORY_ENTITIES as readonly string[]).includes(t.split(".")[0]!) && !KEY_ACCOUNT_HISTORY_HIDDEN.includes(t),
  );
}
