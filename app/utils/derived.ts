/**
 * A derived figure: a stored value that summarises other tables (a count, a sum, a version) so
 * that a page reads one row instead of many. Each one is declared next to the tables it
 * summarises, in its area's `<area>.derived.server.ts`, and listed in `db/derived.ts`:
 *
 * - the domain functions that change its inputs keep it, in their transaction, through the one
 *   function its area exports for it (never a trigger, never a hand-written row);
 * - `recompute` rebuilds it from the inputs alone (bulk loads, repairs; the bench generator);
 * - `compare` returns the rows whose stored value differs from that recomputation, which is
 *   what `npm run db:check` reports (an empty list when consistent).
 *
 * See docs/decisions/111-derived-figures-in-the-domain.md.
 */
import type { Executor } from "../../db/client";

export type DerivedFigure = {
  /** What db:check prints for it. */
  name: string;
  /** Where it is stored: a table, or "table.column, …" for columns kept on an input's own rows. */
  table: string;
  /** The tables it summarises. */
  inputs: readonly string[];
  /** Rebuilds every stored value from the inputs (idempotent). */
  recompute: (db: Executor) => Promise<void>;
  /** Stored values that differ from the recomputation (at most about 100 rows), each naming its problem. */
  compare: (db: Executor) => Promise<unknown[]>;
};
