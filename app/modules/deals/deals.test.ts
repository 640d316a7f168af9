import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { systemActor } from "~/modules/auth/actor";
import { addDays } from "~/utils/time";
import { actorFor, createUser } from "../../../tests/factories";
import {
  createDeal,
  createDealWorld,
  createKeyAccount,
  createProduct,
  createProposedQuote,
  registration,
  testCreateOrder,
  today,
  validCreditCode,
} from "../../../tests/factories/deals";
import { acceptQuote, bookQuote } from "~/modules/quotes/quotes.server";
import {
  addActivity,
  addTask,
  approveDeal,
  closeLost,
  completeTask,
  dealsExpiringWithin,
  expireLapsedDeals,
  flagProtectedAccountActivity,
  getDealPage,
  listDeals,
  markDealWonForOrder,
  pipeline,
  registerDeal,
  rejectDeal,
  renewProtection,
  requestRenewal,
  startNegotiation,
} from "./deals.server";
import { acceptLead, declineLead, getKeyAccountPage, offerLead } from "./key-accounts.server";
import { DealListQuery } from "./deals.schema.server";

const db = () => getDb();
const stageOf = async (id: number) => (await db().selectFrom("deals").select("stage").where("id", "=", id).executeTakeFirstOrThrow()).stage;
const events = async (type: string) => db().selectFrom("domain_events").selectAll().where("type", "=", type).execute();
const listAll = (actor: Parameters<typeof listDeals>[0]) => listDeals(actor, DealListQuery.parse({}));

afterEach(() => {
  vi.useRealTimers();
});

describe("registering a deal", () => {
  it("creates a proposed key account for the dealer's account manager, and matches it again by credit code or normalised name", async () => {
    const { cast, lineA, lineB } = await createDealWorld();
    const code = validCreditCode(424242);
    const first = await registerDeal(
      actorFor(cast.a.dealer_sales),
      registration({ accountName: "南京紫金数据科技有限公司", creditCode: code, industry: "it", region: "east", lines: [lineA] }),
    );
    expect(first.stage).toBe("registered");
    const deal = await db().selectFrom("deals").selectAll().where("id", "=", first.id).executeTakeFirstOrThrow();
    const ka = await db().selectFrom("key_accounts").selectAll().where("id", "=", deal.key_account_id).executeTakeFirstOrThrow();
    expect(ka).toMatchObject({ credit_code: code, name_normalized: "南京紫金数据科技", owner_id: cast.staff.account_manager.id });
    expect(deal.account_manager_id).toBe(cast.staff.account_manager.id);
    // Same customer by credit code, other spelling: the same account.
    const second = await registerDeal(actorFor(cast.a.dealer_sales), registration({ accountName: "紫金数据", creditCode: code, lines: [lineB] }));
    // Same customer by normalised name (full-width, suffix), no code: the same account.
    const third = await registerDeal(actorFor(cast.b.dealer_sales), registration({ accountName: "南京紫金数据科技（股份有限公司）", lines: [lineB] }));
    const kaOf = async (id: number) => (await db().selectFrom("deals").select("key_account_id").where("id", "=", id).executeTakeFirstOrThrow()).key_account_id;
    expect(await kaOf(second.id)).toBe(ka.id);
    expect(await kaOf(third.id)).toBe(ka.id);
    expect(third.stage).toBe("conflict"); // dealer A holds line B on it already
    const [registered] = await events("deal.registered");
    expect(registered).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id, entity_type: "deal" });
    expect(await db().selectFrom("audit_log").select("action").where("action", "=", "deal.registered").execute()).toHaveLength(3);
  });

  it("refuses bad input with field errors and changes nothing", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const actor = actorFor(cast.a.dealer_sales);
    const before = await db().selectFrom("deals").select("id").execute();
    await expect(registerDeal(actor, registration({ keyAccountId: ka.id, lines: [lineA], expectedCloseDate: addDays(today(), -1) }))).rejects.toMatchObject({
      status: 400,
      fieldErrors: { expectedCloseDate: ["validation.dateFuture"] },
    });
    await expect(registerDeal(actor, registration({ accountName: "X", lines: ["NO_SUCH_LINE"] }))).rejects.toMatchObject({
      status: 400,
      fieldErrors: { productLines: ["deals.unknownProductLine"] },
    });
    // Picking a key account the dealer has no deal on is not allowed (they cannot browse accounts).
    await expect(registerDeal(actor, registration({ keyAccountId: ka.id, lines: [lineA] }))).rejects.toMatchObject({
      status: 400,
      fieldErrors: { keyAccountId: ["validation.choice"] },
    });
    expect(await db().selectFrom("deals").select("id").execute()).toEqual(before);
    // A dealer without an account manager cannot propose a new customer.
    const orphan = await createUser("dealer_sales");
    await expect(registerDeal(actorFor(orphan), registration({ accountName: "Brand new customer Ltd", lines: [lineA] }))).rejects.toMatchObject({
      fieldErrors: { accountName: ["deals.noAccountManager"] },
    });
    expect(await db().selectFrom("key_accounts").select("id").where("name", "=", "Brand new customer Ltd").execute()).toEqual([]);
  });

  it("a dealer registering the same customer and line twice gets a duplicate error, not a conflict", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    await createDeal(cast.a.dealer_sales, ka, [lineA]);
    await expect(createDeal(cast.a.dealer_admin, ka, [lineA])).rejects.toMatchObject({ status: 400, messageKey: "deals.alreadyRegistered" });
  });
});

