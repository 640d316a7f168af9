import type { Executor } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import type { AuditAction, AuditEntityOf } from "./audit-actions";
import type { DomainEventType } from "./event-types";

/**
 * One audit entry. The action must be listed in audit-actions.ts (where it gets its label in both
 * languages), and the record type must be the one listed for it.
 */
export type AuditInput<A extends AuditAction = AuditAction> = {
  action: A;
  entityType: AuditEntityOf<A>;
  entityId: string | number;
  /** The dealer the record belongs to, for scoping and filtering. */
  dealerId?: number | null;
  summary?: Record<string, unknown>;
};

/** Writes one audit entry; call it inside the transaction that made the change. */
export async function audit<A extends AuditAction>(tx: Executor, actor: Actor, input: AuditInput<A>): Promise<void> {
  await tx
    .insertInto("audit_log")
    .values({
      actor_user_id: actor.userId,
      actor_role: actor.kind === "system" ? "system" : actor.role,
      organisation_id: input.dealerId ?? null,
      ip: actor.ip,
      action: input.action,
      entity_type: input.entityType,
      entity_id: String(input.entityId),
      summary: summaryOf(actor, input.summary),
    })
    .execute();
}

/** The entry's summary; a change made through the dealer API names the token that made it. */
function summaryOf(actor: Actor, summary: Record<string, unknown> | undefined): string | null {
  const s = actor.token ? { ...summary, apiToken: { id: actor.token.id, name: actor.token.name } } : summary;
  return s ? JSON.stringify(s) : null;
}

export type EventInput = {
  type: DomainEventType;
  entityType: string;
  entityId: string | number;
  dealerId?: number | null;
  accountManagerId?: number | null;
  payload?: Record<string, unknown>;
};

/** Records a domain event (for digests and dashboards) in the caller's transaction. */
export async function emitEvent(tx: Executor, actor: Actor, input: EventInput): Promise<void> {
  await tx
    .insertInto("domain_events")
    .values({
      type: input.type,
      dealer_id: input.dealerId ?? null,
      account_manager_id: input.accountManagerId ?? null,
      actor_user_id: actor.userId,
      entity_type: input.entityType,
      entity_id: String(input.entityId),
      payload: input.payload ? JSON.stringify(input.payload) : null,
    })
    .execute();
}

/** Diff of two flat records, for audit summaries. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of Object.keys(after)) {
    if (k === "password_hash") continue;
    const a = before[k];
    const b = after[k];
    if (String(a ?? "") !== String(b ?? "")) out[k] = { from: a ?? null, to: b ?? null };
  }
  return out;
}
