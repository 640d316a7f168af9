/**
 * The one access module (docs/decisions/111), on the real database: for every record kind, a record
 * outside the actor's scope is not found (404), one in scope without the permission is forbidden (403),
 * and one in scope with it is allowed; each kind's WHERE builder returns exactly the rows its check allows.
 * No date matters here: nothing is compared with "today".
 */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { systemActor, type Actor } from "./actor";
import { assertDealerInScope, can, decide, requireAccess, requireDealerAccess, scopes, type AccessRecord } from "./access.server";
import { DIGEST_AUDIENCE, PERMISSIONS, ROLES, moverSide, roleCan, rolesWith, type Permission, type Role } from "./permissions";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { actorFor, createUser, type TestUser } from "../../../tests/factories";
import { createDeal, createDealWorld, createProposedQuote } from "../../../tests/factories/deals";

type World = Awaited<ReturnType<typeof createDealWorld>>;
let w: World;
let actors: Record<string, Actor>;
let dealId: number;
let quoteDeal: { dealerId: number; accountManagerId: number };
let leadId: number;
let dealerAUser: TestUser;

const db = () => getDb();

/** Each case: who, which permission, and the answer expected for the record. */
function expectAnswers(record: AccessRecord, cases: [who: string, permission: Permission, answer: "allowed" | "forbidden" | "not_found"][]) {
  for (const [who, permission, answer] of cases) {
    expect(decide(actors[who]!, permission, record), `${who} ${permission}`).toBe(answer);
    expect(can(actors[who]!, permission, record), `${who} ${permission}`).toBe(answer === "allowed");
    const thrown = (() => {
      try {
        requireAccess(actors[who]!, permission, record);
        return null;
      } catch (err) {
        return err;
      }
    })();
    if (answer === "allowed") expect(thrown, `${who} ${permission}`).toBeNull();
    else expect(thrown, `${who} ${permission}`).toBeInstanceOf(answer === "not_found" ? NotFoundError : ForbiddenError);
    if (thrown) expect((thrown as NotFoundError).status).toBe(answer === "not_found" ? 404 : 403);
  }
}

// The database is reset before every test (tests/setup/db.ts): the world is made for each.
beforeEach(async () => {
  w = await createDealWorld();
  const { cast } = w;
  dealerAUser = cast.a.dealer_sales;
  actors = {
    "A.admin": actorFor(cast.a.dealer_admin),
    "A.sales": actorFor(cast.a.dealer_sales),
    "A.finance": actorFor(cast.a.dealer_finance),
    "B.admin": actorFor(cast.b.dealer_admin),
    "B.sales": actorFor(cast.b.dealer_sales),
    "B.finance": actorFor(cast.b.dealer_finance),
    am: actorFor(cast.staff.account_manager),
    am2: actorFor(cast.am2),
    ops: actorFor(cast.staff.ops),
    finance: actorFor(cast.staff.finance),
    admin: actorFor(cast.staff.admin),
    system: systemActor(cast.staff.admin.organisationId, "test"),
  };
  // A deal of dealer A on the key account of the first account manager, approved, with a proposed quote.
  const deal = await createDeal(cast.a.dealer_sales, w.ka, [w.lineA], { approveAs: cast.staff.account_manager });
  dealId = deal.id;
  await createProposedQuote(cast.staff.account_manager, dealId, [{ productId: w.products[0]!.id, quantity: 2, unitPrice: 95_000 }]);
  const row = await db().selectFrom("deals").select(["dealer_id", "account_manager_id"]).where("id", "=", dealId).executeTakeFirstOrThrow();
  quoteDeal = { dealerId: row.dealer_id, accountManagerId: row.account_manager_id };
  // A lead the first account manager offers to dealer B.
  const lead = await db()
    .insertInto("leads")
    .values({
      key_account_id: w.ka.id,
      dealer_id: cast.dealerB.id,
      account_manager_id: cast.staff.account_manager.id,
      product_line_code: w.lineB,
      estimated_value_minor: 500_000_00,
      status: "offered",
    })
    .executeTakeFirstOrThrow();
  leadId = Number(lead.insertId);
});

