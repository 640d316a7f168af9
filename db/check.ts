/**
 * `npm run db:check`: verifies the invariants of DESIGN.md on a live database
 * and exits non-zero listing the offending rows. Each area registers its checks; every
 * derived figure (db/derived.ts: each area's `<area>.derived.server.ts`) is also compared
 * with its recomputation from the tables it summarises.
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
    name: "made-to-order products have a lead time; tier prices use known tiers",
    run: async (db) => {
      const mto = await db.selectFrom("products").select(["sku"]).where("made_to_order", "=", 1).where("lead_time_days", "is", null).execute();
      const tiers = await db.selectFrom("product_tier_prices").select(["product_id", "tier"]).where("tier", "not in", ["platinum", "gold", "silver"]).execute();
      return [...mto.map((m) => ({ ...m, problem: "made-to-order without lead time" })), ...tiers.map((t) => ({ ...t, problem: "unknown tier" }))];
    },
  },
  {
    name: "statements add up (opening + Σ lines = closing), chain period to period, and hold every entry of their period exactly once",
    run: async (db) => {
      const { findStatementInvariantViolations } = await import("../app/modules/statements/statements.server");
      return findStatementInvariantViolations(db);
    },
  },
  {
    name: "ledger reversals are exact opposites of an original that is not itself a reversal",
    run: async (db) => {
      const { findReversalViolations } = await import("../app/modules/ledger/post.server");
      return findReversalViolations(db);
    },
  },
  {
    name: "orders: totals, line fulfilment, reservations and shipment invoices add up; no quote line ordered beyond its quoted quantity",
    run: async (db) => {
      const { findOrderInvariantViolations } = await import("../app/modules/orders/invariants.server");
      return findOrderInvariantViolations(db);
    },
  },
  {
    name: "outbox: sent emails have a send time and no claim; failed ones carry their error; dedupe keys unique",
    run: async (db) => {
      const { sql } = await import("kysely");
      const bad = await db
        .selectFrom("outbox_emails")
        .select(["id", "status", "sent_at", "claimed_by", "last_error"])
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "sent"), eb.or([eb("sent_at", "is", null), eb("claimed_by", "is not", null)])]),
            eb.and([eb("status", "=", "failed"), eb("last_error", "is", null)]),
            eb("status", "not in", ["pending", "sent", "failed"]),
          ]),
        )
        .limit(100)
        .execute();
      const dupes = await db
        .selectFrom("outbox_emails")
        .select(["dedupe_key", sql<number>`COUNT(*)`.as("n")])
        .groupBy("dedupe_key")
        .having(sql`COUNT(*)`, ">", 1)
        .limit(100)
        .execute();
      return [...bad, ...dupes.map((d) => ({ ...d, problem: "duplicate dedupe key" }))];
    },
  },
  {
    name: "webhooks: every delivery goes to an endpoint of its own dealer; delivered ones have a time and no claim; attempts match their rows",
    run: async (db) => {
      const { findWebhookInvariantViolations } = await import("../app/modules/webhooks/webhooks.server");
      return findWebhookInvariantViolations(db);
    },
  },
  {
    name: "job runs: one per job and period; finished runs have an end time",
    run: async (db) => {
      const { sql } = await import("kysely");
      const dupes = await db
        .selectFrom("job_runs")
        .select(["job_name", "slot", sql<number>`COUNT(*)`.as("n")])
        .groupBy(["job_name", "slot"])
        .having(sql`COUNT(*)`, ">", 1)
        .limit(100)
        .execute();
      const unfinished = await db
        .selectFrom("job_runs")
        .select(["id", "job_name", "slot", "status"])
        .where("status", "in", ["succeeded", "failed", "skipped"])
        .where("finished_at", "is", null)
        .limit(100)
        .execute();
      return [...dupes, ...unfinished];
    },
  },
  {
    name: "announcements: the validity window ends after it starts",
    run: async (db) =>
      db
        .selectFrom("announcements")
        .select(["id", "starts_at", "ends_at"])
        .where("ends_at", "is not", null)
        .whereRef("ends_at", "<=", "starts_at")
        .limit(100)
        .execute(),
  },
  {
    name: "service cases: every open case past its response or resolution promise (beyond the escalation job's grace) is flagged",
    run: async (db) => {
      const { findServiceInvariantViolations } = await import("../app/modules/service/service.server");
      return findServiceInvariantViolations(db);
    },
  },
  {
    name: "service returns: no order line returned beyond what was shipped; every received return's credit note equals its lines",
    run: async (db) => {
      const { findRmaInvariantViolations } = await import("../app/modules/service/rma.server");
      return findRmaInvariantViolations(db);
    },
  },
  {
    name: "service surveys: at most one answer per survey; every low score (1–2) has a callback, recorded before its case closed",
    run: async (db) => {
      const { findSurveyInvariantViolations } = await import("../app/modules/service/survey.server");
      return findSurveyInvariantViolations(db);
    },
  },
  {
    name: "service replacements: no order line replaced beyond what was shipped; a replacement order carries no price",
    run: async (db) => {
      const { findReplacementInvariantViolations } = await import("../app/modules/service/replacement.server");
      return findReplacementInvariantViolations(db);
    },
  },
  {
    name: "sell-out: one line per period, SKU and segment; rows of their period's dealer; closed periods changed only by corrections",
    run: async (db) => {
      const { findSelloutInvariantViolations } = await import("../app/modules/sellout/sellout.server");
      return findSelloutInvariantViolations(db);
    },
  },
  {
    name: "promotions: every posted promotion rebate equals the sum over its qualifying lines (purchases net of credited returns); one rebate per dealer, promotion and period",
    run: async (db) => {
      const { findPromotionRebateViolations } = await import("../app/modules/promotions/rebates.server");
      return findPromotionRebateViolations(db);
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

/** The checks of derived figures: each compared with its recomputation from its inputs. */
export async function derivedChecks(): Promise<Check[]> {
  const { derivedFigures } = await import("./derived");
  return (await derivedFigures()).map((f) => ({ name: f.name, run: f.compare }));
}

export async function runChecks(db: Kysely<DB>): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const c of [...CHECKS, ...(await derivedChecks())]) {
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
