/**
 * The transactional outbox. Every email is a row written in the same
 * transaction as the change that caused it, under a deterministic dedupe key
 * (unique), so a retried transaction or a re-run job never writes it twice.
 * A sender delivers rows over SMTP after claiming them with a lease
 * (conditional UPDATE), so two senders never send the same row; failures are
 * retried with exponential backoff and give up after MAX_ATTEMPTS.
 */
import { createHash } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { sql } from "kysely";
import { db, type Executor } from "../../../db/client";
import { isLocale, translate, type Locale } from "~/i18n";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { now } from "~/utils/time";
import { OUTBOX_PAGE_SIZE, outboxListColumns, outboxQuery, type OutboxFilter } from "./outbox.queries.server";
import { claimLeases, dueIds, renewLease } from "~/utils/leases.server";

/**
 * The sender as the recipient reads it: MAIL_FROM's address, named in the email's language ("Dealer Desk" /
 * "经销商工作台") unless the operator gave MAIL_FROM a name of their own, which is kept as given.
 */
export function senderFor(locale: string): { name: string; address: string } {
  const configured = env().MAIL_FROM;
  const m = configured.match(/^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/);
  const name = m?.[1]?.trim() ?? "";
  const address = m?.[2]?.trim() ?? configured.trim();
  const own = name !== "" && name !== translate("en", "app.name") && name !== translate("zh-CN", "app.name");
  return { name: own ? name : translate(isLocale(locale) ? locale : "zh-CN", "app.name"), address };
}

export const MAX_ATTEMPTS = 6;
/** A claim lasts longer than the worst case of one delivery (connect + greeting + socket timeouts). */
export const CLAIM_LEASE_MS = 2 * 60_000;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;

