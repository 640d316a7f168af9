import { sql } from "kysely";
import { db } from "../../../db/client";
import { env } from "~/utils/env.server";
import { now } from "~/utils/time";

/**
 * Sign-in throttling, the same for known and unknown emails (so neither leaks):
 * - per email: after LOGIN_MAX_FAILURES failures the email is locked for LOGIN_LOCK_MINUTES;
 * - per IP: from the 10th failure in a 15-minute window, each failure blocks the IP for
 *   an exponentially growing pause (2 s, 4 s, … up to 15 min).
 */
const IP_FREE_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;

export type ThrottleState = { blocked: false } | { blocked: true; kind: "email" | "ip"; retryAfterSeconds: number };

export const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`.slice(0, 128);
const ipKey = (ip: string | null) => `ip:${ip ?? "unknown"}`.slice(0, 128);

/** The IP's pause, if any (read before anything else; the email's lock is decided by beginAttempt). */
export async function checkThrottle(_email: string, ip: string | null): Promise<ThrottleState> {
  const row = await db.selectFrom("login_throttles").select("blocked_until").where("throttle_key", "=", ipKey(ip)).executeTakeFirst();
  const t = now().getTime();
  if (row?.blocked_until && row.blocked_until.getTime() > t)
    return { blocked: true, kind: "ip", retryAfterSeconds: Math.ceil((row.blocked_until.getTime() - t) / 1000) };
  return { blocked: false };
}

export type Attempt = { blocked: true; retryAfterSeconds: number } | { blocked: false; attempt: number; last: boolean };

/**
 * Counts a sign-in attempt for the email before its password is checked, in one
 * INSERT … ON DUPLICATE KEY UPDATE (decision 082): every concurrent attempt gets its
 * own number, so of any burst at most LOGIN_MAX_FAILURES are checked at all, and the
 * one that reaches the limit sets the lock. The lock is never shortened nor erased
 * by a later attempt; a window older than 15 minutes starts again at 1 only when no
 * lock is running. (Assignments run left to right: `failures` is already the new
 * count when `window_started_at` and `blocked_until` are computed.)
 * A success clears the count (clearEmailFailures).
 */
export async function beginAttempt(email: string): Promise<Attempt> {
  const max = env().LOGIN_MAX_FAILURES;
  const lockMs = env().LOGIN_LOCK_MINUTES * 60_000;
  const key = emailKey(email);
  const t = now();
  const cutoff = new Date(t.getTime() - WINDOW_MS);
  const lockUntil = new Date(t.getTime() + lockMs);
  await ensureRow(key, t);
  return db.transaction().execute(async (tx) => {
    await sql`INSERT INTO login_throttles (throttle_key, failures, window_started_at, blocked_until) VALUES (${key}, 1, ${t}, ${max <= 1 ? lockUntil : null})
      ON DUPLICATE KEY UPDATE
        failures = IF(window_started_at < ${cutoff} AND (blocked_until IS NULL OR blocked_until <= ${t}), 1, failures + 1),
        window_started_at = IF(failures = 1, ${t}, window_started_at),
        blocked_until = IF(failures >= ${max} AND (blocked_until IS NULL OR blocked_until <= ${t}), ${lockUntil}, blocked_until)`.execute(tx);
    // The row stays locked by the upsert until COMMIT: this reads this attempt's own count.
    const row = await tx.selectFrom("login_throttles").select(["failures", "blocked_until"]).where("throttle_key", "=", key).executeTakeFirstOrThrow();
    if (row.failures > max) {
      const until = row.blocked_until && row.blocked_until > t ? row.blocked_until : lockUntil;
      return { blocked: true, retryAfterSeconds: Math.ceil((until.getTime() - t.getTime()) / 1000) };
    }
    return { blocked: false, attempt: row.failures, last: row.failures >= max };
  });
}

/** Records a failed password for the IP's throttle (the email's was counted by beginAttempt); never lowers a pause. */
export async function recordFailure(_email: string, ip: string | null): Promise<void> {
  const key = ipKey(ip);
  const t = now();
  await ensureRow(key, t);
  await db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom("login_throttles").selectAll().where("throttle_key", "=", key).forUpdate().executeTakeFirst();
    const fresh = !row || row.failures === 0 || t.getTime() - row.window_started_at.getTime() > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const pause = failures >= IP_FREE_FAILURES ? Math.min(2 ** (failures - IP_FREE_FAILURES + 1) * 1000, WINDOW_MS) : 0;
    const wanted = pause ? new Date(t.getTime() + pause) : null;
    const blocked_until = row?.blocked_until && (!wanted || row.blocked_until > wanted) && row.blocked_until > t ? row.blocked_until : wanted;
    if (!row) await tx.insertInto("login_throttles").values({ throttle_key: key, failures, window_started_at: t, blocked_until }).execute();
    else
      await tx
        .updateTable("login_throttles")
        .set({ failures, window_started_at: fresh ? t : row.window_started_at, blocked_until })
        .where("throttle_key", "=", key)
        .execute();
  });
}

/**
 * Creates the key's row (no failures yet) in its own autocommit statement, before any
 * transaction locks it. Without it, concurrent first failures each take a gap lock on
 * the missing key (SELECT … FOR UPDATE, or the insert half of an upsert) and then
 * deadlock on each other's insert. INSERT IGNORE only waits on a row being inserted,
 * never holds a lock another statement of its own is waiting for, so it cannot deadlock.
 */
async function ensureRow(key: string, t: Date): Promise<void> {
  await sql`INSERT IGNORE INTO login_throttles (throttle_key, failures, window_started_at, blocked_until) VALUES (${key}, 0, ${t}, NULL)`.execute(db);
}

export async function clearEmailFailures(email: string): Promise<void> {
  await db.deleteFrom("login_throttles").where("throttle_key", "=", emailKey(email)).execute();
}
