/**
 * Factories for realistic rows. Every factory returns the ids it made;
 * defaults are unique per call so tests never collide.
 */
import { randomBytes } from "node:crypto";
import { getDb } from "../../db/client";
import type { Actor } from "../../app/modules/auth/actor";
import type { Role } from "../../app/modules/auth/permissions";
import { isDealerRole } from "../../app/modules/auth/permissions";
import { hashPassword } from "../../app/modules/auth/password.server";
import { hashSessionId } from "../../app/modules/auth/session-adapter.server";

export const TEST_PASSWORD = "Passw0rd-Test!";
/** Manufacturer users made here have this TOTP secret confirmed (they must sign in with a second factor). */
export const TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
let passwordHash: Promise<string> | undefined;
const cachedHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));

let seq = 0;
export const uniq = (p = "") => `${p}${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function createManufacturer() {
  const db = getDb();
  const existing = await db.selectFrom("organisations").select("id").where("kind", "=", "manufacturer").executeTakeFirst();
  if (existing) return existing.id;
  const r = await db
    .insertInto("organisations")
    .values({ kind: "manufacturer", code: "MFR", name: "Haichuan Appliances", region: "east", tier: "platinum" })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

export async function createDealer(
  over: Partial<{ code: string; name: string; region: string; tier: string; creditLimit: number; accountManagerId: number | null; status: string }> = {},
) {
  const db = getDb();
  const code = over.code ?? uniq("D").toUpperCase().slice(0, 20);
  const r = await db
    .insertInto("organisations")
    .values({
      kind: "dealer",
      code,
      name: over.name ?? `Dealer ${code}`,
      region: over.region ?? "east",
      tier: over.tier ?? "gold",
      currency: "CNY",
      credit_limit_minor: over.creditLimit ?? 1_000_000_00,
      account_manager_id: over.accountManagerId ?? null,
      status: over.status ?? "active",
    })
    .executeTakeFirstOrThrow();
  return { id: Number(r.insertId), code };
}

export type TestUser = { id: number; email: string; role: Role; organisationId: number; dealerId: number | null; name: string };

export async function createUser(
  role: Role,
  over: Partial<{ organisationId: number; email: string; name: string; locale: string; status: string; digest: string; secondFactor: boolean }> = {},
): Promise<TestUser> {
  const db = getDb();
  let organisationId = over.organisationId;
  if (!organisationId) organisationId = isDealerRole(role) ? (await createDealer()).id : await createManufacturer();
  const email = over.email ?? `${uniq(role)}@test.local`.toLowerCase();
  const name = over.name ?? `${role} user`;
  const r = await db
    .insertInto("users")
    .values({
      organisation_id: organisationId,
      email,
      name,
      role,
      locale: over.locale ?? "en",
      status: over.status ?? "active",
      digest_frequency: over.digest ?? "daily",
      password_hash: await cachedHash(),
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  // Staff must have a second factor: enrolled with the known test secret unless told otherwise.
  if (over.secondFactor ?? !isDealerRole(role)) await enrolSecondFactor(id);
  return { id, email, role, organisationId, dealerId: isDealerRole(role) ? organisationId : null, name };
}

/** A confirmed TOTP factor with TEST_TOTP_SECRET. */
export async function enrolSecondFactor(userId: number, secret = TEST_TOTP_SECRET) {
  await getDb().insertInto("user_second_factors").values({ user_id: userId, totp_secret: secret, confirmed_at: new Date(), created_at: new Date() }).execute();
}

/** A session row for the user; returns the cookie header value to send. */
export async function createSession(user: { id: number }, opts: { idleHours?: number; absoluteDays?: number } = {}) {
  const id = randomBytes(20).toString("hex");
  const now = Date.now();
  await getDb()
    .insertInto("sessions")
    .values({
      id: hashSessionId(id),
      user_id: user.id,
      expires_at: new Date(now + (opts.idleHours ?? 12) * 3_600_000),
      absolute_expires_at: new Date(now + (opts.absoluteDays ?? 7) * 86_400_000),
      created_at: new Date(now),
    })
    .execute();
  return { sessionId: id, cookie: `dd_session=${id}` };
}

export function actorFor(user: TestUser, locale: "en" | "zh-CN" = "en"): Actor {
  return {
    kind: "user",
    userId: user.id,
    role: user.role,
    organisationId: user.organisationId,
    dealerId: user.dealerId,
    name: user.name,
    email: user.email,
    locale,
    ip: "127.0.0.1",
  };
}

/** A Request as the given user would send it (for calling loaders and actions directly). */
export async function requestAs(
  user: TestUser | null,
  path: string,
  init: { method?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> } = {},
) {
  const headers = new Headers(init.headers);
  if (user) headers.set("Cookie", (await createSession(user)).cookie);
  let body: URLSearchParams | undefined;
  if (init.form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return new Request(`http://127.0.0.1${path}`, { method: init.method ?? (init.form ? "POST" : "GET"), headers, body });
}

/** Users for every role: two dealers (A and B) with all dealer roles, one account manager per dealer, and manufacturer staff. */
export async function createCast() {
  await createManufacturer();
  const am = await createUser("account_manager", { name: "AM One" });
  const am2 = await createUser("account_manager", { name: "AM Two" });
  const dealerA = await createDealer({ accountManagerId: am.id, name: "Dealer A" });
  const dealerB = await createDealer({ accountManagerId: am2.id, name: "Dealer B" });
  const a = {
    dealer_admin: await createUser("dealer_admin", { organisationId: dealerA.id }),
    dealer_sales: await createUser("dealer_sales", { organisationId: dealerA.id }),
    dealer_finance: await createUser("dealer_finance", { organisationId: dealerA.id }),
  };
  const b = {
    dealer_admin: await createUser("dealer_admin", { organisationId: dealerB.id }),
    dealer_sales: await createUser("dealer_sales", { organisationId: dealerB.id }),
    dealer_finance: await createUser("dealer_finance", { organisationId: dealerB.id }),
  };
  const staff = {
    account_manager: am,
    ops: await createUser("ops"),
    finance: await createUser("finance"),
    admin: await createUser("admin"),
    service: await createUser("service", { name: "Service Desk" }),
  };
  return { dealerA, dealerB, a, b, am2, staff, byRole: { ...a, ...staff } as Record<Role, TestUser> };
}