export type OutboxEmailInput = {
  /** Deterministic: the same cause always gives the same key (e.g. "digest:42:2026-11-23"). */
  dedupeKey: string;
  kind: string;
  userId?: number | null;
  to: string;
  locale: Locale;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function row(input: OutboxEmailInput, at: Date) {
  if (!input.dedupeKey || input.dedupeKey.length > 191) throw new Error("outbox dedupe key must be 1–191 characters");
  return {
    dedupe_key: input.dedupeKey,
    kind: clip(input.kind, 32),
    user_id: input.userId ?? null,
    to_address: input.to,
    locale: input.locale,
    subject: clip(input.subject.replace(/[\r\n]+/g, " "), 255),
    html: input.html,
    text_body: input.text,
    headers: input.headers ? JSON.stringify(input.headers) : null,
    status: "pending",
    next_attempt_at: at,
    created_at: at,
  };
}

/**
 * Writes an email into the outbox inside the caller's transaction. A second
 * call with the same dedupe key is a no-op (INSERT IGNORE on the unique key).
 */
export async function enqueueEmail(tx: Executor, input: OutboxEmailInput): Promise<{ inserted: boolean }> {
  const r = await tx.insertInto("outbox_emails").ignore().values(row(input, now())).executeTakeFirst();
  return { inserted: Number(r.numInsertedOrUpdatedRows ?? 0) === 1 };
}

/** Many emails in one statement (digest batches); returns how many were new. */
export async function enqueueEmails(tx: Executor, inputs: OutboxEmailInput[]): Promise<number> {
  if (!inputs.length) return 0;
  const t = now();
  const r = await tx
    .insertInto("outbox_emails")
    .ignore()
    .values(inputs.map((i) => row(i, t)))
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

// ---------- delivery ----------

export type TransportOptions = { connectionTimeout?: number; greetingTimeout?: number; socketTimeout?: number };

function createMailTransport(url: string, opts: TransportOptions = {}): Transporter {
  return nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 2,
    connectionTimeout: opts.connectionTimeout ?? 10_000,
    greetingTimeout: opts.greetingTimeout ?? 10_000,
    socketTimeout: opts.socketTimeout ?? 20_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 4 ** Math.max(0, attempts - 1));
}

/** 5xx replies are permanent (the server refused this message for good); everything else is retried. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

function describe(err: unknown): string {
  const e = err as { message?: string; response?: string; code?: string; responseCode?: number };
  const parts = [e.code, e.responseCode ? String(e.responseCode) : undefined, e.response ?? e.message].filter(Boolean);
  return clip(parts.join(" · ") || String(err), 2000);
}

export type SendResult = { configured: boolean; claimed: number; sent: number; retrying: number; failed: number; skippedLostClaim: number };

export type SendOptions = {
  owner: string;
  limit?: number;
  transport?: Transporter;
  transportOptions?: TransportOptions;
  signal?: AbortSignal;
};

/**
 * One pass of the sender: claims up to `limit` due rows with a lease and
 * delivers them. Without SMTP_URL nothing is claimed: emails stay pending,
 * readable at /admin/outbox.
 */
export async function sendDueEmails(opts: SendOptions): Promise<SendResult> {
  const result: SendResult = { configured: true, claimed: 0, sent: 0, retrying: 0, failed: 0, skippedLostClaim: 0 };
  const url = env().SMTP_URL;
  if (!url && !opts.transport) return { ...result, configured: false };
  const t0 = now();
  const ids = (await dueIds("outbox_emails", t0, opts.limit ?? 20)).map((r) => r.id);
  if (!ids.length) return result;
  const token = await claimLeases("outbox_emails", ids, opts.owner, t0, CLAIM_LEASE_MS);
  // Sent in the order they fell due, then were written (ids say nothing of order, decision 112).
  const rows = await db
    .selectFrom("outbox_emails")
    .selectAll()
    .where("claimed_by", "=", token)
    .where("status", "=", "pending")
    .orderBy("next_attempt_at")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  result.claimed = rows.length;
  if (!rows.length) return result;
  const transport = opts.transport ?? createMailTransport(url!, opts.transportOptions);
  const host = new URL(env().APP_ORIGIN).hostname || "dealerdesk.local";
  try {
    for (const r of rows) {
      if (opts.signal?.aborted) break;
      // Renew and verify the claim right before sending: if it lapsed and someone else took the row, leave it to them.
      if (!(await renewLease("outbox_emails", r.id, token, now(), CLAIM_LEASE_MS))) {
        result.skippedLostClaim++;
        continue;
      }
      const stored = r.headers ? (JSON.parse(r.headers) as Record<string, string>) : {};
      try {
        await transport.sendMail({
          from: senderFor(r.locale),
          to: r.to_address,
          subject: r.subject,
          html: r.html,
          text: r.text_body,
          // The same row always carries the same Message-ID, so a resend after a crash is recognisable as one message.
          messageId: `<outbox-${r.id}-${createHash("sha256").update(r.dedupe_key).digest("hex").slice(0, 12)}@${host}>`,
          headers: { ...stored, "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", "X-Dealer-Desk-Kind": r.kind },
        });
        await db
          .updateTable("outbox_emails")
          .set({ status: "sent", sent_at: now(), attempts: sql`attempts + 1`, claimed_by: null, claimed_until: null, last_error: null })
          .where("id", "=", r.id)
          .where("claimed_by", "=", token)
          .execute();
        result.sent++;
      } catch (err) {
        const attempts = r.attempts + 1;
        const giveUp = attempts >= MAX_ATTEMPTS || isPermanent(err);
        await db
          .updateTable("outbox_emails")
          .set({
            status: giveUp ? "failed" : "pending",
            attempts,
            next_attempt_at: new Date(now().getTime() + backoffMs(attempts)),
            last_error: describe(err),
            claimed_by: null,
            claimed_until: null,
          })
          .where("id", "=", r.id)
          .where("claimed_by", "=", token)
          .execute();
        if (giveUp) result.failed++;
        else result.retrying++;
      }
    }
  } finally {
    if (!opts.transport) transport.close();
  }
  return result;
}

/** Passes of the sender until nothing is due, the time budget is spent, or the run is aborted. */
export async function drainOutbox(opts: SendOptions & { budgetMs?: number; onProgress?: (r: SendResult) => Promise<void> }): Promise<SendResult> {
  const total: SendResult = { configured: true, claimed: 0, sent: 0, retrying: 0, failed: 0, skippedLostClaim: 0 };
  const deadline = Date.now() + (opts.budgetMs ?? 50_000);
  const url = env().SMTP_URL;
  const transport = opts.transport ?? (url ? createMailTransport(url, opts.transportOptions) : undefined);
  try {
    while (Date.now() < deadline && !opts.signal?.aborted) {
      const r = await sendDueEmails({ ...opts, transport });
      if (!r.configured) return { ...total, configured: false };
      total.claimed += r.claimed;
      total.sent += r.sent;
      total.retrying += r.retrying;
      total.failed += r.failed;
      total.skippedLostClaim += r.skippedLostClaim;
      if (opts.onProgress) await opts.onProgress(total);
      if (r.claimed === 0) break;
    }
  } finally {
    if (transport && !opts.transport) transport.close();
  }
  return total;
}

export async function pendingCount(): Promise<number> {
  const r = await db
    .selectFrom("outbox_emails")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

// ---------- admin: /admin/outbox ----------

export function outboxDelivery() {
  return { smtpConfigured: !!env().SMTP_URL, mailFrom: env().MAIL_FROM };
}

export async function listOutbox(actor: Actor, filter: OutboxFilter & { page: number }) {
  requirePermission(actor, "outbox:read");
  const base = outboxQuery(db, filter);
  const [rows, total, counts] = await Promise.all([
    base
      .select(outboxListColumns)
      .orderBy("e.created_at", "desc")
      .orderBy("e.id", "desc")
      .limit(OUTBOX_PAGE_SIZE)
      .offset((filter.page - 1) * OUTBOX_PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
    db
      .selectFrom("outbox_emails")
      .select(["status", sql<number>`COUNT(*)`.as("n")])
      .groupBy("status")
      .execute(),
  ]);
  return {
    rows,
    total: Number(total?.n ?? 0),
    page: filter.page,
    pageSize: OUTBOX_PAGE_SIZE,
    counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) as Record<string, number>,
    kinds: (await db.selectFrom("outbox_emails").select("kind").distinct().orderBy("kind").execute()).map((k) => k.kind),
  };
}

export async function* exportOutbox(actor: Actor, filter: OutboxFilter) {
  requirePermission(actor, "outbox:read");
  let offset = 0;
  for (;;) {
    const rows = await outboxQuery(db, filter)
      .select(outboxListColumns)
      .orderBy("e.created_at", "desc")
      .orderBy("e.id", "desc")
      .limit(1000)
      .offset(offset)
      .execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.id,
      r.created_at,
      r.kind,
      r.to_address,
      r.locale,
      r.subject,
      r.status,
      r.attempts,
      r.next_attempt_at,
      r.sent_at,
      r.last_error ?? "",
    ]);
    if (rows.length < 1000) return;
    offset += 1000;
  }
}

export async function getOutboxEmail(actor: Actor, id: number) {
  requirePermission(actor, "outbox:read");
  const r = await db.selectFrom("outbox_emails").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r) throw new NotFoundError();
  let headers: Record<string, string> = {};
  try {
    headers = r.headers ? (JSON.parse(r.headers) as Record<string, string>) : {};
  } catch {
    headers = {};
  }
  return { ...r, headers };
}

/** Puts a failed email back in the queue with a fresh set of attempts. */
export async function retryOutboxEmail(actor: Actor, id: number) {
  requirePermission(actor, "outbox:read");
  await db.transaction().execute(async (tx) => {
    const r = await tx.selectFrom("outbox_emails").select(["status"]).where("id", "=", id).forUpdate().executeTakeFirst();
    if (!r) throw new NotFoundError();
    if (r.status !== "failed") throw new ConflictError("outbox.retryOnlyFailed");
    await tx
      .updateTable("outbox_emails")
      .set({ status: "pending", attempts: 0, next_attempt_at: now(), claimed_by: null, claimed_until: null })
      .where("id", "=", id)
      .execute();
    await audit(tx, actor, { action: "outbox.retried", entityType: "outbox_email", entityId: id });
  });
}
