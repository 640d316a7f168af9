import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { rng } from "../../../db/seed/random";
import { actorFor, createCast, createDealer, createManufacturer } from "../../../tests/factories";
import { post, sys } from "../../../tests/helpers/ledger";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { addDays } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { BUCKETS, agingByDealer, agingFromAggregates, agingFromLedger, agingReport, bucketOf, dealerAging } from "./aging.server";
import { balanceOf, findBalanceMismatches, findDebitsDueMismatches, reverseEntry } from "./post.server";

const AS_OF = "2026-11-20";

afterEach(() => {
  vi.useRealTimers();
});

describe("aging buckets", () => {
  it("puts days past due at the edges into the right bucket", () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketOf)).toEqual([
      "current",
      "current",
      "d1_30",
      "d1_30",
      "d31_60",
      "d31_60",
      "d61_90",
      "d61_90",
      "d90_plus",
      "d90_plus",
    ]);
  });

  it("ages invoices by due date at day 0, 1, 30, 31, 60, 61, 90, 91", async () => {
    await createManufacturer();
    const edges = [0, 1, 30, 31, 60, 61, 90, 91];
    const dealers: number[] = [];
    for (const days of edges) {
      const d = await createDealer();
      dealers.push(d.id);
      await post(d.id, "invoice", 1000, "2026-01-05", { dueDate: addDays(AS_OF, -days) });
    }
    const m = await agingByDealer(getDb(), AS_OF, dealers);
    const bucketFor = (i: number) => BUCKETS.find((b) => m.get(dealers[i]!)![b] === 1000);
    expect(edges.map((_, i) => bucketFor(i))).toEqual(["current", "d1_30", "d1_30", "d31_60", "d31_60", "d61_90", "d61_90", "d90_plus"]);
  });

  it("applies payments and credits FIFO to the oldest debits; reversal pairs drop out; totals tie to the balance", async () => {
    await createManufacturer();
    const d = await createDealer();
    await post(d.id, "invoice", 100_00, "2026-07-01", { dueDate: "2026-07-31" }); // 112 days past due
    await post(d.id, "invoice", 200_00, "2026-09-01", { dueDate: "2026-10-01" }); // 50 days
    await post(d.id, "fee", 50_00, "2026-11-01", { dueDate: "2026-12-01" }); // not due
    const wrong = await post(d.id, "invoice", 999_00, "2026-08-01", { dueDate: "2026-08-15" });
    await transaction("t", (tx) => reverseEntry(tx, sys(), wrong, "2026-08-02", "duplicate"));
    await post(d.id, "payment", -150_00, "2026-11-10");
    const a = (await agingByDealer(getDb(), AS_OF, [d.id])).get(d.id)!;
    expect(a).toEqual({ current: 50_00, d1_30: 0, d31_60: 150_00, d61_90: 0, d90_plus: 0, unapplied: 0, balance: 200_00 });
    // Later than every debit: overpaid → unapplied credit, buckets empty; still ties.
    await post(d.id, "payment", -300_00, "2026-11-11");
    const b = (await agingByDealer(getDb(), AS_OF, [d.id])).get(d.id)!;
    expect(b).toMatchObject({ current: 0, d31_60: 0, unapplied: -100_00, balance: -100_00 });
    // As of an earlier date, later entries do not count.
    const c = (await agingByDealer(getDb(), "2026-09-15", [d.id])).get(d.id)!;
    expect(c).toMatchObject({ d31_60: 100_00, current: 200_00, balance: 300_00 });
  });

  it("property: buckets + unapplied credit equal the ledger balance for random ledgers", async () => {
    await createManufacturer();
    const r = rng(42);
    const dealers = [await createDealer(), await createDealer(), await createDealer(), await createDealer()];
    for (let i = 0; i < 60; i++) {
      const d = r.pick(dealers);
      const date = addDays("2026-05-01", r.int(0, 200));
      const t = r.pick(["invoice", "fee", "payment", "credit_note", "rebate", "adjustment"] as const);
      const amt = r.int(1, 1_000_000);
      const signed = t === "invoice" || t === "fee" ? amt : t === "adjustment" ? (r.chance(0.5) ? amt : -amt) : -amt;
      await post(d.id, t, signed, date, { dueDate: signed > 0 && r.chance(0.7) ? addDays(date, r.int(0, 90)) : null });
    }
    const m = await agingByDealer(getDb(), "2026-12-31");
    for (const d of dealers) {
      const a = m.get(d.id)!;
      const sum = BUCKETS.reduce((s, k) => s + a[k], 0) + a.unapplied;
      expect(sum).toBe(await balanceOf(getDb(), d.id));
      expect(a.unapplied).toBeLessThanOrEqual(0);
      for (const k of BUCKETS) expect(a[k]).toBeGreaterThanOrEqual(0);
    }
  });

  it("the maintained aggregates give exactly the buckets recomputed from the ledger (random ledgers with reversals, several as-of dates)", async () => {
    await createManufacturer();
    const r = rng(7);
    const dealers = [await createDealer(), await createDealer(), await createDealer(), await createDealer(), await createDealer()];
    const posted: number[] = [];
    for (let i = 0; i < 120; i++) {
      const d = r.pick(dealers);
      const date = addDays("2026-03-01", r.int(0, 240));
      const t = r.pick(["invoice", "invoice", "fee", "payment", "payment", "credit_note", "rebate", "adjustment"] as const);
      const amt = r.int(1, 500_000);
      const signed = t === "invoice" || t === "fee" ? amt : t === "adjustment" ? (r.chance(0.5) ? amt : -amt) : -amt;
      posted.push(await post(d.id, t, signed, date, { dueDate: signed > 0 && r.chance(0.8) ? addDays(date, r.int(0, 120)) : null }));
      // Now and then reverse an earlier entry (debit or credit), dated after it.
      if (r.chance(0.12)) {
        const victim = posted.splice(r.int(0, posted.length - 1), 1)[0]!;
        await transaction("t", (tx) => reverseEntry(tx, sys(), victim, "2026-10-31", "test"));
      }
    }
    expect(await findDebitsDueMismatches(getDb())).toEqual([]);
    expect(await findBalanceMismatches(getDb())).toEqual([]);
    const ids = dealers.map((d) => d.id);
    // As of dates on or after every entry: both methods agree, for all dealers and for a subset.
    for (const asOf of ["2026-10-31", "2026-11-15", "2026-12-31", "2027-03-01"]) {
      const ledger = await agingFromLedger(getDb(), asOf);
      const fast = await agingFromAggregates(getDb(), asOf);
      for (const id of ids) expect(fast.get(id) ?? null).toEqual(ledger.get(id) ?? null);
      expect((await agingByDealer(getDb(), asOf, ids.slice(1, 3))).get(ids[1]!)).toEqual(ledger.get(ids[1]!));
    }
    // An as-of date before some entries falls back to the ledger method (and still ties to the balance then).
    const early = await agingByDealer(getDb(), "2026-06-30", ids);
    expect(early).toEqual(await agingFromLedger(getDb(), "2026-06-30", ids));
  });

  it("the aggregate check names a (dealer, due day) whose maintained debits disagree with the ledger", async () => {
    await createManufacturer();
    const d = await createDealer();
    await post(d.id, "invoice", 10_00, "2026-10-01", { dueDate: "2026-10-31" });
    expect(await findDebitsDueMismatches(getDb())).toEqual([]);
    await getDb().updateTable("dealer_debits_due").set({ debit_minor: 11_00 }).where("dealer_id", "=", d.id).execute();
    expect(await findDebitsDueMismatches(getDb())).toEqual([{ dealer_id: d.id, due_on: "2026-10-31", maintained: 11_00, actual: 10_00 }]);
  });

  it("the report is for finance; a dealer sees its own aging only", async () => {
    const cast = await createCast();
    await post(cast.dealerA.id, "invoice", 10_00, "2026-10-01", { dueDate: "2026-10-31" });
    await post(cast.dealerB.id, "invoice", 20_00, "2026-10-01", { dueDate: "2026-10-31" });
    const rep = await agingReport(actorFor(cast.staff.finance), { page: 1, asOf: AS_OF });
    expect(rep.rows).toHaveLength(2);
    expect(rep.totals.d1_30).toBe(30_00);
    expect(rep.totals.balance).toBe(30_00);
    await expect(agingReport(actorFor(cast.a.dealer_admin), { page: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    const own = await dealerAging(actorFor(cast.a.dealer_finance), cast.dealerA.id, AS_OF);
    expect(own.aging.d1_30).toBe(10_00);
    await expect(dealerAging(actorFor(cast.a.dealer_finance), cast.dealerB.id, AS_OF)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("the report shows a posted entry and a new credit limit on the very next read", async () => {
    const cast = await createCast();
    const finance = actorFor(cast.staff.finance);
    await post(cast.dealerA.id, "invoice", 10_00, "2026-10-01", { dueDate: "2026-10-31" });
    const first = await agingReport(finance, { page: 1, asOf: AS_OF });
    expect(first.totals.d1_30).toBe(10_00);
    expect(await agingReport(finance, { page: 1, asOf: AS_OF })).toBe(first); // one computation while nothing changed
    await post(cast.dealerA.id, "invoice", 5_00, "2026-11-01", { dueDate: "2026-12-01" });
    const second = await agingReport(finance, { page: 1, asOf: AS_OF });
    expect(second.totals).toMatchObject({ d1_30: 10_00, current: 5_00, balance: 15_00 });
    const { setCreditLimit } = await import("./ledger.server");
    await setCreditLimit(finance, cast.dealerA.id, { creditLimit: 1_234_00, reason: "review" });
    const third = await agingReport(finance, { page: 1, asOf: AS_OF });
    expect(third.rows.find((r) => r.id === cast.dealerA.id)!.credit.limitMinor).toBe(1_234_00);
  });

  it("ages by the business date in Shanghai: just after midnight there, an item due yesterday is 1 day past due", async () => {
    const cast = await createCast();
    await post(cast.dealerA.id, "invoice", 10_00, "2026-11-01", { dueDate: "2026-11-20" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T15:59:00Z")); // 23:59 on the 20th in Shanghai
    expect((await dealerAging(actorFor(cast.staff.finance), cast.dealerA.id)).aging.current).toBe(10_00);
    vi.setSystemTime(new Date("2026-11-20T16:01:00Z")); // 00:01 on the 21st in Shanghai (still the 20th in UTC)
    const a = await dealerAging(actorFor(cast.staff.finance), cast.dealerA.id);
    expect(a.asOf).toBe("2026-11-21");
    expect(a.aging.d1_30).toBe(10_00);
  });
});
