/**
 * API tokens (issue #25, docs/decisions/121-dealer-api-tokens.md): a dealer's own system acts as the
 * dealer with exactly the token's scopes. The secret is 32 random bytes, shown once; only its SHA-256
 * is stored (a fast hash is enough for a secret of that entropy: nothing to brute-force). Requests are
 * counted per token in a fixed one-minute window shared by every web process (api_rate_windows).
 */
import { BlockList } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { db, type Tx } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { requireDealerAccess } from "~/modules/auth/access.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { TOKEN_ROLE, isApiScope, type ApiScope } from "~/modules/auth/permissions";
import { env } from "~/utils/env.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { addDays, now, startOfBusinessDate, todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { parseIpEntry, type CreateTokenInput } from "./tokens.schema.server";

const PREFIX = "ddk_";

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export type TokenRow = {
  id: number;
  name: string;
  tokenPrefix: string;
  scopes: ApiScope[];
  ipAllow: string[];
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: "active" | "revoked" | "expired";
};

function scopesOf(text: string): ApiScope[] {
  return text.split(" ").filter(isApiScope);
}

/** The token page of a dealer: the dealer and its tokens (404 outside the actor's scope, 403 without the permission). */
export async function tokenPage(actor: Actor, dealerId: number) {
  await requireDealerAccess(db, actor, "api_token:manage", dealerId);
  const dealer = await db.selectFrom("organisations").select(["id", "code", "name", "kind"]).where("id", "=", dealerId).executeTakeFirst();
  if (!dealer || dealer.kind !== "dealer") throw new NotFoundError();
  return { dealer: { id: dealer.id, code: dealer.code, name: dealer.name }, tokens: await listTokens(actor, dealerId) };
}

/** A dealer's tokens, newest first: name, scopes, created, last used, expiry, revocation. Never the secret. */
async function listTokens(actor: Actor, dealerId: number): Promise<TokenRow[]> {
  await requireDealerAccess(db, actor, "api_token:manage", dealerId);
  const at = now().getTime();
  const rows = await db
    .selectFrom("api_tokens as t")
    .leftJoin("users as u", "u.id", "t.created_by")
    .select([
      "t.id",
      "t.name",
      "t.token_prefix",
      "t.scopes",
      "t.ip_allow",
      "t.created_at",
      "u.name as creator",
      "t.last_used_at",
      "t.last_used_ip",
      "t.expires_at",
      "t.revoked_at",
    ])
    .where("t.dealer_id", "=", dealerId)
    .orderBy("t.created_at", "desc")
    .orderBy("t.id", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    tokenPrefix: r.token_prefix,
    scopes: scopesOf(r.scopes),
    ipAllow: r.ip_allow ? r.ip_allow.split(" ") : [],
    createdAt: r.created_at,
    createdByName: r.creator,
    lastUsedAt: r.last_used_at,
    lastUsedIp: r.last_used_ip,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    status: r.revoked_at ? "revoked" : r.expires_at && r.expires_at.getTime() <= at ? "expired" : "active",
  }));
}

/** Creates a token for a dealer; returns the secret, which is never shown again. */
export async function createToken(actor: Actor, dealerId: number, input: CreateTokenInput): Promise<{ id: number; secret: string }> {
  requirePermission(actor, "api_token:manage");
  return transaction("api_token.create", (tx) => createTokenTx(tx, actor, dealerId, input));
}

/**
 * The unit of work of `createToken`, in the caller's transaction. `secret`: only the demo seed passes one
 * (a documented demo token, like the demo password); everyone else gets 32 random bytes.
 */
