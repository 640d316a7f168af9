import type { Executor } from "../../../db/client";

export const OUTBOX_PAGE_SIZE = 50;
import type { OutboxStatus } from "./notifications.schema";
import { likeContains } from "~/utils/like";

export type OutboxFilter = { status?: OutboxStatus; kind?: string; q?: string; userId?: number };

export const outboxListColumns = [
  "e.id",
  "e.kind",
  "e.user_id",
  "e.to_address",
  "e.locale",
  "e.subject",
  "e.status",
  "e.attempts",
  "e.next_attempt_at",
  "e.claimed_until",
  "e.last_error",
  "e.sent_at",
  "e.created_at",
] as const;

export function outboxQuery(db: Executor, f: OutboxFilter) {
  let q = db.selectFrom("outbox_emails as e");
  if (f.status) q = q.where("e.status", "=", f.status);
  if (f.kind) q = q.where("e.kind", "=", f.kind);
  if (f.userId) q = q.where("e.user_id", "=", f.userId);
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) => eb.or([eb("e.to_address", "like", like), eb("e.subject", "like", like)]));
  }
  return q;
}
