/**
 * The webhook sender: claims due deliveries with a lease (a conditional UPDATE, as the email sender
 * does; no GET_LOCK), POSTs each signed body to its endpoint with a timeout, records every attempt
 * (status, a bounded excerpt of the response, the error), and retries failures with exponential backoff
 * and jitter until the delivery's 24-hour window ends; then it is marked failed and its endpoint is
 * paused (decision 125). At least once: a sender that dies after the POST and before recording it leaves
 * the row to be sent again when its lease lapses; receivers dedupe on the event id.
 */
import { sql } from "kysely";
import { Agent, fetch, type Response } from "undici";
import { db } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/actor";
import { appSecret } from "~/modules/notifications/unsubscribe.server";
import { env } from "~/utils/env.server";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { DELIVERY_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, openSecret, signatureHeader } from "./signing.server";
import { guardedLookup, refusedLiteral } from "./url.server";
import { claimLeases, dueIds, renewLease } from "~/utils/leases.server";

/** One attempt may take this long (connect, send, first bytes and the excerpt) before it counts as failed. */
const ATTEMPT_TIMEOUT_MS = 10_000;
const CLAIM_LEASE_MS = 2 * 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 2 * 3_600_000;
/** How much of a receiver's answer is kept per attempt. */
const EXCERPT_CHARS = 1000;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The wait after the n-th failed attempt: 30 s doubling up to 2 h, ±20 % jitter so receivers that come back are not hit at once. */
export function backoffMs(attempts: number, random: number = Math.random()): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

export type WebhookSendResult = { claimed: number; delivered: number; retrying: number; failed: number; skippedLostClaim: number };

type Attempt = { statusCode: number | null; excerpt: string | null; error: string | null; durationMs: number };

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return clip(text, EXCERPT_CHARS);
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `timeout after ${ATTEMPT_TIMEOUT_MS / 1000} s`;
  return clip([e.cause?.code, e.cause?.message ?? e.message].filter(Boolean).join(" · ") || String(err), 500);
}

/**
 * The HTTP client of production deliveries: every connection resolves its host through `guardedLookup` and
 * connects to the address that lookup checked (decision 147). Outside production the default one, so tests
 * and a developer's receiver on this machine (loopback) are reached.
 */
let guarded: Agent | undefined;
export function deliveryDispatcher(production: boolean): Agent | undefined {
  if (!production) return undefined;
  guarded ??= new Agent({ connect: { lookup: guardedLookup() } });
  return guarded;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<Attempt> {
  const started = performance.now();
  const production = env().NODE_ENV === "production";
  const refused = refusedLiteral(url, production);
  if (refused) return { statusCode: null, excerpt: null, error: refused, durationMs: 0 };
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      dispatcher: deliveryDispatcher(production),
    });
    const excerpt = await readExcerpt(res).catch(() => "");
    return { statusCode: res.status, excerpt, error: null, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { statusCode: null, excerpt: null, error: describe(err), durationMs: Math.round(performance.now() - started) };
  }
}

export type WebhookSendOptions = { owner: string; actor: Actor; limit?: number; signal?: AbortSignal };

/** One pass: claims up to `limit` due deliveries and attempts each once. */
export async function sendDueWebhooks(opts: WebhookSendOptions): Promise<WebhookSendResult> {
  const result: WebhookSendResult = { claimed: 0, delivered: 0, retrying: 0, failed: 0, skippedLostClaim: 0 };
  const t0 = now();
  const ids = (await dueIds("webhook_deliveries", t0, opts.limit ?? 20)).map((r) => r.id);
  if (!ids.length) return result;
  const token = await claimLeases("webhook_deliveries", ids, opts.owner, t0, CLAIM_LEASE_MS);
  const rows = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select([
      "d.id",
      "d.event_id",
      "d.event_type",
      "d.body",
      "d.attempts",
      "d.give_up_at",
      "d.endpoint_id",
      "d.dealer_id",
      "e.url",
      "e.status as endpoint_status",
      "e.secret_sealed",
    ])
    .where("d.claimed_by", "=", token)
    .where("d.status", "=", "pending")
    .orderBy("d.next_attempt_at")
    .orderBy("d.created_at")
    .orderBy("d.id")
    .execute();
  result.claimed = rows.length;
  if (!rows.length) return result;
  const secretKey = await appSecret();
  for (const r of rows) {
    if (opts.signal?.aborted) break;
    const t = now();
    if (!(await renewLease("webhook_deliveries", r.id, token, t, CLAIM_LEASE_MS))) {
      result.skippedLostClaim++;
      continue;
    }
    let attempt: Attempt;
    if (r.endpoint_status !== "active") {
      // A paused endpoint is not called; its deliveries wait (and fail when their window ends).
      attempt = { statusCode: null, excerpt: null, error: "endpoint paused", durationMs: 0 };
    } else {
      const unix = Math.floor(t.getTime() / 1000);
      attempt = await post(
        r.url,
        {
          "Content-Type": "application/json",
          "User-Agent": "DealerDesk-Webhooks/1",
          [SIGNATURE_HEADER]: signatureHeader(openSecret(secretKey, r.secret_sealed), r.body, unix),
          [EVENT_ID_HEADER]: r.event_id,
          [EVENT_TYPE_HEADER]: r.event_type,
          [DELIVERY_HEADER]: String(r.id),
        },
        r.body,
      );
    }
    const outcome = await record(opts.actor, token, r, attempt, t);
    result[outcome]++;
  }
  return result;
}

