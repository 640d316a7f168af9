/**
 * The deal state machine (DESIGN.md), in one table that code and tests iterate.
 *
 *   registered → approved | conflict | rejected
 *   conflict   → approved | rejected
 *   approved   → negotiating → quoted → won | lost
 *   any open stage → expired when protection lapses
 *
 * Refinements (docs/decisions/050-deal-and-quote-lifecycle.md):
 *   quoted → negotiating when the dealer asks for a quote revision or the account manager starts a new version;
 *   approved | negotiating → lost (a dealer may lose before a quote exists);
 *   approved | negotiating → quoted when a quote is proposed.
 */
import type { AuditAction } from "~/modules/audit/audit-actions";
import type { DomainEventType } from "~/modules/audit/event-types";
import type { MoverSide } from "~/modules/auth/permissions";

export const DEAL_STAGES = ["registered", "conflict", "approved", "rejected", "negotiating", "quoted", "won", "lost", "expired"] as const;
export type DealStage = (typeof DEAL_STAGES)[number];

/**
 * Who moves a deal along an edge: the dealer, the manufacturer (the account manager or the administrator),
 * or "system" (the daily job or another domain, such as order approval). Derived from the actor by
 * `moverSide` (auth/permissions.ts); never stored.
 */
export type DealMover = MoverSide;

/** A transition is both a domain event and an audit action about the deal (the same code in both logs). */
type TransitionEvent = Extract<DomainEventType & AuditAction, `deal.${string}`>;
export type DealTransition = { from: DealStage; to: DealStage; by: readonly DealMover[]; event: TransitionEvent };

export const DEAL_TRANSITIONS: readonly DealTransition[] = [
  { from: "registered", to: "approved", by: ["manufacturer"], event: "deal.approved" },
  { from: "registered", to: "conflict", by: ["system"], event: "deal.conflict" },
  { from: "registered", to: "rejected", by: ["manufacturer"], event: "deal.rejected" },
  { from: "conflict", to: "approved", by: ["manufacturer"], event: "deal.approved" },
  { from: "conflict", to: "rejected", by: ["manufacturer"], event: "deal.rejected" },
  { from: "approved", to: "negotiating", by: ["dealer", "manufacturer"], event: "deal.negotiating" },
  { from: "approved", to: "quoted", by: ["manufacturer"], event: "deal.quoted" },
  { from: "negotiating", to: "quoted", by: ["manufacturer"], event: "deal.quoted" },
  { from: "quoted", to: "negotiating", by: ["dealer", "manufacturer"], event: "deal.negotiating" },
  { from: "quoted", to: "won", by: ["system"], event: "deal.won" },
  { from: "approved", to: "lost", by: ["dealer"], event: "deal.lost" },
  { from: "negotiating", to: "lost", by: ["dealer"], event: "deal.lost" },
  { from: "quoted", to: "lost", by: ["dealer"], event: "deal.lost" },
  { from: "registered", to: "expired", by: ["system"], event: "deal.expired" },
  { from: "conflict", to: "expired", by: ["system"], event: "deal.expired" },
  { from: "approved", to: "expired", by: ["system"], event: "deal.expired" },
  { from: "negotiating", to: "expired", by: ["system"], event: "deal.expired" },
  { from: "quoted", to: "expired", by: ["system"], event: "deal.expired" },
];

/** Stages in which a deal is still open (can still be won, lost or expire). */
export const OPEN_STAGES = ["registered", "conflict", "approved", "negotiating", "quoted"] as const satisfies readonly DealStage[];
/** Stages in which a registration is protected (approved and not yet closed). */
export const PROTECTED_STAGES = ["approved", "negotiating", "quoted"] as const satisfies readonly DealStage[];

export function dealTransition(from: string, to: DealStage): DealTransition | undefined {
  return DEAL_TRANSITIONS.find((t) => t.from === from && t.to === to);
}

export function canMoveDeal(from: string, to: DealStage, by?: DealMover): boolean {
  const t = dealTransition(from, to);
  return !!t && (by === undefined || t.by.includes(by));
}

export function isOpenStage(stage: string): boolean {
  return (OPEN_STAGES as readonly string[]).includes(stage);
}
