/**
 * The service case state machine (issue #23), in one table like orders/state.ts. Domain functions ask
 * `assertServiceAction`; tests iterate SERVICE_ACTIONS to prove every allowed and every forbidden move.
 * Browser-safe.
 */
import type { Permission } from "~/modules/auth/permissions";

export const SERVICE_STATUSES = ["new", "acknowledged", "in_progress", "waiting_for_dealer", "resolved", "closed"] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
/** Statuses in which the promise clock runs (the case waits for the manufacturer or the dealer). */
export const OPEN_STATUSES: readonly ServiceStatus[] = ["new", "acknowledged", "in_progress", "waiting_for_dealer"];

export const SERVICE_TYPES = ["quality_fault", "wrong_or_damaged", "missing_items", "installation", "billing", "other"] as const;
export const SERVICE_PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type ServicePriority = (typeof SERVICE_PRIORITIES)[number];
/** What a case is about. */
export const SERVICE_ABOUT = ["order_line", "shipment", "product", "account"] as const;
export const LINK_KINDS = ["order", "shipment", "deal"] as const;
/**
 * How a case was resolved: an answer only, a field visit, a return (set when one is authorised) or a
 * replacement shipment at no charge (set when the replacement order is created). The last two need their record.
 */
export const SERVICE_OUTCOMES = ["answer", "field_visit", "rma", "replacement"] as const;
export type ServiceOutcome = (typeof SERVICE_OUTCOMES)[number];

/** A resolved case may be reopened this many days after its resolution. */
export const REOPEN_DAYS = 14;

export const SERVICE_ACTIONS = ["acknowledge", "start", "wait_for_dealer", "resume", "resolve", "close", "reopen"] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export type ServiceRule = { action: ServiceAction; from: readonly ServiceStatus[]; to: ServiceStatus; permission: Permission };

/** Who may move a case from which status. Scope is checked apart (the access module). */
export const SERVICE_RULES: readonly ServiceRule[] = [
  { action: "acknowledge", from: ["new"], to: "acknowledged", permission: "service:work" },
  { action: "start", from: ["new", "acknowledged"], to: "in_progress", permission: "service:work" },
  { action: "wait_for_dealer", from: ["acknowledged", "in_progress"], to: "waiting_for_dealer", permission: "service:work" },
  { action: "resume", from: ["waiting_for_dealer"], to: "in_progress", permission: "service:work" },
  { action: "resolve", from: ["acknowledged", "in_progress", "waiting_for_dealer"], to: "resolved", permission: "service:work" },
  // The dealer confirms a resolution by closing the case; the desk closes it too (after any callback).
  { action: "close", from: ["resolved"], to: "closed", permission: "service:work" },
  { action: "close", from: ["resolved"], to: "closed", permission: "service:open" },
  // Within REOPEN_DAYS of the resolution, the dealer or the desk reopens the case.
  { action: "reopen", from: ["resolved", "closed"], to: "in_progress", permission: "service:work" },
  { action: "reopen", from: ["resolved", "closed"], to: "in_progress", permission: "service:open" },
];

export function ruleFor(action: ServiceAction, from: ServiceStatus, can: (p: Permission) => boolean): ServiceRule | undefined {
  return SERVICE_RULES.find((r) => r.action === action && r.from.includes(from) && can(r.permission));
}

/** The actions an actor may take on a case in this status (the page shows these buttons). */
export function actionsFor(from: ServiceStatus, can: (p: Permission) => boolean): ServiceAction[] {
  return SERVICE_ACTIONS.filter((a) => ruleFor(a, from, can));
}

export function isServiceStatus(s: string): s is ServiceStatus {
  return (SERVICE_STATUSES as readonly string[]).includes(s);
}