type Claimed = { id: number; attempts: number; give_up_at: Date; endpoint_id: number; dealer_id: number; endpoint_status: string };

/** Writes the attempt and the delivery's new state in one transaction; a lost claim writes nothing. */
async function record(actor: Actor, token: string, r: Claimed, a: Attempt, startedAt: Date): Promise<"delivered" | "retrying" | "failed" | "skippedLostClaim"> {
  const paused = r.endpoint_status !== "active";
  const ok = !paused && a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300;
  const attempts = paused ? r.attempts : r.attempts + 1;
  const at = now();
  const next = new Date(at.getTime() + (paused ? 5 * 60_000 : backoffMs(attempts)));
  const giveUp = !ok && next.getTime() > new Date(r.give_up_at).getTime();
  const status = ok ? "delivered" : giveUp ? "failed" : "pending";
  return transaction("webhook.record_attempt", async (tx) => {
    const upd = await tx
      .updateTable("webhook_deliveries")
      .set({
        status,
        attempts,
        next_attempt_at: ok || giveUp ? at : next,
        claimed_by: null,
        claimed_until: null,
        ...(paused
          ? { last_error: a.error }
          : { last_attempt_at: startedAt, last_status_code: a.statusCode, last_response_excerpt: a.excerpt, last_error: a.error }),
        delivered_at: ok ? at : null,
      })
      .where("id", "=", r.id)
      .where("claimed_by", "=", token)
      .executeTakeFirst();
    if (Number(upd.numUpdatedRows) !== 1) return "skippedLostClaim" as const;
    if (!paused)
      await tx
        .insertInto("webhook_delivery_attempts")
        .values({
          delivery_id: r.id,
          attempt_no: attempts,
          started_at: startedAt,
          duration_ms: a.durationMs,
          status_code: a.statusCode,
          response_excerpt: a.excerpt,
          error: a.error,
        })
        .execute();
    if (ok) {
      await tx.updateTable("webhook_endpoints").set({ consecutive_failures: 0 }).where("id", "=", r.endpoint_id).execute();
      return "delivered" as const;
    }
    if (!paused)
      await tx
        .updateTable("webhook_endpoints")
        .set({ consecutive_failures: sql`consecutive_failures + 1` })
        .where("id", "=", r.endpoint_id)
        .execute();
    if (giveUp && !paused) {
      // 24 hours of failures: the endpoint is paused until its owner looks at it (and resumes it).
      const p = await tx
        .updateTable("webhook_endpoints")
        .set({ status: "paused", paused_reason: "failing", updated_at: at })
        .where("id", "=", r.endpoint_id)
        .where("status", "=", "active")
        .executeTakeFirst();
      if (Number(p.numUpdatedRows) === 1)
        await audit(tx, actor, {
          action: "webhook.auto_paused",
          entityType: "webhook_endpoint",
          entityId: r.endpoint_id,
          dealerId: r.dealer_id,
          summary: { delivery: r.id },
        });
    }
    return giveUp ? ("failed" as const) : ("retrying" as const);
  });
}

/** Passes until nothing is due, the time budget is spent, or the run is aborted. */
export async function drainWebhooks(
  opts: WebhookSendOptions & { budgetMs?: number; onProgress?: (r: WebhookSendResult) => Promise<void> },
): Promise<WebhookSendResult> {
  const total: WebhookSendResult = { claimed: 0, delivered: 0, retrying: 0, failed: 0, skippedLostClaim: 0 };
  const deadline = performance.now() + (opts.budgetMs ?? 50_000);
  while (performance.now() < deadline && !opts.signal?.aborted) {
    const r = await sendDueWebhooks(opts);
    for (const k of Object.keys(total) as (keyof WebhookSendResult)[]) total[k] += r[k];
    if (opts.onProgress) await opts.onProgress(total);
    if (r.claimed === 0) break;
  }
  return total;
}
