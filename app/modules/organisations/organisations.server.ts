import { sql } from "kysely";
import { db } from "../../../db/client";
import { audit, diff } from "~/modules/audit/audit.server";
import { linkableAuditEntities, type AuditAction, type AuditEntityType } from "~/modules/audit/audit-actions";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { assertDealerInScope } from "~/modules/auth/access.server";
import { endAllSessions, hashPassword } from "~/modules/auth/auth.server";
import { isDealerRole, MANUFACTURER_ROLES, DEALER_ROLES, rolesWith, type Role } from "~/modules/auth/permissions";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { env } from "~/utils/env.server";
import { transaction } from "~/utils/tx.server";
import { now } from "~/utils/time";
import {
  PAGE_SIZE,
  dealerColumns,
  dealersQuery,
  findDealer,
  findUserInScope,
  listAccountManagers,
  listOrganisations,
  userColumns,
  usersQuery,
  type DealerFilter,
  type UserFilter,
} from "./organisations.queries.server";
import type { CreateUserInput, DealerInput, UpdateUserInput } from "./organisations.schema.server";

const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

// ---------- dealers (admin) ----------

export async function listDealers(actor: Actor, filter: DealerFilter & { page: number }) {
  requirePermission(actor, "dealer:manage");
  const base = dealersQuery(db, filter);
  const [rows, total] = await Promise.all([
    base
      .select(dealerColumns)
      .orderBy("o.code")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows, total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export async function* exportDealers(actor: Actor, filter: DealerFilter) {
  requirePermission(actor, "dealer:manage");
  const rows = await dealersQuery(db, filter).select(dealerColumns).orderBy("o.code").execute();
  yield rows.map((r) => [r.code, r.name, r.region, r.tier, r.currency, (r.credit_limit_minor / 100).toFixed(2), r.status, r.account_manager_name ?? ""]);
}

export async function getDealer(actor: Actor, id: number) {
  requirePermission(actor, "dealer:manage");
  const dealer = await findDealer(db, id);
  if (!dealer) throw new NotFoundError();
  const users = await usersQuery(db, actor, { organisationId: id }).select(userColumns).orderBy("u.name").execute();
  return { dealer, users };
}

export async function dealerFormOptions(actor: Actor) {
  requirePermission(actor, "dealer:manage");
  return { accountManagers: await listAccountManagers(db) };
}

async function assertAccountManager(id: number | null) {
  if (id === null) return;
  const am = await db
    .selectFrom("users")
    .select("id")
    .where("id", "=", id)
    .where("role", "in", rolesWith("key_account:own"))
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!am) throw new ValidationError("validation.formErrors", { accountManagerId: ["dealers.notAccountManager"] });
}

export async function createDealer(actor: Actor, input: DealerInput) {
  requirePermission(actor, "dealer:manage");
  await assertAccountManager(input.accountManagerId);
  try {
    return await transaction("dealer.create", async (tx) => {
      const res = await tx
        .insertInto("organisations")
        .values({
          kind: "dealer",
          code: input.code,
          name: input.name,
          region: input.region,
          tier: input.tier,
          currency: env().DEFAULT_CURRENCY,
          credit_limit_minor: input.creditLimit,
          account_manager_id: input.accountManagerId,
          contact_email: input.contactEmail,
          contact_phone: input.contactPhone,
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await audit(tx, actor, { action: "dealer.created", entityType: "dealer", entityId: id, dealerId: id, summary: { ...input } });
      return { id };
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { code: ["dealers.codeTaken"] });
    throw err;
  }
}

export async function updateDealer(actor: Actor, id: number, input: DealerInput) {
  requirePermission(actor, "dealer:manage");
  await assertAccountManager(input.accountManagerId);
  try {
    await transaction("dealer.update", async (tx) => {
      const before = await tx.selectFrom("organisations").selectAll().where("id", "=", id).where("kind", "=", "dealer").forUpdate().executeTakeFirst();
      if (!before) throw new NotFoundError();
      const after = {
        code: input.code,
        name: input.name,
        region: input.region,
        tier: input.tier,
        credit_limit_minor: input.creditLimit,
        account_manager_id: input.accountManagerId,
        contact_email: input.contactEmail,
        contact_phone: input.contactPhone,
      };
      await tx
        .updateTable("organisations")
        .set({ ...after, updated_at: now() })
        .where("id", "=", id)
        .execute();
      const changes = diff(before as unknown as Record<string, unknown>, after);
      if (Object.keys(changes).length) await audit(tx, actor, { action: "dealer.updated", entityType: "dealer", entityId: id, dealerId: id, summary: changes });
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { code: ["dealers.codeTaken"] });
    throw err;
  }
}

export async function setDealerStatus(actor: Actor, id: number, status: "active" | "disabled") {
  requirePermission(actor, "dealer:manage");
  await transaction("dealer.status", async (tx) => {
    const before = await tx.selectFrom("organisations").select(["status"]).where("id", "=", id).where("kind", "=", "dealer").forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.status === status) return;
    await tx.updateTable("organisations").set({ status, updated_at: now() }).where("id", "=", id).execute();
    if (status === "disabled") {
      await tx
        .deleteFrom("sessions")
        .where("user_id", "in", tx.selectFrom("users").select("id").where("organisation_id", "=", id))
        .execute();
    }
    await audit(tx, actor, { action: status === "disabled" ? "dealer.disabled" : "dealer.enabled", entityType: "dealer", entityId: id, dealerId: id });
  });
}

// ---------- users (admin: everyone; dealer_admin: own dealer) ----------

export async function listUsers(actor: Actor, filter: UserFilter & { page: number }) {
  requirePermission(actor, "user:manage");
  const base = usersQuery(db, actor, filter);
  const [rows, total] = await Promise.all([
    base
      .select(userColumns)
      .orderBy("o.code")
      .orderBy("u.name")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows, total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export async function* exportUsers(actor: Actor, filter: UserFilter) {
  requirePermission(actor, "user:manage");
  const rows = await usersQuery(db, actor, filter).select(userColumns).orderBy("o.code").orderBy("u.name").execute();
  yield rows.map((r) => [r.organisation_code, r.name, r.email, r.role, r.locale, r.status, r.last_login_at]);
}

export async function getUser(actor: Actor, id: number) {
  requirePermission(actor, "user:manage");
  const user = await findUserInScope(db, actor, id);
  if (!user) throw new NotFoundError();
  return user;
}

export async function userFormOptions(actor: Actor) {
  requirePermission(actor, "user:manage");
  if (isDealerRole(actor.role)) return { organisations: [], roles: [...DEALER_ROLES] as Role[] };
  return { organisations: await listOrganisations(db), roles: [...DEALER_ROLES, ...MANUFACTURER_ROLES] as Role[] };
}

function assertRoleFitsOrganisation(role: Role, orgKind: string) {
  const ok = orgKind === "dealer" ? isDealerRole(role) : !isDealerRole(role);
  if (!ok) throw new ValidationError("validation.formErrors", { role: ["users.roleNotAllowed"] });
}

export async function createUser(actor: Actor, input: CreateUserInput) {
  requirePermission(actor, "user:manage");
  // A dealer admin always creates users of their own dealer, with a dealer role.
  const organisationId = isDealerRole(actor.role) ? actor.dealerId! : input.organisationId;
  if (!organisationId) throw new ValidationError("validation.formErrors", { organisationId: ["validation.required"] });
  const org = await db.selectFrom("organisations").select(["id", "kind"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new ValidationError("validation.formErrors", { organisationId: ["validation.choice"] });
  assertRoleFitsOrganisation(input.role, org.kind);
  const passwordHash = await hashPassword(input.password);
  try {
    return await transaction("user.create", async (tx) => {
      const res = await tx
        .insertInto("users")
        .values({
          organisation_id: organisationId,
          email: input.email,
          name: input.name,
          role: input.role,
          locale: input.locale,
          password_hash: passwordHash,
          password_changed_at: now(),
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await audit(tx, actor, {
        action: "user.created",
        entityType: "user",
        entityId: id,
        dealerId: org.kind === "dealer" ? organisationId : null,
        summary: { email: input.email, name: input.name, role: input.role, organisationId },
      });
      return { id };
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { email: ["users.emailTaken"] });
    throw err;
  }
}

export async function updateUser(actor: Actor, id: number, input: UpdateUserInput) {
  requirePermission(actor, "user:manage");
  const user = await findUserInScope(db, actor, id);
  if (!user) throw new NotFoundError();
  assertRoleFitsOrganisation(input.role, user.organisation_kind);
  if (id === actor.userId && input.role !== actor.role) throw new ForbiddenError();
  await transaction("user.update", async (tx) => {
    const before = await tx.selectFrom("users").select(["name", "role"]).where("id", "=", id).forUpdate().executeTakeFirstOrThrow();
    await tx.updateTable("users").set({ name: input.name, role: input.role, updated_at: now() }).where("id", "=", id).execute();
    const changes = diff(before, { name: input.name, role: input.role });
    if (before.role !== input.role) await tx.deleteFrom("sessions").where("user_id", "=", id).execute();
    if (Object.keys(changes).length)
      await audit(tx, actor, {
        action: "user.updated",
        entityType: "user",
        entityId: id,
        dealerId: user.organisation_kind === "dealer" ? user.organisation_id : null,
        summary: changes,
      });
  });
}

export async function setUserStatus(actor: Actor, id: number, status: "active" | "disabled") {
  requirePermission(actor, "user:manage");
  const user = await findUserInScope(db, actor, id);
  if (!user) throw new NotFoundError();
  if (id === actor.userId) throw new ConflictError("users.cannotDisableSelf");
  await transaction("user.status", async (tx) => {
    await tx.updateTable("users").set({ status, updated_at: now() }).where("id", "=", id).execute();
    await audit(tx, actor, {
      action: status === "disabled" ? "user.disabled" : "user.enabled",
      entityType: "user",
      entityId: id,
      dealerId: user.organisation_kind === "dealer" ? user.organisation_id : null,
    });
  });
  if (status === "disabled") await endAllSessions(id);
}

// ---------- audit log (admin) ----------

export type AuditFilter = { action?: AuditAction; entityType?: AuditEntityType; entityId?: string; actorId?: number; from?: string; to?: string };

function auditQuery(f: AuditFilter) {
  let q = db.selectFrom("audit_log as a").leftJoin("users as u", "u.id", "a.actor_user_id");
  if (f.action) q = q.where("a.action", "=", f.action);
  if (f.entityType) q = q.where("a.entity_type", "=", f.entityType);
  if (f.entityId) q = q.where("a.entity_id", "=", f.entityId);
  if (f.actorId) q = q.where("a.actor_user_id", "=", f.actorId);
  if (f.from) q = q.where("a.occurred_at", ">=", new Date(`${f.from}T00:00:00Z`));
  if (f.to) q = q.where("a.occurred_at", "<", new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000));
  return q;
}
const auditColumns = [
  "a.id",
  "a.occurred_at",
  "a.actor_user_id",
  "a.actor_role",
  "a.ip",
  "a.action",
  "a.entity_type",
  "a.entity_id",
  "a.summary",
  "a.organisation_id",
  "u.name as actor_name",
  "u.email as actor_email",
] as const;

export async function listAudit(actor: Actor, filter: AuditFilter & { page: number }) {
  requirePermission(actor, "audit:read");
  const base = auditQuery(filter);
  const [rows, total] = await Promise.all([
    base
      .select(auditColumns)
      .orderBy("a.occurred_at", "desc")
      .orderBy("a.id", "desc")
      .limit(50)
      .offset((filter.page - 1) * 50)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  // Orders open by their number: the numbers of this page's orders (a draft has none; a deleted draft is gone).
  const orderIds = [...new Set(rows.filter((r) => r.entity_type === "order" && /^\d{1,15}$/.test(r.entity_id)).map((r) => Number(r.entity_id)))];
  const numbers = orderIds.length ? await db.selectFrom("orders").select(["id", "number"]).where("id", "in", orderIds).execute() : [];
  const numberOf = new Map(numbers.map((o) => [String(o.id), o.number]));
  return {
    rows: rows.map((r) => ({ ...r, order_number: r.entity_type === "order" ? (numberOf.get(r.entity_id) ?? null) : null })),
    total: Number(total?.n ?? 0),
    page: filter.page,
    pageSize: 50,
    /** The record types whose pages this reader may open (the rest are shown as text). */
    linkable: linkableAuditEntities((p) => can(actor, p)),
  };
}

/** The audit log as CSV rows: codes as stored (machine-readable), then the action's label if `label` is given. */
export async function* exportAudit(actor: Actor, filter: AuditFilter, label?: (action: string) => string) {
  requirePermission(actor, "audit:read");
  let lastTime: Date | null = null;
  let lastId = 0;
  for (;;) {
    let q = auditQuery(filter).select(auditColumns).orderBy("a.occurred_at", "desc").orderBy("a.id", "desc").limit(1000);
    if (lastTime) {
      const t = lastTime;
      q = q.where((eb) => eb.or([eb("a.occurred_at", "<", t), eb.and([eb("a.occurred_at", "=", t), eb("a.id", "<", lastId)])]));
    }
    const rows = await q.execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.occurred_at,
      r.actor_email ?? r.actor_role ?? "",
      r.ip ?? "",
      r.action,
      r.entity_type,
      r.entity_id,
      r.summary ?? "",
      ...(label ? [label(r.action)] : []),
    ]);
    const last = rows[rows.length - 1]!;
    lastTime = last.occurred_at;
    lastId = last.id;
    if (rows.length < 1000) return;
  }
}

// ---------- dashboard figures (foundation) ----------

export async function foundationFigures(actor: Actor) {
  if (isDealerRole(actor.role)) {
    const [dealer, users] = await Promise.all([
      db
        .selectFrom("organisations")
        .select(["name", "credit_limit_minor", "currency", "tier", "region"])
        .where("id", "=", actor.dealerId!)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom("users")
        .select(sql<number>`COUNT(*)`.as("n"))
        .where("organisation_id", "=", actor.dealerId!)
        .where("status", "=", "active")
        .executeTakeFirst(),
    ]);
    return { kind: "dealer" as const, dealer, activeUsers: Number(users?.n ?? 0) };
  }
  if (can(actor, "key_account:own")) {
    const [dealers, keyAccounts] = await Promise.all([
      db
        .selectFrom("organisations")
        .select(sql<number>`COUNT(*)`.as("n"))
        .where("account_manager_id", "=", actor.userId!)
        .where("status", "=", "active")
        .executeTakeFirst(),
      db
        .selectFrom("key_accounts")
        .select(sql<number>`COUNT(*)`.as("n"))
        .where("owner_id", "=", actor.userId!)
        .executeTakeFirst(),
    ]);
    return { kind: "assigned" as const, assignedDealers: Number(dealers?.n ?? 0), keyAccounts: Number(keyAccounts?.n ?? 0) };
  }
  const [dealers, users] = await Promise.all([
    db
      .selectFrom("organisations")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("kind", "=", "dealer")
      .where("status", "=", "active")
      .executeTakeFirst(),
    db
      .selectFrom("users")
      .select(sql<number>`COUNT(*)`.as("n"))
      .where("status", "=", "active")
      .executeTakeFirst(),
  ]);
  return { kind: "manufacturer" as const, activeDealers: Number(dealers?.n ?? 0), activeUsers: Number(users?.n ?? 0) };
}

export async function getOwnProfile(actor: Actor) {
  return db
    .selectFrom("users as u")
    .innerJoin("organisations as o", "o.id", "u.organisation_id")
    .select(["u.name", "u.email", "u.role", "u.locale", "u.digest_frequency", "o.name as organisation_name"])
    .where("u.id", "=", actor.userId!)
    .executeTakeFirstOrThrow();
}

/**
 * The two parties a printed document names: the manufacturer (its issuer) and the dealer, with what the data model
 * holds of each (name, code, region, contact). The dealer must be within the actor's scope (404 otherwise).
 */
export async function documentParties(actor: Actor, dealerId: number) {
  await assertDealerInScope(db, actor, dealerId);
  const rows = await db
    .selectFrom("organisations")
    .select(["id", "kind", "code", "name", "region", "contact_email", "contact_phone"])
    .where((eb) => eb.or([eb("kind", "=", "manufacturer"), eb("id", "=", dealerId)]))
    .orderBy("code")
    .execute();
  const dealer = rows.find((r) => r.id === dealerId && r.kind === "dealer");
  if (!dealer) throw new NotFoundError();
  const party = (r: (typeof rows)[number]) => ({ code: r.code, name: r.name, region: r.region, email: r.contact_email, phone: r.contact_phone });
  const manufacturer = rows.find((r) => r.kind === "manufacturer");
  return { manufacturer: manufacturer ? party(manufacturer) : null, dealer: party(dealer) };
}
export type DocumentParties = Awaited<ReturnType<typeof documentParties>>;