describe("conflict detection (撞单)", () => {
  it("another dealer's active registration on the same account and an overlapping line sends the new one to conflict; the reason is for the account manager only", async () => {
    const { cast, lineA, lineB, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const overlap = await createDeal(cast.b.dealer_sales, ka, [lineA, lineB]);
    expect(overlap.stage).toBe("conflict");
    const row = await db().selectFrom("deals").selectAll().where("id", "=", overlap.id).executeTakeFirstOrThrow();
    expect(row.conflict_with_deal_id).toBe(a.id);
    expect(JSON.parse(row.conflict_reason!)).toMatchObject({ dealId: a.id, lines: [lineA], dealerCode: cast.dealerA.code });
    // Dealer B sees the stage but not who or why.
    const asB = await getDealPage(actorFor(cast.b.dealer_sales), overlap.id);
    expect(asB.deal.conflict).toBeNull();
    expect(asB.deal.conflictWithDealId).toBeNull();
    expect(JSON.stringify(asB)).not.toContain(cast.dealerA.code);
    const asAm = await getDealPage(actorFor(cast.staff.account_manager), overlap.id);
    expect(asAm.deal.conflict).toMatchObject({ dealId: a.id, dealerCode: cast.dealerA.code });
    const [ev] = await events("deal.conflict");
    expect(ev).toMatchObject({ dealer_id: cast.dealerB.id, account_manager_id: cast.staff.account_manager.id });
    expect(ev!.payload).not.toContain(cast.dealerA.code);
  });

  it("no conflict on a different product line, on a lapsed protection, or against closed deals", async () => {
    const { cast, lineA, lineB, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    expect((await createDeal(cast.b.dealer_sales, ka, [lineB])).stage).toBe("registered");
    await closeLost(actorFor(cast.a.dealer_sales), a.id, "Customer postponed");
    expect((await createDeal(cast.b.dealer_admin, ka, [lineA])).stage).toBe("registered");
    // A lapsed (not yet expired by the job) protection no longer holds the customer.
    const ka2 = await createKeyAccount(cast.staff.account_manager.id);
    await createDeal(cast.a.dealer_sales, ka2, [lineA], { approveAs: cast.staff.account_manager });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.now() + 95 * 86_400_000));
    expect((await createDeal(cast.b.dealer_sales, ka2, [lineA])).stage).toBe("registered");
  });

  it("the account manager cannot approve a conflicting registration while the other one holds the customer; rejecting the holder first works", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const am = actorFor(cast.staff.account_manager);
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA]); // registered, not yet approved
    const b = await createDeal(cast.b.dealer_sales, ka, [lineA]);
    expect(b.stage).toBe("conflict");
    await expect(approveDeal(am, b.id)).rejects.toMatchObject({ status: 409, messageKey: "deals.otherRegistrationActive" });
    expect(await stageOf(b.id)).toBe("conflict");
    await rejectDeal(am, a.id, "Dealer B has the relationship");
    await approveDeal(am, b.id);
    expect(await stageOf(b.id)).toBe("approved");
    expect(await stageOf(a.id)).toBe("rejected");
    const [rej] = await events("deal.rejected");
    expect(rej).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
  });

  it("post-approval watch: another dealer's order or quote on a protected account is flagged to the account manager once", async () => {
    const { cast, lineA, lineB, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const sys = systemActor(1);
    const flagged = await getDb()
      .transaction()
      .execute((tx) => flagProtectedAccountActivity(tx, sys, { keyAccountId: ka.id, dealerId: cast.dealerB.id, refType: "order", refId: 991 }));
    expect(flagged).toBe(1);
    const again = await getDb()
      .transaction()
      .execute((tx) => flagProtectedAccountActivity(tx, sys, { keyAccountId: ka.id, dealerId: cast.dealerB.id, refType: "order", refId: 991 }));
    expect(again).toBe(0);
    // Other product line only: no flag. The protected dealer's own activity: no flag.
    expect(
      await getDb()
        .transaction()
        .execute((tx) =>
          flagProtectedAccountActivity(tx, sys, { keyAccountId: ka.id, dealerId: cast.dealerB.id, refType: "quote", refId: 5, productLineCodes: [lineB] }),
        ),
    ).toBe(0);
    expect(
      await getDb()
        .transaction()
        .execute((tx) => flagProtectedAccountActivity(tx, sys, { keyAccountId: ka.id, dealerId: cast.dealerA.id, refType: "order", refId: 7 })),
    ).toBe(0);
    expect(
      await getDb()
        .transaction()
        .execute((tx) =>
          flagProtectedAccountActivity(tx, sys, { keyAccountId: ka.id, dealerId: cast.dealerB.id, refType: "quote", refId: 6, productLineCodes: [lineA] }),
        ),
    ).toBe(1);
    const flags = await db().selectFrom("deal_flags").selectAll().where("deal_id", "=", a.id).execute();
    expect(flags.map((f) => [f.ref_type, f.ref_id, f.flagged_dealer_id])).toEqual([
      ["order", "991", cast.dealerB.id],
      ["quote", "6", cast.dealerB.id],
    ]);
    const ev = await events("deal.flagged");
    expect(ev).toHaveLength(2);
    expect(ev[0]).toMatchObject({ account_manager_id: cast.staff.account_manager.id, dealer_id: cast.dealerA.id });
    // The account manager sees the flags on the deal page; the dealer does not.
    expect((await getDealPage(actorFor(cast.staff.account_manager), a.id)).flags).toHaveLength(2);
    expect((await getDealPage(actorFor(cast.a.dealer_sales), a.id)).flags).toEqual([]);
  });
});

