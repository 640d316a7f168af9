import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, createDealer, createUser, requestAs } from "../../../tests/factories";
import { action as newDealerAction } from "~/routes/admin.dealers.new";
import { action as editDealerAction } from "~/routes/admin.dealers.$id";
import { action as newUserAction } from "~/routes/admin.users.new";
import { action as editUserAction, loader as userLoader } from "~/routes/admin.users.$id";
import { loader as usersLoader } from "~/routes/admin.users._index";
import { createDealer as createDealerFn, createUser as createUserFn, listUsers, setUserStatus, updateDealer } from "./organisations.server";

const auditRows = (action: string) => getDb().selectFrom("audit_log").selectAll().where("action", "=", action).execute();
const statusOf = async (p: Promise<unknown>) => {
  const r = await p.catch((e: unknown) => e);
  return r instanceof Response ? r.status : ((r as { status?: number }).status ?? 200);
};

describe("dealers (admin)", () => {
  it("creates a dealer from the form with money in minor units, audited", async () => {
    const admin = await createUser("admin");
    const am = await createUser("account_manager");
    const res = (await newDealerAction({
      request: await requestAs(admin, "/admin/dealers/new", {
        form: { code: "d-900", name: "华南新锐", region: "south", tier: "gold", creditLimit: "1,250,000.50", accountManagerId: String(am.id) },
      }),
      params: {},
      context: {},
    })) as Response;
    expect(res.status).toBe(302);
    const d = await getDb().selectFrom("organisations").selectAll().where("code", "=", "D-900").executeTakeFirstOrThrow();
    expect(d.credit_limit_minor).toBe(125_000_050);
    expect(d.account_manager_id).toBe(am.id);
    expect(await auditRows("dealer.created")).toHaveLength(1);
  });

  it.each([
    [{ creditLimit: "12.345" }, "creditLimit"],
    [{ creditLimit: "-5" }, "creditLimit"],
    [{ creditLimit: "lots" }, "creditLimit"],
    [{ code: "bad code!" }, "code"],
    [{ region: "mars" }, "region"],
    [{ name: "" }, "name"],
  ])("refuses bad input %o with a field error and writes nothing", async (over, field) => {
    const admin = await createUser("admin");
    const form = { code: "D-901", name: "Valid", region: "east", tier: "gold", creditLimit: "100", ...over };
    const res = (await newDealerAction({ request: await requestAs(admin, "/admin/dealers/new", { form }), params: {}, context: {} })) as Response;
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors: Record<string, string> };
    expect(Object.keys(body.fieldErrors)).toContain(field);
    expect(await getDb().selectFrom("organisations").select("id").where("code", "=", "D-901").executeTakeFirst()).toBeUndefined();
  });

  it("refuses a duplicate code and a non-account-manager assignment", async () => {
    const admin = actorFor(await createUser("admin"));
    const existing = await createDealer({ code: "DUP-1" });
    await expect(
      createDealerFn(admin, {
        code: "DUP-1",
        name: "x",
        region: "east",
        tier: "gold",
        creditLimit: 0,
        accountManagerId: null,
        contactEmail: null,
        contactPhone: null,
      }),
    ).rejects.toMatchObject({ status: 400 });
    const ops = await createUser("ops");
    await expect(
      updateDealer(admin, existing.id, {
        code: "DUP-1",
        name: "x",
        region: "east",
        tier: "gold",
        creditLimit: 0,
        accountManagerId: ops.id,
        contactEmail: null,
        contactPhone: null,
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("only admin manages dealers: every other role is refused (403)", async () => {
    const cast = await createCast();
    for (const role of ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance"] as const) {
      const req = await requestAs(cast.byRole[role], `/admin/dealers/${cast.dealerA.id}`, {
        form: { code: "X", name: "x", region: "east", tier: "gold", creditLimit: "1" },
      });
      const res = (await editDealerAction({ request: req, params: { id: String(cast.dealerA.id) }, context: {} })) as Response;
      expect(res.status, role).toBe(403);
    }
    const d = await getDb().selectFrom("organisations").select("name").where("id", "=", cast.dealerA.id).executeTakeFirstOrThrow();
    expect(d.name).toBe("Dealer A");
  });

  it("disabling a dealer ends its users' sessions", async () => {
    const cast = await createCast();
    await getDb()
      .insertInto("sessions")
      .values({
        id: "a".repeat(64),
        user_id: cast.a.dealer_sales.id,
        expires_at: new Date(Date.now() + 3600_000),
        absolute_expires_at: new Date(Date.now() + 86400_000),
      })
      .execute();
    const req = await requestAs(cast.staff.admin, `/admin/dealers/${cast.dealerA.id}`, { form: { intent: "status", status: "disabled" } });
    await editDealerAction({ request: req, params: { id: String(cast.dealerA.id) }, context: {} });
    expect(await getDb().selectFrom("sessions").select("id").where("user_id", "=", cast.a.dealer_sales.id).execute()).toHaveLength(0);
    expect(await auditRows("dealer.disabled")).toHaveLength(1);
  });
});

describe("users: admin manages everyone, a dealer admin only their own dealer", () => {
  it("a dealer admin lists only their own dealer's users", async () => {
    const cast = await createCast();
    const { rows, total } = await listUsers(actorFor(cast.a.dealer_admin), { page: 1 });
    expect(total).toBe(3);
    expect(rows.every((r) => r.organisation_id === cast.dealerA.id)).toBe(true);
    const res = (await usersLoader({ request: await requestAs(cast.b.dealer_admin, "/admin/users?format=csv"), params: {}, context: {} })) as Response;
    const csv = await res.text();
    expect(csv).toContain(cast.b.dealer_sales.email);
    expect(csv).not.toContain(cast.a.dealer_sales.email);
  });

  it("another dealer's user is 404 for a dealer admin, on the page and every action", async () => {
    const cast = await createCast();
    const target = cast.a.dealer_sales;
    const params = { id: String(target.id) };
    expect(await statusOf(userLoader({ request: await requestAs(cast.b.dealer_admin, `/admin/users/${target.id}`), params, context: {} }))).toBe(404);
    const upd = (await editUserAction({
      request: await requestAs(cast.b.dealer_admin, `/admin/users/${target.id}`, { form: { intent: "update", name: "Pwned", role: "dealer_admin" } }),
      params,
      context: {},
    })) as Response;
    expect(upd.status).toBe(404);
    const dis = (await editUserAction({
      request: await requestAs(cast.b.dealer_admin, `/admin/users/${target.id}`, { form: { intent: "status", status: "disabled" } }),
      params,
      context: {},
    })) as Response;
    expect(dis.status).toBe(404);
    const row = await getDb().selectFrom("users").select(["name", "role", "status"]).where("id", "=", target.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: target.name, role: "dealer_sales", status: "active" });
  });

  it("a dealer admin can only give dealer roles", async () => {
    const cast = await createCast();
    const res = (await editUserAction({
      request: await requestAs(cast.a.dealer_admin, `/admin/users/${cast.a.dealer_sales.id}`, { form: { intent: "update", name: "Rep", role: "finance" } }),
      params: { id: String(cast.a.dealer_sales.id) },
      context: {},
    })) as Response;
    expect(res.status).toBe(400);
    const ok = (await editUserAction({
      request: await requestAs(cast.a.dealer_admin, `/admin/users/${cast.a.dealer_sales.id}`, {
        form: { intent: "update", name: "Rep", role: "dealer_finance" },
      }),
      params: { id: String(cast.a.dealer_sales.id) },
      context: {},
    })) as Response;
    expect(ok.status).toBe(200);
    expect((await getDb().selectFrom("users").select("role").where("id", "=", cast.a.dealer_sales.id).executeTakeFirstOrThrow()).role).toBe("dealer_finance");
    expect(await auditRows("user.updated")).toHaveLength(1);
  });

  it("admin creates users in any organisation, but roles must fit the organisation", async () => {
    const cast = await createCast();
    const admin = actorFor(cast.staff.admin);
    await expect(
      createUserFn(admin, { name: "x", email: "x1@test.local", role: "ops", organisationId: cast.dealerA.id, locale: "en", password: "Str0ng-Password" }),
    ).rejects.toMatchObject({ status: 400 });
    const { id } = await createUserFn(admin, {
      name: "x",
      email: "x2@test.local",
      role: "dealer_finance",
      organisationId: cast.dealerB.id,
      locale: "en",
      password: "Str0ng-Password",
    });
    expect((await getDb().selectFrom("users").select("organisation_id").where("id", "=", id).executeTakeFirstOrThrow()).organisation_id).toBe(cast.dealerB.id);
  });

  it("rejects a duplicate email and a weak password through the form, keeping the values", async () => {
    const cast = await createCast();
    const res = (await newUserAction({
      request: await requestAs(cast.a.dealer_admin, "/admin/users/new", {
        form: { name: "Dup", email: cast.b.dealer_sales.email, role: "dealer_sales", password: "Str0ng-Password" },
      }),
      params: {},
      context: {},
    })) as Response;
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors.email).toBeTruthy();
    expect(body.values.email).toBe(cast.b.dealer_sales.email);
    expect(body.values.password).toBeUndefined();
    const weak = (await newUserAction({
      request: await requestAs(cast.a.dealer_admin, "/admin/users/new", {
        form: { name: "Weak", email: "weak@test.local", role: "dealer_sales", password: "short" },
      }),
      params: {},
      context: {},
    })) as Response;
    expect(weak.status).toBe(400);
  });

  it("nobody disables themselves, and sales/finance roles cannot manage users (403)", async () => {
    const cast = await createCast();
    await expect(setUserStatus(actorFor(cast.staff.admin), cast.staff.admin.id, "disabled")).rejects.toMatchObject({ status: 409 });
    for (const role of ["dealer_sales", "dealer_finance", "account_manager", "ops", "finance"] as const) {
      expect(await statusOf(usersLoader({ request: await requestAs(cast.byRole[role], "/admin/users"), params: {}, context: {} })), role).toBe(403);
    }
  });
});
