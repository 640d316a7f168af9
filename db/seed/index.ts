/**
 * Seeds the demo described in DESIGN.md into an empty database.
 * Each area adds its own step below; every step keeps the invariants
 * (stock = Σ movements, statement chains) by construction.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";
import type { DB } from "../types";
import { seedCatalog } from "./catalog";
import { seedDeals } from "./deals";
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seedFoundation, type FoundationIds } from "./foundation";
import { seedLedger } from "./ledger";
import { seedOrders } from "./orders";
import { seedNotifications } from "./notifications";
import { seedWebhooks } from "./webhooks";
import { seedService } from "./service";
import { seedApiTokens } from "./api";
import { seedSellout } from "./sellout";
import { seedPromotions } from "./promotions";

export type SeedStep = { name: string; run: (db: Kysely<DB>, ids: FoundationIds) => Promise<void> };

/** Later areas (catalog, orders, deals, ledger, notifications) append their steps here. */
export const SEED_STEPS: SeedStep[] = [
  { name: "catalog, warehouses and stock", run: seedCatalog },
  // Before orders and ledger: their changes queue the first dealer's webhook deliveries.
  { name: "webhooks", run: seedWebhooks },
  // Orders look products and warehouses up, so this step must stay AFTER the catalog step.
  { name: "orders", run: seedOrders },
  // Promotions: after orders (addresses, stock), before the ledger step, which issues last month's statement
  // (the promotion orders ship last month; their rebate is posted today).
  { name: "promotions and rebates", run: seedPromotions },
  // deals: keep after the catalog and orders steps (it looks products and orders up).
  { name: "deals, quotes and leads", run: seedDeals },
  // Keep ledger after the orders step: it uses the invoices that seeded shipments posted.
  { name: "ledger and statements", run: seedLedger },
  // Last: the promotion links products when the catalog step seeded them.
  { name: "announcements", run: seedNotifications },
  // After-sales service cases: after the orders step (a case names a shipped order line).
  { name: "service cases", run: seedService },
  { name: "API tokens", run: seedApiTokens },
  // Sell-out: after the catalog (it reports on products) and the foundation's dealers.
  { name: "sell-out reports", run: seedSellout },
];

export async function isEmpty(db: Kysely<DB>): Promise<boolean> {
  const row = await db
    .selectFrom("organisations")
    .select(sql<number>`COUNT(*)`.as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0) === 0;
}

export async function seedDemo(db: Kysely<DB>, log: (s: string) => void = () => {}): Promise<FoundationIds> {
  const { hashPassword } = await import("../../app/modules/auth/password.server");
  const hash = await hashPassword(DEMO_PASSWORD);
  // All or nothing: an interrupted seed leaves an empty database, seeded again next start.
  return db.transaction().execute(async (tx) => {
    const ids = await seedFoundation(tx, hash);
    log("seeded organisations, users and key accounts");
    for (const step of SEED_STEPS) {
      await step.run(tx, ids);
      log(`seeded ${step.name}`);
    }
    return ids;
  });
}

export { DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET };

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { getDb, closeDb } = await import("../client");
  const { migrateToLatest } = await import("../migrate");
  const { env } = await import("../../app/utils/env.server");
  await migrateToLatest(env().DATABASE_URL);
  const db = getDb();
  if (!(await isEmpty(db))) {
    console.log("The database already has data; the demo is seeded only into an empty database.");
  } else {
    await seedDemo(db, (s) => console.log(s));
  }
  await closeDb();
}