describe("dealer-owned rows (orders, ledger, statements, addresses)", () => {
  it("404 outside the scope, 403 in scope without the permission, allowed otherwise", () => {
    const rec: AccessRecord = { kind: "dealer_data", dealerId: w.cast.dealerA.id, dealerAccountManagerId: w.cast.staff.account_manager.id };
    expectAnswers(rec, [
      ["A.finance", "ledger:read", "allowed"],
      ["A.sales", "ledger:read", "forbidden"],
      ["A.sales", "order:read", "allowed"],
      ["B.finance", "ledger:read", "not_found"],
      ["B.sales", "order:read", "not_found"],
      ["am", "order:read", "allowed"],
      ["am", "ledger:read", "forbidden"],
      ["am2", "order:read", "not_found"],
      ["am2", "ledger:read", "not_found"],
      ["ops", "order:read", "allowed"],
      ["ops", "ledger:read", "forbidden"],
      ["finance", "ledger:read", "allowed"],
      ["admin", "ledger:post", "allowed"],
      ["system", "ledger:post", "allowed"],
    ]);
  });

  it("known by its dealer id: the account manager of the dealer is read from the database", async () => {
    const dealerA = w.cast.dealerA.id;
    await expect(requireDealerAccess(db(), actors.am!, "order:read", dealerA)).resolves.toBeUndefined();
    await expect(requireDealerAccess(db(), actors.am2!, "order:read", dealerA)).rejects.toBeInstanceOf(NotFoundError);
    await expect(requireDealerAccess(db(), actors.am!, "ledger:read", dealerA)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(requireDealerAccess(db(), actors["B.admin"]!, "order:read", dealerA)).rejects.toBeInstanceOf(NotFoundError);
    await expect(assertDealerInScope(db(), actors.ops!, dealerA)).resolves.toBeUndefined();
  });

  it("the WHERE builder keeps exactly the dealers the check lets in", async () => {
    const ids = [w.cast.dealerA.id, w.cast.dealerB.id];
    const seen = async (who: string) =>
      (
        await db()
          .selectFrom("organisations")
          .select("id")
          .where("id", "in", ids)
          .where(scopes.dealerData.where(actors[who]!, "organisations.id"))
          .orderBy("id")
          .execute()
      ).map((r) => r.id);
    expect(await seen("A.sales")).toEqual([w.cast.dealerA.id]);
    expect(await seen("B.finance")).toEqual([w.cast.dealerB.id]);
    expect(await seen("am")).toEqual([w.cast.dealerA.id]);
    expect(await seen("am2")).toEqual([w.cast.dealerB.id]);
    expect(await seen("ops")).toEqual(ids);
    expect(await seen("system")).toEqual(ids);
  });
});

describe("dealers themselves", () => {
  it("404 outside the scope, 403 in scope without the permission, allowed otherwise", async () => {
    const rec: AccessRecord = { kind: "dealer", dealerId: w.cast.dealerA.id, accountManagerId: w.cast.staff.account_manager.id };
    expectAnswers(rec, [
      ["admin", "dealer:manage", "allowed"],
      ["am", "dealer:manage", "forbidden"],
      ["am", "order:read", "allowed"],
      ["am2", "dealer:manage", "not_found"],
      ["A.admin", "dealer:manage", "forbidden"],
      ["A.admin", "user:manage", "allowed"],
      ["B.admin", "dealer:manage", "not_found"],
      ["ops", "dealer:manage", "forbidden"],
    ]);
    const seen = async (who: string) =>
      (
        await db()
          .selectFrom("organisations as o")
          .select("o.id")
          .where("o.id", "in", [w.cast.dealerA.id, w.cast.dealerB.id])
          .where(scopes.dealer.where(actors[who]!))
          .orderBy("o.id")
          .execute()
      ).map((r) => r.id);
    expect(await seen("am")).toEqual([w.cast.dealerA.id]);
    expect(await seen("B.admin")).toEqual([w.cast.dealerB.id]);
    expect(await seen("admin")).toEqual([w.cast.dealerA.id, w.cast.dealerB.id]);
  });
});

describe("user accounts", () => {
  it("a dealer's users are its own; manufacturer staff see all", async () => {
    const rec: AccessRecord = { kind: "user", organisationId: w.cast.dealerA.id };
    expectAnswers(rec, [
      ["A.admin", "user:manage", "allowed"],
      ["A.sales", "user:manage", "forbidden"],
      ["B.admin", "user:manage", "not_found"],
      ["admin", "user:manage", "allowed"],
      ["ops", "user:manage", "forbidden"],
    ]);
    const ids = [dealerAUser.id, w.cast.b.dealer_sales.id, w.cast.staff.ops.id];
    const seen = async (who: string) =>
      (await db().selectFrom("users as u").select("u.id").where("u.id", "in", ids).where(scopes.user.where(actors[who]!)).orderBy("u.id").execute()).map(
        (r) => r.id,
      );
    expect(await seen("A.admin")).toEqual([dealerAUser.id]);
    expect(await seen("admin")).toEqual([...ids].sort((a, b) => a - b));
  });
});

describe("deals", () => {
  it("404 outside the scope, 403 in scope without the permission or for a role that reads no deal, allowed otherwise", () => {
    const rec: AccessRecord = { kind: "deal", ...quoteDeal };
    expectAnswers(rec, [
      ["A.sales", "deal:read", "allowed"],
      ["A.sales", "deal:approve", "forbidden"],
      ["A.finance", "deal:read", "forbidden"],
      ["B.sales", "deal:read", "not_found"],
      ["B.finance", "deal:read", "not_found"],
      ["am", "deal:approve", "allowed"],
      ["am", "deal:register", "forbidden"],
      ["am2", "deal:read", "not_found"],
      ["admin", "deal:approve", "allowed"],
      ["admin", "deal:activity", "forbidden"],
      ["ops", "deal:read", "forbidden"],
      ["finance", "deal:read", "forbidden"],
    ]);
  });

  it("the WHERE builder: the deal is seen by its dealer, its account manager and the administrator; ops is refused (403)", async () => {
    const seen = async (who: string) =>
      (await db().selectFrom("deals as d").select("d.id").where("d.id", "=", dealId).where(scopes.deal.where(actors[who]!)).execute()).length;
    expect(await seen("A.sales")).toBe(1);
    expect(await seen("A.finance")).toBe(1);
    expect(await seen("B.sales")).toBe(0);
    expect(await seen("am")).toBe(1);
    expect(await seen("am2")).toBe(0);
    expect(await seen("admin")).toBe(1);
    expect(await seen("system")).toBe(1);
    expect(() => scopes.deal.where(actors.ops!)).toThrow(ForbiddenError);
    expect(scopes.deal.readsAll(actors.admin!)).toBe(true);
    expect(scopes.deal.readsAll(actors.am!)).toBe(false);
  });
});

describe("quotes, through their deal", () => {
  it("404 outside the deal's scope, 403 in scope without the permission, allowed otherwise", async () => {
    const rec: AccessRecord = { kind: "quote", deal: quoteDeal };
    expectAnswers(rec, [
      ["A.sales", "quote:accept", "allowed"],
      ["A.admin", "quote:accept", "allowed"],
      ["A.finance", "quote:accept", "forbidden"],
      ["B.sales", "quote:accept", "not_found"],
      ["am", "quote:accept", "forbidden"],
      ["am", "quote:create", "allowed"],
      ["am2", "quote:create", "not_found"],
      ["admin", "quote:approve_discount", "allowed"],
      ["ops", "quote:read", "forbidden"],
    ]);
    const seen = async (who: string) =>
      (
        await db()
          .selectFrom("quotes as q")
          .innerJoin("deals as d", "d.id", "q.deal_id")
          .select("q.id")
          .where("q.deal_id", "=", dealId)
          .where(scopes.quote.where(actors[who]!))
          .execute()
      ).length;
    expect(await seen("A.sales")).toBe(1);
    expect(await seen("B.sales")).toBe(0);
    expect(await seen("am")).toBe(1);
    expect(await seen("am2")).toBe(0);
  });
});

describe("key accounts", () => {
  it("the owner and the administrator; another account manager 404; dealers and other staff 403", async () => {
    const rec: AccessRecord = { kind: "key_account", ownerId: w.cast.staff.account_manager.id };
    expectAnswers(rec, [
      ["am", "key_account:manage", "allowed"],
      ["am", "lead:offer", "allowed"],
      ["am", "key_account:assign", "forbidden"],
      ["am2", "key_account:manage", "not_found"],
      ["am2", "lead:offer", "not_found"],
      ["admin", "key_account:assign", "allowed"],
      ["admin", "lead:offer", "forbidden"],
      ["A.sales", "key_account:read", "forbidden"],
      ["ops", "key_account:read", "forbidden"],
    ]);
    const seen = async (who: string) =>
      (await db().selectFrom("key_accounts as ka").select("ka.id").where("ka.id", "=", w.ka.id).where(scopes.keyAccount.where(actors[who]!)).execute()).length;
    expect(await seen("am")).toBe(1);
    expect(await seen("am2")).toBe(0);
    expect(await seen("admin")).toBe(1);
    expect(() => scopes.keyAccount.where(actors["A.admin"]!)).toThrow(ForbiddenError);
    expect(() => scopes.keyAccount.where(actors.finance!)).toThrow(ForbiddenError);
  });
});

describe("leads", () => {
  it("the dealer it is offered to and the account manager who offered it; others 404 or 403", async () => {
    const rec: AccessRecord = { kind: "lead", dealerId: w.cast.dealerB.id, accountManagerId: w.cast.staff.account_manager.id };
    expectAnswers(rec, [
      ["B.sales", "lead:respond", "allowed"],
      ["B.admin", "lead:respond", "allowed"],
      ["B.finance", "lead:respond", "forbidden"],
      ["A.sales", "lead:respond", "not_found"],
      ["am", "lead:respond", "forbidden"],
      ["am", "deal:read", "allowed"],
      ["am2", "deal:read", "not_found"],
      ["admin", "deal:read", "allowed"],
      ["admin", "lead:respond", "forbidden"],
      ["ops", "deal:read", "forbidden"],
    ]);
    const seen = async (who: string) =>
      (await db().selectFrom("leads as l").select("l.id").where("l.id", "=", leadId).where(scopes.lead.where(actors[who]!)).execute()).length;
    expect(await seen("B.sales")).toBe(1);
    expect(await seen("A.sales")).toBe(0);
    expect(await seen("am")).toBe(1);
    expect(await seen("am2")).toBe(0);
    expect(await seen("admin")).toBe(1);
    expect(() => scopes.lead.where(actors["B.finance"]!)).toThrow(ForbiddenError);
    expect(() => scopes.lead.where(actors.ops!)).toThrow(ForbiddenError);
  });
});

describe("the permission table answers what role names used to", () => {
  it("rolesWith lists the roles of a permission", () => {
    for (const p of Object.keys(PERMISSIONS) as Permission[]) expect(rolesWith(p)).toEqual(ROLES.filter((r) => roleCan(r, p)));
  });

  it("the capabilities added for issue #21 keep today's roles", () => {
    const same = (p: Permission, roles: Role[]) => expect([...rolesWith(p)].sort()).toEqual([...roles].sort());
    same("key_account:own", ["account_manager"]);
    same("key_account:assign", ["admin"]);
    same("order:stale_alert", ["ops"]);
    same("statement:reminder", ["dealer_admin", "dealer_finance"]);
    same("dashboard:pipeline", ["account_manager"]);
    same("dashboard:order_desk", ["ops", "admin"]);
    same("dashboard:finance", ["finance", "admin"]);
  });

  it("digest audiences and mover sides", async () => {
    expect(new Set(ROLES.map((r) => DIGEST_AUDIENCE[r])).size).toBe(6);
    expect(DIGEST_AUDIENCE.dealer_finance).toBe(DIGEST_AUDIENCE.dealer_admin);
    expect(moverSide(actors["A.sales"]!)).toBe("dealer");
    expect(moverSide(actors.am!)).toBe("manufacturer");
    expect(moverSide(actors.admin!)).toBe("manufacturer");
    expect(moverSide(actors.system!)).toBe("system");
    const other = await createUser("ops");
    expect(moverSide(actorFor(other))).toBe("manufacturer");
  });
});