describe("protection period", () => {
  it("approval protects for DEAL_PROTECTION_DAYS; the daily expiry turns a lapsed deal expired (fake clock)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-02T02:00:00Z")); // 10:00 in Shanghai
    const { cast, lineA, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const row = await db().selectFrom("deals").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(row.protection_expires_on).toBe("2026-05-31"); // 2026-03-02 + 90 days
    expect((await dealsExpiringWithin(getDb(), "2026-05-25", 7)).map((d) => d.id)).toEqual([a.id]);
    expect(await dealsExpiringWithin(getDb(), "2026-05-01", 7)).toEqual([]);
    const sys = systemActor(1);
    // The last protected day is still protected.
    vi.setSystemTime(new Date("2026-05-31T10:00:00Z"));
    expect((await expireLapsedDeals(sys, "2026-05-31")).expired).toEqual([]);
    vi.setSystemTime(new Date("2026-06-01T01:00:00Z"));
    expect((await expireLapsedDeals(sys, "2026-06-01")).expired).toEqual([a.id]);
    expect(await stageOf(a.id)).toBe("expired");
    const [ev] = await events("deal.expired");
    expect(ev).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
    // Running again changes nothing.
    expect((await expireLapsedDeals(sys, "2026-06-01")).expired).toEqual([]);
    // Expired is closed: nothing moves it any more.
    await expect(startNegotiation(actorFor(cast.a.dealer_sales), a.id)).rejects.toMatchObject({ status: 409 });
  });

  it("renewal: the dealer requests, the account manager renews from the current expiry; after lapse no renewal", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-02T02:00:00Z"));
    const { cast, lineA, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    vi.setSystemTime(new Date("2026-05-20T02:00:00Z"));
    await requestRenewal(actorFor(cast.a.dealer_sales), a.id, "Tender delayed to Q3");
    const req = await db().selectFrom("deals").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(req.renewal_requested_by).toBe(cast.a.dealer_sales.id);
    expect((await events("deal.renewal_requested"))[0]).toMatchObject({ account_manager_id: cast.staff.account_manager.id });
    // The dealer cannot renew by themselves; another account manager cannot see it.
    await expect(renewProtection(actorFor(cast.a.dealer_sales), a.id)).rejects.toMatchObject({ status: 403 });
    await expect(renewProtection(actorFor(cast.am2), a.id)).rejects.toMatchObject({ status: 404 });
    const r = await renewProtection(actorFor(cast.staff.account_manager), a.id);
    expect(r.protectionExpiresOn).toBe("2026-08-29"); // 2026-05-31 + 90
    const after = await db().selectFrom("deals").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(after.renewal_requested_at).toBeNull();
    expect((await events("deal.renewed"))[0]).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
    vi.setSystemTime(new Date("2026-09-01T02:00:00Z"));
    await expect(requestRenewal(actorFor(cast.a.dealer_sales), a.id, null)).rejects.toMatchObject({ status: 409, messageKey: "deals.protectionLapsed" });
    await expect(renewProtection(actorFor(cast.staff.account_manager), a.id)).rejects.toMatchObject({ status: 409 });
  });

  it("a deal whose accepted quote has been booked does not expire while its order is in flight", async () => {
    const { cast, lineA, ka, products } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const q = await createProposedQuote(cast.staff.account_manager, a.id, [{ productId: products[0]!.id, quantity: 2, unitPrice: 88_000 }]);
    await acceptQuote(actorFor(cast.a.dealer_sales), q.id);
    await bookQuote(actorFor(cast.a.dealer_sales), q.id, testCreateOrder);
    expect((await expireLapsedDeals(systemActor(1), addDays(today(), 400))).expired).toEqual([]);
    expect(await stageOf(a.id)).toBe("quoted");
  });
});

