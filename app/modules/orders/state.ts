/**
 * The order state machine of DESIGN.md, in one table. Domain functions ask
 * `assertAction`; tests iterate TRANSITIONS and ACTIONS to prove every allowed
 * and every forbidden move. Browser-safe.
 */
import type { Permission } from "~/modules/auth/permissions";

export const ORDER_STATUSES = ["draft", "submitted", "credit_hold", "approved", "rejected", "partially_shipped", "shipped", "delivered", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Every status change DESIGN.md allows, and nothing else. */
export const TRANSITIONS: ReadonlyArray<readonly [OrderStatus, OrderStatus]> = [
  ["draft", "submitted"],
  ["draft", "credit_hold"],
  ["credit_hold", "submitted"],
  ["credit_hold", "cancelled"],
  ["submitted", "approved"],
  ["submitted", "rejected"],
  ["submitted", "cancelled"],
  ["submitted", "draft"],
  ["approved", "partially_shipped"],
  ["approved", "shipped"],
  ["approved", "cancelled"],
  ["partially_shipped", "shipped"],
  ["shipped", "delivered"],
];

export function isTransitionAllowed(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS.some(([f, t]) => f === from && t === to);
}

export const ORDER_ACTIONS = [
  "submit",
  "release_hold",
  "approve",
  "reject",
  "send_back",
  "cancel",
  "ship",
  "confirm_delivery",
  "change_promise",
  "recheck_backorders",
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/**
 * Who may do what from which status. An action whose `to` lists several
 * statuses decides among them by the order's content (credit, quantities);
 * `to` equal to `from` means the action changes the order without moving it.
 * A role may do the action when it has the permission (scope is checked apart).
 */
export type ActionRule = { action: OrderAction; from: OrderStatus; to: readonly OrderStatus[]; permission: Permission };

export const ACTIONS: readonly ActionRule[] = [
  { action: "submit", from: "draft", to: ["submitted", "credit_hold"], permission: "order:create" },
  { action: "release_hold", from: "credit_hold", to: ["submitted"], permission: "credit:release" },
  { action: "cancel", from: "credit_hold", to: ["cancelled"], permission: "order:create" },
  { action: "cancel", from: "credit_hold", to: ["cancelled"], permission: "credit:release" },
  { action: "approve", from: "submitted", to: ["approved"], permission: "order:review" },
  { action: "reject", from: "submitted", to: ["rejected"], permission: "order:review" },
  { action: "send_back", from: "submitted", to: ["draft"], permission: "order:review" },
  { action: "cancel", from: "submitted", to: ["cancelled"], permission: "order:create" },
  // Only while nothing has shipped (checked by the domain function).
  { action: "cancel", from: "approved", to: ["cancelled"], permission: "order:review" },
  { action: "ship", from: "approved", to: ["partially_shipped", "shipped"], permission: "order:ship" },
  { action: "ship", from: "partially_shipped", to: ["partially_shipped", "shipped"], permission: "order:ship" },
  { action: "confirm_delivery", from: "partially_shipped", to: ["partially_shipped"], permission: "order:confirm_delivery" },
  { action: "confirm_delivery", from: "shipped", to: ["shipped", "delivered"], permission: "order:confirm_delivery" },
  { action: "change_promise", from: "approved", to: ["approved"], permission: "order:review" },
  { action: "change_promise", from: "partially_shipped", to: ["partially_shipped"], permission: "order:review" },
  { action: "recheck_backorders", from: "approved", to: ["approved"], permission: "order:review" },
  { action: "recheck_backorders", from: "partially_shipped", to: ["partially_shipped"], permission: "order:review" },
];

/** The permissions that allow an action from a status (empty: impossible from there). */
export function actionPermissions(action: OrderAction, from: OrderStatus): Permission[] {
  return ACTIONS.filter((r) => r.action === action && r.from === from).map((r) => r.permission);
}
