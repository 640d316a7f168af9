/**
 * Derived figures of the ledger (app/utils/derived.ts), kept by postEntry and reverseEntry
 * (post.server.ts: bumpBalance, bumpDebitsDue) in the posting's transaction; the seed posts
 * through postEntry too.
 *
 * - dealer_balances: Σ of a dealer's entries (credit position, aging);
 * - dealer_debits_due: Σ of a dealer's unreversed debits per due day (aging, docs/decisions/035).
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { DerivedFigure } from "~/utils/derived";
import { findBalanceMismatches, findDebitsDueMismatches } from "./post.server";

/** dealer_balances from the entries alone (a dealer with entries always has a row). */
export async function recomputeBalances(db: Executor): Promise<void> {
  await sql`UPDATE dealer_balances SET balance_minor = 0 WHERE balance_minor <> 0`.execute(db);
  await sql`INSERT INTO dealer_balances (dealer_id, balance_minor) SELECT dealer_id, SUM(amount_minor) FROM ledger_entries GROUP BY dealer_id
            ON DUPLICATE KEY UPDATE balance_minor = VALUES(balance_minor)`.execute(db);
}

/** dealer_debits_due from the entries alone. */
export async function recomputeDebitsDue(db: Executor): Promise<void> {
  await sql`DELETE FROM dealer_debits_due`.execute(db);
  await sql`INSERT INTO dealer_debits_due (dealer_id, due_on, debit_minor)
            SELECT e.dealer_id, COALESCE(e.due_date, e.business_date), SUM(e.amount_minor) FROM ledger_entries e
            WHERE e.amount_minor > 0 AND e.reverses_entry_id IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_entry_id = e.id)
            GROUP BY e.dealer_id, COALESCE(e.due_date, e.business_date)`.execute(db);
}

export const DERIVED: DerivedFigure[] = [
  {
    name: "each dealer's maintained balance equals the sum of its ledger entries",
    table: "dealer_balances",
    inputs: ["ledger_entries"],
    recompute: recomputeBalances,
    compare: findBalanceMismatches,
  },
  {
    name: "the aging aggregate (dealer_debits_due) equals Σ of each dealer's unreversed debits per due day",
    table: "dealer_debits_due",
    inputs: ["ledger_entries"],
    recompute: recomputeDebitsDue,
    compare: findDebitsDueMismatches,
  },
];