describe("the deal desk", () => {
  it("both sides log activities and tasks; a task is marked done once", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    await addActivity(actorFor(cast.a.dealer_sales), a.id, { kind: "visit", body: "Site survey with facilities team", occurredAt: "2026-03-01T14:30" });
    await addActivity(actorFor(cast.staff.account_manager), a.id, { kind: "call", body: "Technical Q&A on chillers", occurredAt: null });
    await addTask(actorFor(cast.staff.account_manager), a.id, {
      title: "Send reference list",
      ownerUserId: cast.a.dealer_sales.id,
      dueDate: addDays(today(), 3),
    });
    await expect(addTask(actorFor(cast.staff.account_manager), a.id, { title: "x", ownerUserId: cast.b.dealer_sales.id, dueDate: null })).rejects.toMatchObject(
      { fieldErrors: { ownerUserId: ["validation.choice"] } },
    );
    await expect(addTask(actorFor(cast.a.dealer_sales), a.id, { title: "x", ownerUserId: null, dueDate: addDays(today(), -2) })).rejects.toMatchObject({
      fieldErrors: { dueDate: ["validation.dateFuture"] },
    });
    const page = await getDealPage(actorFor(cast.a.dealer_sales), a.id);
    expect(page.activities.map((x) => x.kind).sort()).toEqual(["call", "visit"]);
    const visit = page.activities.find((x) => x.kind === "visit")!;
    expect(new Date(visit.occurred_at).toISOString()).toBe("2026-03-01T06:30:00.000Z"); // 14:30 Shanghai
    expect(page.tasks).toHaveLength(1);
    await completeTask(actorFor(cast.a.dealer_sales), a.id, page.tasks[0]!.id);
    await completeTask(actorFor(cast.a.dealer_sales), a.id, page.tasks[0]!.id);
    expect(await db().selectFrom("audit_log").select("id").where("action", "=", "deal.task_done").execute()).toHaveLength(1);
    // Dealer finance, ops and finance have no deal access.
    for (const u of [cast.a.dealer_finance, cast.staff.ops, cast.staff.finance]) {
      await expect(addActivity(actorFor(u), a.id, { kind: "note", body: "x", occurredAt: null })).rejects.toMatchObject({ status: 403 });
      await expect(getDealPage(actorFor(u), a.id)).rejects.toMatchObject({ status: 403 });
    }
  });

  it("losing needs the dealer and a reason; the account manager cannot close a deal", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    await expect(closeLost(actorFor(cast.staff.account_manager), a.id, "x")).rejects.toMatchObject({ status: 403 });
    await expect(closeLost(actorFor(cast.staff.admin), a.id, "x")).rejects.toMatchObject({ status: 403 });
    await closeLost(actorFor(cast.a.dealer_admin), a.id, "Lost on price to Midea");
    const row = await db().selectFrom("deals").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ stage: "lost", lost_reason: "Lost on price to Midea" });
    expect((await events("deal.lost"))[0]).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
    await expect(closeLost(actorFor(cast.a.dealer_admin), a.id, "again")).rejects.toMatchObject({ status: 409 });
  });

  it("forbidden transitions through the domain answer 409 and change nothing", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const am = actorFor(cast.staff.account_manager);
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA]);
    await expect(closeLost(actorFor(cast.a.dealer_sales), a.id, "x")).rejects.toMatchObject({ status: 409 }); // registered → lost
    await expect(startNegotiation(actorFor(cast.a.dealer_sales), a.id)).rejects.toMatchObject({ status: 409 }); // registered → negotiating
    await approveDeal(am, a.id);
    await expect(approveDeal(am, a.id)).rejects.toMatchObject({ status: 409 });
    await expect(rejectDeal(am, a.id, "x")).rejects.toMatchObject({ status: 409 }); // approved → rejected
    expect(await stageOf(a.id)).toBe("approved");
    await startNegotiation(actorFor(cast.a.dealer_sales), a.id);
    expect(await stageOf(a.id)).toBe("negotiating");
  });
});

