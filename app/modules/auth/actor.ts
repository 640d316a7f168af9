import type { Locale } from "~/i18n";
import { SYSTEM_ROLE, isDealerRole, roleCan, scopesGrant, type ApiScope, type Permission, type Role } from "./permissions";
import { ForbiddenError } from "~/utils/errors";

/** Who is acting. Every domain function takes it first. */
export type Actor = {
  kind: "user" | "system";
  userId: number | null;
  role: Role;
  organisationId: number;
  /** The caller's own dealer for dealer roles, else null. */
  dealerId: number | null;
  name: string;
  email: string;
  locale: Locale;
  ip: string | null;
  sessionId?: string;
  /** Set when a dealer's own system acts through /api/v1 with an API token: its scopes narrow the role. */
  token?: { id: number; name: string; scopes: readonly ApiScope[] };
};

/** The permission table's answer for this actor: the role's, narrowed by a token's scopes. */
export function actorHolds(actor: Pick<Actor, "role" | "token">, permission: Permission): boolean {
  return roleCan(actor.role, permission) && (!actor.token || scopesGrant(actor.token.scopes, permission));
}

/**
 * The permission alone, for code that has no record (and for browser-safe modules): the same answer as
 * `can`/`requireAccess` of access.server.ts without a record, which add the record's scope (404 vs 403).
 */
export function can(actor: Actor, permission: Permission): boolean {
  return actorHolds(actor, permission);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new ForbiddenError();
}

export function isDealerActor(actor: Actor): boolean {
  return isDealerRole(actor.role);
}

/** Jobs act as this explicit system actor, never as nobody. */
export function systemActor(organisationId: number, label = "system"): Actor {
  return { kind: "system", userId: null, role: SYSTEM_ROLE, organisationId, dealerId: null, name: label, email: "", locale: "en", ip: null };
}

/** What the browser may know about the actor. */
export type PublicActor = Pick<Actor, "userId" | "role" | "name" | "email" | "locale" | "dealerId" | "organisationId">;
export function toPublicActor(a: Actor): PublicActor {
  return { userId: a.userId, role: a.role, name: a.name, email: a.email, locale: a.locale, dealerId: a.dealerId, organisationId: a.organisationId };
}
