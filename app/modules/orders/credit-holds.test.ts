/**
 * Finance's credit-hold queue (/finance/credit-holds): the held orders beside their dealer's credit,
 * oldest first, and the two decisions DESIGN.md allows (credit_hold → submitted | cancelled), each a
 * unit of work with its status history, audit entry and domain event. The clock is set by each test.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, type TestUser } from "../../../tests/factories";
import { orderIn, orderRow, orderWorld, submitNew, type World } from "../../../tests/factories/orders";
import { setClock } from "../../../tests/helpers/clock";
import { systemActor } from "~/modules/auth/actor";
import { postEntry } from "~/modules/ledger/post.server";
import { financeDashboard } from "~/modules/reports/reports.server";
import { forgetSnapshots } from "~/utils/snapshots.server";
import { transaction } from "~/utils/tx.server";
import { CreditHoldDecisionSchema, CreditHoldQuery } from "./orders.schema.server";
import { cancelHeldOrder, cancelOrder, releaseCreditHold, releaseHeldOrder } from "./orders.server";
import { creditHoldQueue, exportCreditHoldQueue, getOrderPage } from "./orders.views.server";

afterEach(() => vi.useRealTimers());

const db = () => getDb();
const query = (q: Record<string, string> = {}) => CreditHoldQuery.parse(q);
const version = async (id: number) => (await orderRow(id)).version;
const historyOf = (id: number) =>
  db().selectFrom("order_status_history").select(["from_status", "to_status", "note", "actor_user_id"]).where("order_id", "=", id).orderBy("id").execute();
const auditOf = (id: number) =>
  db()
    .selectFrom("audit_log")
    .select(["action", "summary", "actor_user_id"])
    .where("entity_type", "=", "order")
    .where("entity_id", "=", String(id))
    .orderBy("id")
    .execute();
const eventsOf = (id: number) =>
  db()
    .selectFrom("domain_events")
    .select(["type", "payload", "dealer_id"])
    .where("entity_type", "=", "order")
    .where("entity_id", "=", String(id))
    .orderBy("id")
    .execute();

async function csvRows(actor: Parameters<typeof exportCreditHoldQueue>[0], q: Record<string, string> = {}) {
  const out: unknown[][] = [];
  for await (const batch of exportCreditHoldQueue(actor, query(q))) out.push(...batch);
  return out;
}

async function setLimit(dealerId: number, limit: number) {
  await db().updateTable("organisations").set({ credit_limit_minor: limit }).where("id", "=", dealerId).execute();
}

async function invoice(dealerId: number, amount: number) {
  await transaction("t", (tx) =>
    postEntry(tx, systemActor(dealerId), {
      dealerId,
      type: "invoice",
      amountMinor: amount,
      currency: "CNY",
      businessDate: "2026-03-02",
      description: "opening",
    }),
  );
}

/** 2 widgets at the gold price are 180.00; 3 are 270.00. */
const widgets = (w: World, quantity: number) => [{ productId: w.widget.id, quantity }];

/**
 * Dealer B's order held at 08:00 (limit 100.00, nothing else open); dealer A (limit 500.00, balance
 * 100.00) submits 180.00 at 09:00 (fits) and 270.00 at 10:00 (held: 100 + 180 + 270 > 500).
 */
async function heldWorld() {
  setClock("2026-03-02T00:00:00Z");
  const w = await orderWorld();
  await setLimit(w.dealerB.id, 100_00);
  await setLimit(w.dealerA.id, 500_00);
  await invoice(w.dealerA.id, 100_00);
  setClock("2026-03-02T08:00:00Z");
  const heldB = await submitNew(w.b.dealer_sales, w.addrB.id, widgets(w, 2));
  setClock("2026-03-02T09:00:00Z");
  const fits = await submitNew(w.a.dealer_sales, w.addrA.id, widgets(w, 2));
  setClock("2026-03-02T10:00:00Z");
  const heldA = await submitNew(w.a.dealer_sales, w.addrA.id, widgets(w, 3));
  expect([heldB.status, fits.status, heldA.status]).toEqual(["credit_hold", "submitted", "credit_hold"]);
  return { w, heldA, heldB, fits, finance: actorFor(w.staff.finance), admin: actorFor(w.staff.admin) };
}

