/**
 * The administrator's queue of quotes awaiting a discount approval (/quotes/approvals): what it lists
 * and in which order, its figures, filters, pages and CSV, who may read it, and that it follows the
 * quote through approval, refusal and a new request. The clock is set by each test (tests/helpers/clock.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { actorFor, type TestUser } from "../../../tests/factories";
import { createDeal, createDealWorld, createKeyAccount, createProposedQuote, createQuoteAwaitingApproval } from "../../../tests/factories/deals";
import { setClock } from "../../../tests/helpers/clock";
import { getDb } from "../../../db/client";
import { ApprovalQueueQuery } from "./quotes.schema.server";
import { approvalQueue, approvalQueueSummary, approveQuoteDiscount, exportApprovalQueue, proposeQuote, refuseQuoteDiscount, saveDraft } from "./quotes.server";
import { addDays } from "~/utils/time";

afterEach(() => vi.useRealTimers());

const query = (q: Record<string, string> = {}) => ApprovalQueueQuery.parse(q);

async function csvRows(actor: Parameters<typeof exportApprovalQueue>[0], q: Record<string, string> = {}) {
  const out: unknown[][] = [];
  for await (const batch of exportApprovalQueue(actor, query(q))) out.push(...batch);
  return out;
}

/** Dealer A's deal on a key account of the first account manager, and dealer B's on one of the second's. */
async function world() {
  setClock("2026-03-02T01:00:00Z");
  const w = await createDealWorld();
  const { cast } = w;
  const am = cast.staff.account_manager;
  const dealA = await createDeal(cast.a.dealer_sales, w.ka, [w.lineA], { approveAs: am });
  const kaB = await createKeyAccount(cast.am2.id);
  const dealB = await createDeal(cast.b.dealer_sales, kaB, [w.lineA], { approveAs: cast.am2 });
  return { ...w, am, dealA, dealB, admin: actorFor(cast.staff.admin) };
}