describe("scoping", () => {
  it("dealer B gets 404 on dealer A's deal; AM2 gets 404 on AM1's deal and key account; lists show only what is theirs", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA]);
    for (const u of [cast.b.dealer_sales, cast.b.dealer_admin, cast.am2]) {
      await expect(getDealPage(actorFor(u), a.id)).rejects.toMatchObject({ status: 404 });
      await expect(addActivity(actorFor(u), a.id, { kind: "note", body: "x", occurredAt: null })).rejects.toMatchObject({ status: 404 });
    }
    await expect(approveDeal(actorFor(cast.am2), a.id)).rejects.toMatchObject({ status: 404 });
    await expect(getKeyAccountPage(actorFor(cast.am2), ka.id)).rejects.toMatchObject({ status: 404 });
    await expect(getKeyAccountPage(actorFor(cast.a.dealer_admin), ka.id)).rejects.toMatchObject({ status: 403 });
    expect((await listAll(actorFor(cast.b.dealer_sales))).total).toBe(0);
    expect((await listAll(actorFor(cast.am2))).total).toBe(0);
    expect((await listAll(actorFor(cast.a.dealer_admin))).total).toBe(1);
    expect((await listAll(actorFor(cast.staff.account_manager))).total).toBe(1);
    expect((await listAll(actorFor(cast.staff.admin))).total).toBe(1);
    await expect(listAll(actorFor(cast.staff.ops))).rejects.toMatchObject({ status: 403 });
    const pipe = await pipeline(actorFor(cast.staff.account_manager), DealListQuery.parse({}));
    expect(pipe.find((p) => p.stage === "registered")).toEqual({ stage: "registered", count: 1, value: 1_200_000_00 });
  });
});

