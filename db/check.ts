/**
 * `npm run db:check`: verifies the invariants of DESIGN.md on a live database
 * and exits non-zero listing the offending rows. Each area registers its checks.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import type { DB } from "./types";

export type CheckResult = { name: string; ok: boolean; offending: unknown[] };
export type Check = { name: string; run: (db: Kysely<DB>) => Promise<unknown[]> };

export const CHECKS: Check[] = [
  {
    name: "stock levels equal the sum of their movements; available never negative",
    run: async (db) => {
      const { findStockInvariantViolations } = await import("../app/modules/stock/movements.server");
      const r = await findStockInvariantViolations(db);
      return [...r.mismatched, ...r.orphans.map((o) => ({ ...o, problem: "movements without a level" }))];
    },
  },
  {
    name: "deals: one protected dealer per customer and product line; won deals and booked quotes name their order",
    run: async (db) => {
      const { findDealInvariantViolations } = await import("../app/modules/deals/deals.server");
      return findDealInvariantViolations(db);
    },
  },
];

export async function runChecks(db: Kysely<DB>): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const c of CHECKS) {
    const offending = await c.run(db);
    out.push({ name: c.name, ok: offending.length === 0, offending });
  }
  return out;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { getDb, closeDb } = await import("./client");
  const results = await runChecks(getDb());
  let bad = 0;
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`);
    if (!r.ok) {
      bad++;
      for (const o of r.offending.slice(0, 50)) console.log(`     ${JSON.stringify(o)}`);
      if (r.offending.length > 50) console.log(`     … and ${r.offending.length - 50} more`);
    }
  }
  await closeDb();
  process.exit(bad ? 1 : 0);
}