describe("quotes awaiting discount approval", () => {
  it("lists only quotes awaiting approval, longest waiting first, with the deal, parties, version, totals and discounts", async () => {
    const w = await world();
    const p1 = w.products[0]!; // list 1 000.00, gold tier 900.00
    // Dealer B's request comes first, dealer A's a day later; a quote within the limit never enters the queue.
    setClock("2026-03-02T02:00:00Z");
    const first = await createQuoteAwaitingApproval(w.cast.am2, w.dealB.id, [{ productId: p1.id, quantity: 1, unitPrice: 60_000 }]);
    setClock("2026-03-03T09:30:00Z");
    const second = await createQuoteAwaitingApproval(w.am, w.dealA.id, [{ productId: p1.id, quantity: 2, unitPrice: 70_000 }]);
    const kaC = await createKeyAccount(w.am.id);
    const dealC = await createDeal(w.cast.a.dealer_admin, kaC, [w.lineA], { approveAs: w.am });
    expect((await createProposedQuote(w.am, dealC.id, [{ productId: p1.id, quantity: 1, unitPrice: 88_000 }])).status).toBe("proposed");

    setClock("2026-03-04T12:00:00Z");
    const page = await approvalQueue(w.admin, query());
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.id)).toEqual([first.id, second.id]);
    const a = page.rows[1]!;
    expect(a).toMatchObject({
      version: 1,
      deal_id: w.dealA.id,
      deal_title: "Metro line 5 HVAC retrofit",
      key_account_name: w.ka.name,
      dealer_id: w.cast.dealerA.id,
      account_manager_id: w.am.id,
      account_manager_name: "AM One",
      total_minor: 140_000,
      currency: "CNY",
      line_count: 1,
      list_total_minor: 200_000,
      tier_total_minor: 180_000,
      list_discount_bp: 3000, // 1 400.00 against 2 000.00 at list price
      tier_discount_bp: 2222, // against 1 800.00 at the dealer's gold price
      max_discount_bp: 2222,
    });
    expect(a.approval_requested_at?.toISOString()).toBe("2026-03-03T09:30:00.000Z");
    expect(page.rows[0]!.approval_requested_at?.toISOString()).toBe("2026-03-02T02:00:00.000Z");
    expect(page.limitBp).toBe(1500);
    expect(page.now).toBe("2026-03-04T12:00:00.000Z");
    // The dashboard's figure is the queue's total, and names the oldest request.
    expect(await approvalQueueSummary(w.admin)).toEqual({ count: 2, oldestRequestedAt: "2026-03-02T02:00:00.000Z", now: "2026-03-04T12:00:00.000Z" });
  });

  it("filters by dealer and by account manager, offers only those with a quote waiting, and exports the same rows as CSV", async () => {
    const w = await world();
    const p1 = w.products[0]!;
    const qB = await createQuoteAwaitingApproval(w.cast.am2, w.dealB.id, [{ productId: p1.id, quantity: 1, unitPrice: 60_000 }]);
    setClock("2026-03-02T05:00:00Z");
    const qA = await createQuoteAwaitingApproval(w.am, w.dealA.id, [{ productId: p1.id, quantity: 2, unitPrice: 70_000 }]);
    const all = await approvalQueue(w.admin, query());
    expect(all.choices.dealers.map((d) => d.id).sort()).toEqual([w.cast.dealerA.id, w.cast.dealerB.id].sort());
    expect(all.choices.accountManagers.map((u) => u.id).sort()).toEqual([w.am.id, w.cast.am2.id].sort());
    expect((await approvalQueue(w.admin, query({ dealerId: String(w.cast.dealerA.id) }))).rows.map((r) => r.id)).toEqual([qA.id]);
    expect((await approvalQueue(w.admin, query({ accountManagerId: String(w.cast.am2.id) }))).rows.map((r) => r.id)).toEqual([qB.id]);
    const none = await approvalQueue(w.admin, query({ dealerId: String(w.cast.dealerA.id), accountManagerId: String(w.cast.am2.id) }));
    expect([none.total, none.rows]).toEqual([0, []]);

    setClock("2026-03-02T08:00:00Z");
    const csv = await csvRows(w.admin);
    expect(csv.map((r) => r[0])).toEqual(all.rows.map((r) => r.id));
    const rowA = csv[1]!;
    expect(rowA).toEqual([
      qA.id,
      1,
      w.dealA.id,
      "Metro line 5 HVAC retrofit",
      w.ka.name,
      w.cast.dealerA.code,
      "Dealer A",
      "AM One",
      "CNY",
      "1400.00",
      "2000.00",
      "30.00",
      "22.22",
      "22.22",
      "15.00",
      addDays("2026-03-02", 30),
      "2026-03-02T05:00:00.000Z",
      3,
    ]);
    expect((await csvRows(w.admin, { accountManagerId: String(w.cast.am2.id) })).map((r) => r[0])).toEqual([qB.id]);
  });

  it("follows the quote: approved or refused it leaves the queue; proposed again it returns with its new request time", async () => {
    const w = await world();
    const p1 = w.products[0]!;
    const am = actorFor(w.am);
    const qA = await createQuoteAwaitingApproval(w.am, w.dealA.id, [{ productId: p1.id, quantity: 1, unitPrice: 60_000 }]);
    setClock("2026-03-02T03:00:00Z");
    const qB = await createQuoteAwaitingApproval(w.cast.am2, w.dealB.id, [{ productId: p1.id, quantity: 1, unitPrice: 60_000 }]);
    expect((await approvalQueue(w.admin, query())).rows.map((r) => r.id)).toEqual([qA.id, qB.id]);

    setClock("2026-03-02T04:00:00Z");
    await refuseQuoteDiscount(w.admin, qA.id, "At most 20 % on this line");
    expect((await approvalQueue(w.admin, query())).rows.map((r) => r.id)).toEqual([qB.id]);
    setClock("2026-03-02T06:00:00Z");
    await saveDraft(am, qA.id, { lines: [{ row: 0, productId: p1.id, quantity: 1, unitPrice: 72_000 }], validUntil: addDays("2026-03-02", 20), terms: null });
    expect(await proposeQuote(am, qA.id)).toEqual({ status: "pending_approval" });
    const again = await approvalQueue(w.admin, query());
    // Waiting since the new request, so now behind dealer B's.
    expect(again.rows.map((r) => r.id)).toEqual([qB.id, qA.id]);
    expect(again.rows[1]!.approval_requested_at?.toISOString()).toBe("2026-03-02T06:00:00.000Z");

    await approveQuoteDiscount(w.admin, qB.id, "Strategic account");
    expect((await approvalQueue(w.admin, query())).rows.map((r) => r.id)).toEqual([qA.id]);
    expect((await approvalQueueSummary(w.admin)).count).toBe(1);
  });

  it("pages 25 quotes at a time, oldest first", async () => {
    const w = await world();
    const p1 = w.products[0]!;
    const ids: number[] = [];
    for (let i = 0; i < 26; i++) {
      setClock(new Date(Date.UTC(2026, 2, 2, 2, i)));
      const ka = await createKeyAccount(w.am.id);
      const deal = await createDeal(w.cast.a.dealer_sales, ka, [w.lineA], { approveAs: w.am });
      ids.push((await createQuoteAwaitingApproval(w.am, deal.id, [{ productId: p1.id, quantity: 1, unitPrice: 60_000 }])).id);
    }
    const one = await approvalQueue(w.admin, query());
    const two = await approvalQueue(w.admin, query({ page: "2" }));
    expect([one.total, one.pageSize, one.rows.length, two.rows.length]).toEqual([26, 25, 25, 1]);
    expect([...one.rows, ...two.rows].map((r) => r.id)).toEqual(ids);
    expect((await approvalQueue(w.admin, query({ page: "3" }))).rows).toEqual([]);
  });

  it("is for whoever may approve discounts (administrators): every other role is refused (403)", async () => {
    const w = await world();
    await createQuoteAwaitingApproval(w.am, w.dealA.id, [{ productId: w.products[0]!.id, quantity: 1, unitPrice: 60_000 }]);
    const others: TestUser[] = [
      w.cast.a.dealer_admin,
      w.cast.a.dealer_sales,
      w.cast.a.dealer_finance,
      w.cast.staff.account_manager,
      w.cast.staff.ops,
      w.cast.staff.finance,
    ];
    for (const u of others) {
      const actor = actorFor(u);
      await expect(approvalQueue(actor, query()), u.role).rejects.toMatchObject({ status: 403 });
      await expect(approvalQueueSummary(actor), u.role).rejects.toMatchObject({ status: 403 });
      await expect(csvRows(actor), u.role).rejects.toMatchObject({ status: 403 });
    }
    expect((await approvalQueue(w.admin, query())).total).toBe(1);
    // Reading writes nothing.
    expect(await getDb().selectFrom("audit_log").select("id").where("action", "like", "quote.approv%").execute()).toEqual([]);
  });

  it("refuses malformed filters in the schema (the route answers 400)", () => {
    for (const bad of [{ page: "0" }, { page: "x" }, { dealerId: "abc" }, { dealerId: "-1" }, { accountManagerId: "1.5" }, { format: "xls" }]) {
      expect(ApprovalQueueQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