describe("the credit-hold queue", () => {
  it("lists held orders longest held first, each beside its dealer's limit, balance, available credit and how far over", async () => {
    const { w, heldA, heldB, finance } = await heldWorld();
    setClock("2026-03-03T12:00:00Z");
    const page = await creditHoldQueue(finance, query());
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.id)).toEqual([heldB.id, heldA.id]);
    const [b, a] = page.rows;
    expect(b).toMatchObject({
      number: heldB.number,
      dealer_id: w.dealerB.id,
      total_minor: 180_00,
      overByMinor: 80_00,
      credit: { limitMinor: 100_00, balanceMinor: 0, openOrdersMinor: 0, availableMinor: 100_00 },
    });
    expect(a).toMatchObject({
      number: heldA.number,
      dealer_id: w.dealerA.id,
      dealer_name: "Dealer A",
      total_minor: 270_00,
      overByMinor: 50_00,
      credit: { limitMinor: 500_00, balanceMinor: 100_00, openOrdersMinor: 180_00, availableMinor: 220_00 },
    });
    expect(b!.held_since?.toISOString()).toBe("2026-03-02T08:00:00.000Z");
    expect(a!.held_since?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
    expect(page.now).toBe("2026-03-03T12:00:00.000Z");
    expect(page.dealers.map((d) => d.id).sort()).toEqual([w.dealerA.id, w.dealerB.id].sort());
    // A raised limit shows at once: the order now fits.
    await setLimit(w.dealerA.id, 600_00);
    const raised = (await creditHoldQueue(finance, query({ dealerId: String(w.dealerA.id) }))).rows;
    expect(raised.map((r) => [r.id, r.overByMinor, r.credit.availableMinor])).toEqual([[heldA.id, 0, 320_00]]);
    // CSV: the same rows, figures as decimals, the age in whole hours.
    expect(await csvRows(finance)).toEqual([
      [heldB.number, w.dealerB.code, "Dealer B", "PO-TEST", "CNY", "180.00", "100.00", "0.00", "0.00", "100.00", "80.00", "2026-03-02T08:00:00.000Z", 28],
      [heldA.number, w.dealerA.code, "Dealer A", "PO-TEST", "CNY", "270.00", "600.00", "100.00", "180.00", "320.00", "0.00", "2026-03-02T10:00:00.000Z", 26],
    ]);
    // The finance dashboard's figure is the queue's total.
    forgetSnapshots();
    const dash = await financeDashboard(finance);
    expect(dash.creditHolds).toEqual({ count: page.total, oldestDays: 1 });
  });

  it("pages 25 orders at a time, longest held first", async () => {
    setClock("2026-03-02T00:00:00Z");
    const w = await orderWorld();
    await setLimit(w.dealerA.id, 1);
    const ids: number[] = [];
    for (let i = 0; i < 26; i++) {
      setClock(new Date(Date.UTC(2026, 2, 2, 1, i)));
      ids.push((await submitNew(w.a.dealer_sales, w.addrA.id, widgets(w, 1))).id);
    }
    const finance = actorFor(w.staff.finance);
    const one = await creditHoldQueue(finance, query());
    const two = await creditHoldQueue(finance, query({ page: "2" }));
    expect([one.total, one.pageSize, one.rows.length, two.rows.length]).toEqual([26, 25, 25, 1]);
    expect([...one.rows, ...two.rows].map((r) => r.id)).toEqual(ids);
  });

  it("release: the order goes to review; history, audit and event record who released it and the credit it overrode", async () => {
    const { w, heldA, finance } = await heldWorld();
    setClock("2026-03-02T11:00:00Z");
    const r = await releaseHeldOrder(finance, heldA.id, { version: await version(heldA.id), note: "Wire received, 300.00" });
    expect(r).toEqual({ number: heldA.number, overByMinor: 50_00 });
    expect((await orderRow(heldA.id)).status).toBe("submitted");
    expect((await historyOf(heldA.id)).at(-1)).toEqual({
      from_status: "credit_hold",
      to_status: "submitted",
      note: "Wire received, 300.00",
      actor_user_id: w.staff.finance.id,
    });
    const audit = (await auditOf(heldA.id)).at(-1)!;
    expect(audit.action).toBe("order.submitted");
    expect(audit.actor_user_id).toBe(w.staff.finance.id);
    const credit = { limitMinor: 500_00, balanceMinor: 100_00, openOrdersMinor: 180_00, orderMinor: 270_00, overByMinor: 50_00 };
    expect(JSON.parse(audit.summary!)).toMatchObject({ from: "credit_hold", to: "submitted", releasedFromHold: true, credit });
    const ev = (await eventsOf(heldA.id)).at(-1)!;
    expect(ev.type).toBe("order.submitted");
    expect(ev.dealer_id).toBe(w.dealerA.id);
    expect(JSON.parse(ev.payload!)).toMatchObject({ number: heldA.number, from: "credit_hold", to: "submitted", note: "Wire received, 300.00", credit });
    // It left the queue, and now counts as an open order of its dealer.
    const page = await creditHoldQueue(finance, query());
    expect(page.rows.map((x) => x.id)).not.toContain(heldA.id);
    expect((await getOrderPage(actorFor(w.a.dealer_sales), heldA.number)).order.status).toBe("submitted");
  });

  it("cancel: a reason is required from finance and reaches the dealer; the dealer may still cancel their own held order without one", async () => {
    const { w, heldA, heldB, finance, admin } = await heldWorld();
    const before = await orderRow(heldA.id);
    await expect(cancelHeldOrder(finance, heldA.id, { version: before.version, note: null })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { note: ["creditHolds.reasonRequired"] },
    });
    // The order page's cancel asks the same of the manufacturer.
    await expect(cancelOrder(admin, heldA.id, { version: before.version, note: null })).rejects.toMatchObject({ status: 400 });
    expect(await orderRow(heldA.id)).toMatchObject({ status: "credit_hold", version: before.version });
    expect(CreditHoldDecisionSchema.safeParse({ decision: "cancel", orderId: "1", version: "1", note: "  " }).success).toBe(false);
    expect(CreditHoldDecisionSchema.safeParse({ decision: "release", orderId: "1", version: "1", note: "" }).success).toBe(true);

    setClock("2026-03-02T12:00:00Z");
    await cancelHeldOrder(finance, heldA.id, { version: before.version, note: "Overdue invoices unpaid since January" });
    expect((await orderRow(heldA.id)).status).toBe("cancelled");
    expect((await historyOf(heldA.id)).at(-1)).toMatchObject({
      from_status: "credit_hold",
      to_status: "cancelled",
      note: "Overdue invoices unpaid since January",
    });
    expect((await auditOf(heldA.id)).at(-1)!.action).toBe("order.cancelled");
    expect(JSON.parse((await eventsOf(heldA.id)).at(-1)!.payload!)).toMatchObject({
      from: "credit_hold",
      to: "cancelled",
      note: "Overdue invoices unpaid since January",
    });
    const seen = await getOrderPage(actorFor(w.a.dealer_sales), heldA.number);
    expect(seen.history.at(-1)).toMatchObject({ to_status: "cancelled", note: "Overdue invoices unpaid since January" });

    await cancelOrder(actorFor(w.b.dealer_sales), heldB.id, { version: await version(heldB.id), note: null });
    expect((await orderRow(heldB.id)).status).toBe("cancelled");
    expect((await creditHoldQueue(finance, query())).total).toBe(0);
  });

  it("refuses an order that is not on hold, and a stale form; nothing changes", async () => {
    const { w, heldA, fits, finance, admin } = await heldWorld();
    // Submitted and approved orders are not the queue's: 409, even for an administrator who could cancel an approved order elsewhere.
    await setLimit(w.dealerA.id, 1_000_000_00);
    const approved = await orderIn(w, "approved");
    for (const [actor, id] of [
      [finance, fits.id],
      [admin, fits.id],
      [admin, approved.id],
    ] as const) {
      const before = await orderRow(id);
      await expect(releaseHeldOrder(actor, id, { version: before.version, note: null })).rejects.toMatchObject({
        status: 409,
        messageKey: "creditHolds.notOnHold",
      });
      await expect(cancelHeldOrder(actor, id, { version: before.version, note: "no" })).rejects.toMatchObject({
        status: 409,
        messageKey: "creditHolds.notOnHold",
      });
      expect(await orderRow(id)).toMatchObject({ status: before.status, version: before.version });
    }
    const v = await version(heldA.id);
    await expect(releaseHeldOrder(finance, heldA.id, { version: v - 1, note: null })).rejects.toMatchObject({ status: 409, messageKey: "orders.changed" });
    await expect(releaseHeldOrder(finance, 987_654_321, { version: 1, note: null })).rejects.toMatchObject({ status: 404 });
    expect(await orderRow(heldA.id)).toMatchObject({ status: "credit_hold", version: v });
    expect((await historyOf(heldA.id)).map((h) => h.to_status)).toEqual(["credit_hold"]);
  });

  it("two decisions at once on the same order: exactly one happens, the other is told the order moved on", async () => {
    const { heldA, heldB, finance, admin } = await heldWorld();
    const v = await version(heldA.id);
    const releases = await Promise.allSettled([
      releaseHeldOrder(finance, heldA.id, { version: v, note: "one" }),
      releaseHeldOrder(admin, heldA.id, { version: v, note: "two" }),
    ]);
    expect(releases.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = releases.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 409 });
    expect((await historyOf(heldA.id)).map((h) => `${h.from_status}→${h.to_status}`)).toEqual(["draft→credit_hold", "credit_hold→submitted"]);
    expect((await auditOf(heldA.id)).map((a) => a.action).filter((a) => !a.startsWith("order.draft"))).toEqual(["order.credit_hold", "order.submitted"]);
    expect((await eventsOf(heldA.id)).map((e) => e.type)).toEqual(["order.credit_hold", "order.submitted"]);

    // Release and cancel racing: one wins, and the order is in exactly that state.
    const vb = await version(heldB.id);
    const race = await Promise.allSettled([
      releaseHeldOrder(finance, heldB.id, { version: vb, note: null }),
      cancelHeldOrder(admin, heldB.id, { version: vb, note: "duplicate order" }),
    ]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const status = (await orderRow(heldB.id)).status;
    expect(["submitted", "cancelled"]).toContain(status);
    expect((await historyOf(heldB.id)).map((h) => h.to_status)).toEqual(["credit_hold", status]);
  });

  it("is for finance and administrators: dealers, account managers and the order desk are refused (403) and nothing changes", async () => {
    const { w, heldA } = await heldWorld();
    const v = await version(heldA.id);
    const refused: TestUser[] = [w.a.dealer_admin, w.a.dealer_sales, w.a.dealer_finance, w.staff.account_manager, w.staff.ops];
    for (const u of refused) {
      const actor = actorFor(u);
      await expect(creditHoldQueue(actor, query()), u.role).rejects.toMatchObject({ status: 403 });
      await expect(csvRows(actor), u.role).rejects.toMatchObject({ status: 403 });
      await expect(releaseHeldOrder(actor, heldA.id, { version: v, note: null }), u.role).rejects.toMatchObject({ status: 403 });
      await expect(cancelHeldOrder(actor, heldA.id, { version: v, note: "x" }), u.role).rejects.toMatchObject({ status: 403 });
    }
    // The order page's release is as strict (the queue adds nothing anyone could not do there).
    await expect(releaseCreditHold(actorFor(w.staff.ops), heldA.id, { version: v, note: null })).rejects.toMatchObject({ status: 403 });
    expect(await orderRow(heldA.id)).toMatchObject({ status: "credit_hold", version: v });
    for (const u of [w.staff.finance, w.staff.admin]) expect((await creditHoldQueue(actorFor(u), query())).total, u.role).toBe(2);
  });

  it("refuses malformed query parameters in the schema (the route answers 400)", () => {
    for (const bad of [{ page: "0" }, { page: "abc" }, { dealerId: "x" }, { dealerId: "0" }, { format: "pdf" }]) {
      expect(CreditHoldQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