describe("leads", () => {
  it("the owning account manager offers a lead; the dealer accepts it as an approved, protected registration", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const am = actorFor(cast.staff.account_manager);
    const { id } = await offerLead(am, ka.id, {
      dealerId: cast.dealerB.id,
      productLineCode: lineA,
      estimatedValue: 500_000_00,
      note: "Expansion of the east campus",
    });
    expect((await events("lead.offered"))[0]).toMatchObject({ dealer_id: cast.dealerB.id, account_manager_id: cast.staff.account_manager.id });
    await expect(
      offerLead(actorFor(cast.am2), ka.id, { dealerId: cast.dealerB.id, productLineCode: lineA, estimatedValue: 0, note: null }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(offerLead(am, ka.id, { dealerId: cast.dealerA.id, productLineCode: lineA, estimatedValue: 0, note: null })).rejects.toMatchObject({
      status: 409,
      messageKey: "leads.alreadyOffered",
    });
    await expect(acceptLead(actorFor(cast.a.dealer_sales), id, { expectedCloseDate: null, title: null })).rejects.toMatchObject({ status: 404 });
    const { dealId } = await acceptLead(actorFor(cast.b.dealer_sales), id, { expectedCloseDate: addDays(today(), 90), title: null });
    const deal = await db().selectFrom("deals").selectAll().where("id", "=", dealId).executeTakeFirstOrThrow();
    expect(deal).toMatchObject({
      stage: "approved",
      dealer_id: cast.dealerB.id,
      source: "lead",
      lead_id: id,
      protection_expires_on: addDays(today(), 90),
      account_manager_id: cast.staff.account_manager.id,
    });
    expect((await db().selectFrom("leads").selectAll().where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("accepted");
    expect((await events("lead.accepted"))[0]).toMatchObject({ dealer_id: cast.dealerB.id, account_manager_id: cast.staff.account_manager.id });
    // Now dealer B holds the customer on that line: offering it to A is refused, A's registration conflicts.
    await expect(offerLead(am, ka.id, { dealerId: cast.dealerA.id, productLineCode: lineA, estimatedValue: 0, note: null })).rejects.toMatchObject({
      status: 409,
      messageKey: "leads.heldByOtherDealer",
    });
    expect((await createDeal(cast.a.dealer_sales, ka, [lineA])).stage).toBe("conflict");
    await expect(acceptLead(actorFor(cast.b.dealer_sales), id, { expectedCloseDate: null, title: null })).rejects.toMatchObject({ status: 409 });
  });

  it("the dealer declines with a reason", async () => {
    const { cast, lineB, ka } = await createDealWorld();
    const { id } = await offerLead(actorFor(cast.staff.account_manager), ka.id, {
      dealerId: cast.dealerA.id,
      productLineCode: lineB,
      estimatedValue: 0,
      note: null,
    });
    await expect(declineLead(actorFor(cast.staff.account_manager), id, "x")).rejects.toMatchObject({ status: 403 });
    await declineLead(actorFor(cast.a.dealer_admin), id, "No installation capacity this quarter");
    const lead = await db().selectFrom("leads").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ status: "declined", decline_reason: "No installation capacity this quarter", deal_id: null });
    expect((await events("lead.declined"))[0]).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
  });
});

describe("won when the order from the accepted quote is approved", () => {
  it("markDealWonForOrder is idempotent and ignores orders not made from the deal's accepted quote", async () => {
    const { cast, lineA, ka } = await createDealWorld();
    const p = await createProduct(lineA, { listPrice: 50_000 });
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const q = await createProposedQuote(cast.staff.account_manager, a.id, [{ productId: p.id, quantity: 3, unitPrice: 42_000 }]);
    await acceptQuote(actorFor(cast.a.dealer_sales), q.id);
    const booked = await bookQuote(actorFor(cast.a.dealer_sales), q.id, testCreateOrder);
    const ops = actorFor(cast.staff.ops);
    // An unrelated order does nothing.
    const other = await db()
      .insertInto("orders")
      .values({ dealer_id: cast.dealerA.id, status: "approved", deal_id: a.id, quote_id: null })
      .executeTakeFirstOrThrow();
    expect(
      await getDb()
        .transaction()
        .execute((tx) => markDealWonForOrder(tx, ops, Number(other.insertId))),
    ).toBe(false);
    expect(await stageOf(a.id)).toBe("quoted");
    await db().updateTable("orders").set({ status: "approved" }).where("id", "=", booked.orderId).execute();
    expect(
      await getDb()
        .transaction()
        .execute((tx) => markDealWonForOrder(tx, ops, booked.orderId)),
    ).toBe(true);
    expect(
      await getDb()
        .transaction()
        .execute((tx) => markDealWonForOrder(tx, ops, booked.orderId)),
    ).toBe(true);
    const deal = await db().selectFrom("deals").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(deal).toMatchObject({ stage: "won", won_order_id: booked.orderId });
    const won = await events("deal.won");
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id });
    // The key account page shows the order, and the deal page links it.
    const kaPage = await getKeyAccountPage(actorFor(cast.staff.account_manager), ka.id);
    expect(kaPage.orders.map((o) => o.id)).toContain(booked.orderId);
    expect((await getDealPage(actorFor(cast.a.dealer_sales), a.id)).orders.map((o) => o.id)).toContain(booked.orderId);
  });
});

describe("db:check invariants", () => {
  it("finds two dealers protected on one customer and line (which the portal never produces), and nothing on a clean desk", async () => {
    const { findDealInvariantViolations } = await import("./deals.server");
    const { cast, lineA, ka } = await createDealWorld();
    const a = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const b = await createDeal(cast.b.dealer_sales, ka, [lineA]);
    expect(await findDealInvariantViolations(getDb())).toEqual([]);
    // Force what approval refuses: B approved alongside A.
    await db()
      .updateTable("deals")
      .set({ stage: "approved", protection_expires_on: addDays(today(), 30) })
      .where("id", "=", b.id)
      .execute();
    const found = await findDealInvariantViolations(getDb());
    expect(found).toEqual([expect.objectContaining({ problem: "two dealers protected on one customer and product line", deals: `${a.id},${b.id}` })]);
  });
});
