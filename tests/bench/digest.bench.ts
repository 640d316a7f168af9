/**
 * Digest benchmark: 5,000 users across 500 dealers with a month of domain
 * events (~150,000), then one daily and one weekly digest run (weekly users
 * read up to 31 days back). Target: each run well under 60 s.
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/dd_bench_digest npx tsx tests/bench/digest.bench.ts
 */
import { sql } from "kysely";
import { closeDb, getDb } from "../../db/client";
import { dropDatabase, migrateToLatest } from "../../db/migrate";
import { rng } from "../../db/seed/random";
import { env } from "../../app/utils/env.server";
import { runDigest } from "../../app/modules/notifications/digest.server";

const USERS = Number(process.env.BENCH_USERS ?? 5000);
const DEALERS = Math.max(1, Math.floor(USERS / 10));
const EVENTS = Number(process.env.BENCH_EVENTS ?? 150_000);
const url = env().DATABASE_URL;
if (!process.env.BENCH_REUSE) await dropDatabase(url);
await migrateToLatest(url);
const db = getDb();
const r = rng(7);
const DAY = 86_400_000;
const until = new Date();

console.log(`seeding ${DEALERS} dealers, ${USERS} users, ${EVENTS} events…`);
const mfr = Number((await db.insertInto("organisations").values({ kind: "manufacturer", code: "MFR", name: "M" }).executeTakeFirstOrThrow()).insertId);
const ams: number[] = [];
for (let i = 0; i < 20; i++)
  ams.push(
    Number(
      (
        await db
          .insertInto("users")
          .values({ organisation_id: mfr, email: `am${i}@b.local`, name: `AM ${i}`, role: "account_manager", password_hash: "x", digest_frequency: "daily" })
          .executeTakeFirstOrThrow()
      ).insertId,
    ),
  );
const dealerRows = Array.from({ length: DEALERS }, (_, i) => ({
  kind: "dealer",
  code: `B${i}`,
  name: `Dealer ${i}`,
  region: r.pick(["east", "north", "south", "west"]),
  tier: r.pick(["gold", "silver", "platinum"]),
  account_manager_id: ams[i % ams.length]!,
}));
await db.insertInto("organisations").values(dealerRows).execute();
const dealers = await db.selectFrom("organisations").select(["id", "account_manager_id"]).where("kind", "=", "dealer").execute();
const roles = ["dealer_admin", "dealer_sales", "dealer_finance"] as const;
const userRows = [];
for (let i = 0; userRows.length < USERS - ams.length - 30; i++) {
  const d = dealers[i % dealers.length]!;
  userRows.push({
    organisation_id: d.id,
    email: `u${i}@b.local`,
    name: `User ${i}`,
    role: roles[i % 3]!,
    password_hash: "x",
    locale: r.chance(0.5) ? "zh-CN" : "en",
    digest_frequency: r.chance(0.8) ? "daily" : "weekly",
  });
}
for (let i = 0; i < 30; i++)
  userRows.push({
    organisation_id: mfr,
    email: `staff${i}@b.local`,
    name: `Staff ${i}`,
    role: (["ops", "finance", "admin"] as const)[i % 3],
    password_hash: "x",
    locale: "en",
    digest_frequency: "daily",
  });
for (let i = 0; i < userRows.length; i += 1000)
  await db
    .insertInto("users")
    .values(userRows.slice(i, i + 1000))
    .execute();
const types = [
  "order.approved",
  "order.shipped",
  "order.submitted",
  "quote.proposed",
  "deal.expiring",
  "statement.issued",
  "dispute.resolved",
  "order.credit_hold",
  "quote.pending_approval",
  "deal.registered",
  "dispute.opened",
];
const batch = [];
for (let i = 0; i < EVENTS; i++) {
  const d = dealers[r.int(0, dealers.length - 1)]!;
  batch.push({
    type: r.pick(types),
    dealer_id: d.id,
    account_manager_id: d.account_manager_id,
    entity_type: "order",
    entity_id: String(r.int(1, 50_000)),
    payload: JSON.stringify({ number: `SO-${r.int(1, 999999)}`, to: "approved" }),
    occurred_at: new Date(until.getTime() - r.next() * 30 * DAY),
  });
  if (batch.length === 2000) await db.insertInto("domain_events").values(batch.splice(0)).execute();
}
if (batch.length) await db.insertInto("domain_events").values(batch).execute();
const count = await db
  .selectFrom("users")
  .select(sql<number>`COUNT(*)`.as("n"))
  .executeTakeFirstOrThrow();
console.log(`users: ${count.n}`);

for (const freq of ["daily", "weekly"] as const) {
  const t0 = Date.now();
  const res = await runDigest(freq, { period: `bench-${freq}`, until });
  console.log(`${freq}: ${((Date.now() - t0) / 1000).toFixed(1)} s`, res);
}
await closeDb();
