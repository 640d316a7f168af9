/**
 * The quote state machine (DESIGN.md), in one table that code and tests iterate.
 *
 *   draft → pending_approval → proposed      (discount above the limit: an administrator approves)
 *   draft → proposed                         (within the discount limit)
 *   proposed → accepted | revision_requested | expired
 *   a new version supersedes the old one     (→ superseded, superseded_by_id); an accepted one only
 *                                            once its validity has passed (until then it is the dealer's to book)
 *   accepted → converted                     (the dealer books the order)
 *
 * Refinement (docs/decisions/050-deal-and-quote-lifecycle.md): an administrator who
 * refuses the discount sends the quote back: pending_approval → draft, with a note.
 */
import type { AuditAction } from "~/modules/audit/audit-actions";
import type { DomainEventType } from "~/modules/audit/event-types";
import type { MoverSide } from "~/modules/auth/permissions";

export const QUOTE_STATUSES = ["draft", "pending_approval", "proposed", "accepted", "revision_requested", "expired", "superseded", "converted"] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

/**
 * Who moves a quote along an edge: the side of the actor (`moverSide`, auth/permissions.ts: dealer,
 * manufacturer, system), or "approver" for a discount approval, taken only after `quote:approve_discount`
 * was required. Never stored.
 */
export type QuoteMover = MoverSide | "approver";
/** A transition is both a domain event and an audit action about the quote (the same code in both logs). */
type TransitionEvent = Extract<DomainEventType & AuditAction, `quote.${string}`>;
export type QuoteTransition = { from: QuoteStatus; to: QuoteStatus; by: readonly QuoteMover[]; event: TransitionEvent };

export const QUOTE_TRANSITIONS: readonly QuoteTransition[] = [
  { from: "draft", to: "pending_approval", by: ["manufacturer"], event: "quote.pending_approval" },
  { from: "draft", to: "proposed", by: ["manufacturer"], event: "quote.proposed" },
  { from: "pending_approval", to: "proposed", by: ["approver"], event: "quote.proposed" },
  { from: "pending_approval", to: "draft", by: ["approver"], event: "quote.approval_refused" },
  { from: "proposed", to: "accepted", by: ["dealer"], event: "quote.accepted" },
  { from: "proposed", to: "revision_requested", by: ["dealer"], event: "quote.revision_requested" },
  { from: "proposed", to: "expired", by: ["system"], event: "quote.expired" },
  { from: "proposed", to: "superseded", by: ["manufacturer"], event: "quote.superseded" },
  { from: "revision_requested", to: "superseded", by: ["manufacturer"], event: "quote.superseded" },
  { from: "expired", to: "superseded", by: ["manufacturer"], event: "quote.superseded" },
  { from: "accepted", to: "superseded", by: ["manufacturer"], event: "quote.superseded" },
  { from: "accepted", to: "converted", by: ["dealer"], event: "quote.converted" },
];

/** Versions the account manager may replace with a new version. Drafts are edited in place instead. */
export const SUPERSEDABLE = QUOTE_TRANSITIONS.filter((t) => t.to === "superseded").map((t) => t.from);

/** Whether the account manager may replace this version now: an accepted quote the dealer can still book is theirs. */
export function canReplaceQuote(status: string, validUntil: string, today: string): boolean {
  if (status === "accepted" && validUntil >= today) return false;
  return (SUPERSEDABLE as readonly string[]).includes(status);
}

export function quoteTransition(from: string, to: QuoteStatus): QuoteTransition | undefined {
  return QUOTE_TRANSITIONS.find((t) => t.from === from && t.to === to);
}

export function canMoveQuote(from: string, to: QuoteStatus, by?: QuoteMover): boolean {
  const t = quoteTransition(from, to);
  return !!t && (by === undefined || t.by.includes(by));
}

/** The status to show: a proposed quote whose validity date has passed is expired, whether or not the job has run. */
export function effectiveQuoteStatus(status: string, validUntil: string, today: string): string {
  return status === "proposed" && validUntil < today ? "expired" : status;
}
