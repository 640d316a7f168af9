import { db, type Tx } from "../../db/client";
import { UnavailableError, isTransientDbError } from "./errors";

const RETRYABLE_ERRNOS = new Set([1213, 1205, 1020]);

function isRetryableTxError(err: unknown): boolean {
  const e = err as { errno?: number; code?: string } | null;
  return !!e && ((typeof e.errno === "number" && RETRYABLE_ERRNOS.has(e.errno)) || e.code === "ER_LOCK_DEADLOCK" || e.code === "ER_LOCK_WAIT_TIMEOUT");
}

/**
 * Fault injection for resilience tests (tests/faults): when set, called inside
 * every transaction after its work and before commit, with the transaction. It
 * may throw a deadlock-shaped error, kill the transaction's connection, or
 * pause (so the process can be killed while the transaction is open).
 */
export type FaultHook = (label: string, tx: Tx) => void | Promise<void>;
const g = globalThis as unknown as { __dealerDeskFaultHook?: FaultHook };
export function setFaultHook(hook: FaultHook | undefined) {
  g.__dealerDeskFaultHook = hook;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a unit of work in one transaction, retrying the whole of it on
 * deadlock / lock-wait / snapshot errors (on Galera, a certification conflict
 * surfaces as a deadlock) and on a connection lost before COMMIT was sent (the
 * server rolled back; the retry takes a fresh connection, on a cluster another
 * node), up to eight attempts. When retries run out: 503 "nothing changed, try again". Connection
 * lost once COMMIT was sent: the outcome is unknown (the database may have
 * committed and lost only the reply), so the user is told to check before
 * trying again.
 */
export async function transaction<T>(label: string, work: (tx: Tx) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let committing = false;
    try {
      // READ COMMITTED: no gap locks on plain index scans, so concurrent units of work
      // (two submits appending order lines, two postings) do not deadlock on index gaps;
      // every rule that needs isolation takes explicit row locks (FOR UPDATE / conditional UPDATE).
      return await db
        .transaction()
        .setIsolationLevel("read committed")
        .execute(async (tx) => {
          const result = await work(tx);
          const hook = g.__dealerDeskFaultHook;
          if (hook) await hook(label, tx);
          committing = true;
          return result;
        });
    } catch (err) {
      // A conflict, or a connection lost before COMMIT was sent (the server rolled the work back; on a
      // cluster the pool takes the next live node): run the whole unit of work again.
      if ((isRetryableTxError(err) || (!committing && isTransientDbError(err))) && attempt < attempts) {
        // Backoff with jitter, capped: on a cluster, writers on two nodes that met on a hot row (a dealer's
        // counts, a stock level) meet again unless they spread out; eight attempts wait about a second at most.
        await sleep(Math.min(320, 5 * 2 ** attempt) + Math.floor(Math.random() * 20 * attempt));
        continue;
      }
      if (committing && isTransientDbError(err)) throw new UnavailableError("error.503.commitUnknown");
      if (isRetryableTxError(err) || isTransientDbError(err)) throw new UnavailableError();
      throw err;
    }
  }
}