export async function createTokenTx(tx: Tx, actor: Actor, dealerId: number, input: CreateTokenInput, secret?: string): Promise<{ id: number; secret: string }> {
  requirePermission(actor, "api_token:manage");
  const today = todayIn(env().BUSINESS_TZ);
  if (input.expiresOn !== null && input.expiresOn <= today) throw new ValidationError("validation.formErrors", { expiresOn: ["validation.dateFuture"] });
  await requireDealerAccess(tx, actor, "api_token:manage", dealerId);
  const dealer = await tx.selectFrom("organisations").select(["id", "kind", "status"]).where("id", "=", dealerId).executeTakeFirst();
  if (!dealer || dealer.kind !== "dealer") throw new ValidationError("apiTokens.notADealer");
  const lookup = randomBytes(6).toString("hex");
  const value = secret ?? `${PREFIX}${lookup}_${randomBytes(32).toString("base64url")}`;
  if (!value.startsWith(PREFIX) || value.length < 40) throw new Error("an API token secret starts with ddk_ and is long");
  const at = now();
  const res = await tx
    .insertInto("api_tokens")
    .values({
      dealer_id: dealerId,
      name: input.name,
      token_prefix: value.slice(0, PREFIX.length + 12),
      secret_hash: hashSecret(value),
      scopes: [...new Set(input.scopes)].join(" "),
      ip_allow: input.ipAllow.length ? input.ipAllow.join(" ") : null,
      expires_at: input.expiresOn ? startOfBusinessDate(addDays(input.expiresOn, 1), env().BUSINESS_TZ) : null,
      created_by: actor.userId!,
      created_at: at,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await audit(tx, actor, {
    action: "api_token.created",
    entityType: "api_token",
    entityId: id,
    dealerId,
    summary: { name: input.name, scopes: input.scopes, expiresOn: input.expiresOn, ipAllow: input.ipAllow },
  });
  return { id, secret: value };
}

/** Revokes a token at once: the next request with it is answered 401. Revoking twice changes nothing. */
export async function revokeToken(actor: Actor, dealerId: number, tokenId: number): Promise<void> {
  await transaction("api_token.revoke", (tx) => revokeTokenTx(tx, actor, dealerId, tokenId));
}

export async function revokeTokenTx(tx: Tx, actor: Actor, dealerId: number, tokenId: number): Promise<void> {
  await requireDealerAccess(tx, actor, "api_token:manage", dealerId);
  const row = await tx
    .selectFrom("api_tokens")
    .select(["id", "name", "revoked_at"])
    .where("id", "=", tokenId)
    .where("dealer_id", "=", dealerId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new ValidationError("apiTokens.unknown");
  if (row.revoked_at) return;
  await tx.updateTable("api_tokens").set({ revoked_at: now(), revoked_by: actor.userId }).where("id", "=", tokenId).execute();
  await audit(tx, actor, { action: "api_token.revoked", entityType: "api_token", entityId: tokenId, dealerId, summary: { name: row.name } });
}

export type TokenRefusal = "missing" | "invalid" | "revoked" | "expired" | "ip_not_allowed" | "dealer_disabled";
export type Authenticated = { ok: true; actor: Actor; tokenId: number } | { ok: false; reason: TokenRefusal };

function ipAllowed(allow: string[], ip: string | null): boolean {
  if (!allow.length) return true;
  if (!ip) return false;
  const bare = ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
  const list = new BlockList();
  for (const e of allow) {
    const p = parseIpEntry(e);
    if (!p) continue;
    const type = p.family === 4 ? "ipv4" : "ipv6";
    if (p.prefix === null) list.addAddress(p.address, type);
    else list.addSubnet(p.address, p.prefix, type);
  }
  return list.check(bare, bare.includes(":") ? "ipv6" : "ipv4");
}

/**
 * The actor of a bearer token: the token's dealer, acting with the dealer role narrowed to the token's
 * scopes (Actor.token). Revoked, expired, unknown tokens and addresses outside the allow-list are refused.
 * Last use is written at most once a minute per token.
 */
export async function authenticateToken(secret: string | null, ip: string | null): Promise<Authenticated> {
  if (!secret) return { ok: false, reason: "missing" };
  if (!secret.startsWith(PREFIX) || secret.length > 200) return { ok: false, reason: "invalid" };
  const row = await db
    .selectFrom("api_tokens as t")
    .innerJoin("organisations as d", "d.id", "t.dealer_id")
    .leftJoin("users as u", "u.id", "t.created_by")
    .select([
      "t.id",
      "t.dealer_id",
      "t.name",
      "t.scopes",
      "t.ip_allow",
      "t.expires_at",
      "t.revoked_at",
      "t.created_by",
      "t.last_used_at",
      "d.status as dealer_status",
      "u.locale",
    ])
    .where("t.secret_hash", "=", hashSecret(secret))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "invalid" };
  if (row.revoked_at) return { ok: false, reason: "revoked" };
  const at = now();
  if (row.expires_at && row.expires_at.getTime() <= at.getTime()) return { ok: false, reason: "expired" };
  if (!ipAllowed(row.ip_allow ? row.ip_allow.split(" ") : [], ip)) return { ok: false, reason: "ip_not_allowed" };
  if (row.dealer_status !== "active") return { ok: false, reason: "dealer_disabled" };
  if (!row.last_used_at || at.getTime() - row.last_used_at.getTime() > 60_000) {
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: at, last_used_ip: ip })
      .where("id", "=", row.id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", new Date(at.getTime() - 60_000))]))
      .execute();
  }
  const actor: Actor = {
    kind: "user",
    userId: row.created_by,
    role: TOKEN_ROLE,
    organisationId: row.dealer_id,
    dealerId: row.dealer_id,
    name: row.name,
    email: "",
    locale: row.locale === "en" ? "en" : "zh-CN",
    ip,
    token: { id: row.id, name: row.name, scopes: scopesOf(row.scopes) },
  };
  return { ok: true, actor, tokenId: row.id };
}

export type RateLimitState = { limit: number; remaining: number; resetSeconds: number; exceeded: boolean };

/**
 * Counts one request of a token in the current one-minute window (one upsert on a row per token and
 * minute, so every web process shares the count). Old windows of the token are dropped when a new one opens.
 */
export async function countRequest(tokenId: number): Promise<RateLimitState> {
  const limit = env().API_RATE_LIMIT_PER_MINUTE;
  const at = now();
  const windowStart = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  await sql`INSERT INTO api_rate_windows (token_id, window_start, hits) VALUES (${tokenId}, ${windowStart}, 1) ON DUPLICATE KEY UPDATE hits = hits + 1`.execute(
    db,
  );
  const row = await db.selectFrom("api_rate_windows").select("hits").where("token_id", "=", tokenId).where("window_start", "=", windowStart).executeTakeFirst();
  const hits = row?.hits ?? 1;
  if (hits === 1) await db.deleteFrom("api_rate_windows").where("token_id", "=", tokenId).where("window_start", "<", windowStart).execute();
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - at.getTime()) / 1000));
  return { limit, remaining: Math.max(0, limit - hits), resetSeconds, exceeded: hits > limit };
}
