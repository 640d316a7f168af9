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
export const ipKey = (ip: string | null) => `ip:${ip ?? "unknown"}`.slice(0, 128);

export async function checkThrottle(email: string, ip: string | null): Promise<ThrottleState> {
  const rows = await db.selectFrom("login_throttles").selectAll().where("throttle_key", "in", [emailKey(email), ipKey(ip)]).execute();
  const t = now().getTime();
  for (const kind of ["ip", "email"] as const) {
    const row = rows.find((r) => r.throttle_key.startsWith(`${kind}:`));
    if (row?.blocked_until && row.blocked_until.getTime() > t) {
      return { blocked: true, kind, retryAfterSeconds: Math.ceil((row.blocked_until.getTime() - t) / 1000) };
    }
  }
  return { blocked: false };
}

async function bump(key: string, blockFor: (failures: number) => number | null): Promise<void> {
  const t = now();
  await db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom("login_throttles").selectAll().where("throttle_key", "=", key).forUpdate().executeTakeFirst();
    const fresh = !row || t.getTime() - row.window_started_at.getTime() > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const ms = blockFor(failures);
    const blocked_until = ms ? new Date(t.getTime() + ms) : null;
    if (!row) {
      await tx.insertInto("login_throttles").values({ throttle_key: key, failures, window_started_at: t, blocked_until }).execute();
    } else {
      await tx
        .updateTable("login_throttles")
        .set({ failures: ms && key.startsWith("email:") ? 0 : failures, window_started_at: fresh ? t : row.window_started_at, blocked_until })
        .where("throttle_key", "=", key)
        .execute();
    }
  });
}

/** Records a failure; returns true when it locked the email. */
export async function recordFailure(email: string, ip: string | null): Promise<boolean> {
  const max = env().LOGIN_MAX_FAILURES;
  const lockMs = env().LOGIN_LOCK_MINUTES * 60_000;
  let locked = false;
  await bump(emailKey(email), (n) => {
    if (n >= max) {
      locked = true;
      return lockMs;
    }
    return null;
  });
  await bump(ipKey(ip), (n) => (n >= IP_FREE_FAILURES ? Math.min(2 ** (n - IP_FREE_FAILURES + 1) * 1000, WINDOW_MS) : null));
  return locked;
}

export async function clearEmailFailures(email: string): Promise<void> {
  await db.deleteFrom("login_throttles").where("throttle_key", "=", emailKey(email)).execute();
}
