import type { Executor } from "../../../db/client";
import { likeContains } from "~/utils/like";
import type { Actor } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";
import { rolesWith } from "~/modules/auth/permissions";

export const PAGE_SIZE = 25;

export type DealerFilter = { q?: string; region?: string; tier?: string; status?: string };

export function dealersQuery(db: Executor, f: DealerFilter) {
  let q = db.selectFrom("organisations as o").leftJoin("users as am", "am.id", "o.account_manager_id").where("o.kind", "=", "dealer");
  if (f.q) q = q.where((eb) => eb.or([eb("o.code", "like", likeContains(f.q!)), eb("o.name", "like", likeContains(f.q!))]));
  if (f.region) q = q.where("o.region", "=", f.region);
  if (f.tier) q = q.where("o.tier", "=", f.tier);
  if (f.status) q = q.where("o.status", "=", f.status);
  return q;
}

export const dealerColumns = [
  "o.id",
  "o.code",
  "o.name",
  "o.region",
  "o.tier",
  "o.currency",
  "o.credit_limit_minor",
  "o.status",
  "o.account_manager_id",
  "o.contact_email",
  "o.contact_phone",
  "o.created_at",
  "am.name as account_manager_name",
] as const;

export async function findDealer(db: Executor, id: number) {
  return db
    .selectFrom("organisations as o")
    .leftJoin("users as am", "am.id", "o.account_manager_id")
    .select(dealerColumns)
    .where("o.id", "=", id)
    .where("o.kind", "=", "dealer")
    .executeTakeFirst();
}

export type UserFilter = { q?: string; role?: string; status?: string; organisationId?: number };

/** Users visible to the actor (access.server.ts, scopes.user): admin all; dealer_admin only their own dealer's users. */
export function usersQuery(db: Executor, actor: Actor, f: UserFilter) {
  let q = db.selectFrom("users as u").innerJoin("organisations as o", "o.id", "u.organisation_id");
  q = q.where(scopes.user.where(actor));
  if (f.organisationId) q = q.where("u.organisation_id", "=", f.organisationId);
  if (f.q) q = q.where((eb) => eb.or([eb("u.name", "like", likeContains(f.q!)), eb("u.email", "like", likeContains(f.q!))]));
  if (f.role) q = q.where("u.role", "=", f.role);
  if (f.status) q = q.where("u.status", "=", f.status);
  return q;
}

export const userColumns = [
  "u.id",
  "u.name",
  "u.email",
  "u.role",
  "u.locale",
  "u.status",
  "u.digest_frequency",
  "u.last_login_at",
  "u.created_at",
  "u.organisation_id",
  "o.name as organisation_name",
  "o.code as organisation_code",
  "o.kind as organisation_kind",
] as const;

export async function findUserInScope(db: Executor, actor: Actor, id: number) {
  return usersQuery(db, actor, {}).select(userColumns).where("u.id", "=", id).executeTakeFirst();
}

export async function listAccountManagers(db: Executor) {
  return db
    .selectFrom("users")
    .select(["id", "name", "email"])
    .where("role", "in", rolesWith("key_account:own"))
    .where("status", "=", "active")
    .orderBy("name")
    .execute();
}

export async function listOrganisations(db: Executor) {
  return db.selectFrom("organisations").select(["id", "code", "name", "kind"]).orderBy("kind", "desc").orderBy("code").execute();
}
