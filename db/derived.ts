/**
 * The registry of derived figures (app/utils/derived.ts): every area's `<area>.derived.server.ts`.
 * `npm run db:check` compares each with its recomputation; the benchmark's data generator
 * recomputes them after its bulk load. Loaded lazily, as db/check.ts loads the areas it checks.
 */
import type { DerivedFigure } from "../app/utils/derived";

export async function derivedFigures(): Promise<DerivedFigure[]> {
  const areas = await Promise.all([
    import("../app/modules/catalog/catalog.derived.server"),
    import("../app/modules/stock/stock.derived.server"),
    import("../app/modules/orders/orders.derived.server"),
    import("../app/modules/ledger/ledger.derived.server"),
    import("../app/modules/sellout/sellout.derived.server"),
  ]);
  return areas.flatMap((a) => a.DERIVED);
}

/** Recomputes every derived figure from its inputs (after a bulk load that wrote the inputs directly). */
export async function recomputeAll(db: import("./client").Executor): Promise<void> {
  for (const f of await derivedFigures()) await f.recompute(db);
}
