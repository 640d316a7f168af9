import { createHash } from "node:crypto";
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import { db, type Executor } from "../../../db/client";
import { now } from "~/utils/time";

/** Session ids are stored only as SHA-256 hashes; a leaked table cannot be replayed. */
export function hashSessionId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

export type SessionAttributes = { absoluteExpiresAt: Date; ip: string | null; userAgent: string | null; persistent?: boolean };
export type UserAttributes = {
  organisation_id: number;
  email: string;
  name: string;
  role: string;
  locale: string;
  status: string;
  org_kind: string;
  org_status: string;
};

/**
 * Writes a session row. A kept session ("keep me signed in") has no idle expiry: it lives
 * until its absolute expiry; any other lives until the earlier of its idle and absolute expiry.
 */
export async function insertSession(dbx: Executor, sessionId: string, userId: number, idleExpiresAt: Date, attrs: SessionAttributes): Promise<void> {
  const absolute = attrs.absoluteExpiresAt;
  await dbx
    .insertInto("sessions")
    .values({
      id: hashSessionId(sessionId),
      user_id: userId,
      expires_at: attrs.persistent || idleExpiresAt > absolute ? absolute : idleExpiresAt,
      absolute_expires_at: absolute,
      persistent: attrs.persistent ? 1 : 0,
      ip: attrs.ip?.slice(0, 64) ?? null,
      user_agent: attrs.userAgent?.slice(0, 255) ?? null,
      created_at: now(),
    })
    .execute();
}

/**
 * lucia v3 adapter over Kysely: hashes ids, enforces an absolute lifetime on
 * top of lucia's sliding (idle) expiry, and ends sessions of disabled users.
 */
export class HashedSessionAdapter implements Adapter {
  async getSessionAndUser(sessionId: string): Promise<[session: DatabaseSession | null, user: DatabaseUser | null]> {
    const row = await db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .innerJoin("organisations as o", "o.id", "u.organisation_id")
      .select([
        "s.id as sid",
        "s.user_id",
        "s.expires_at",
        "s.absolute_expires_at",
        "s.ip",
        "s.user_agent",
        "s.persistent",
        "u.organisation_id",
        "u.email",
        "u.name",
        "u.role",
        "u.locale",
        "u.status",
        "o.kind as org_kind",
        "o.status as org_status",
      ])
      .where("s.id", "=", hashSessionId(sessionId))
      .executeTakeFirst();
    if (!row) return [null, null];
    if (row.absolute_expires_at.getTime() <= now().getTime() || row.status !== "active" || row.org_status !== "active") {
      await db.deleteFrom("sessions").where("id", "=", row.sid).execute();
      return [null, null];
    }
    const session: DatabaseSession = {
      id: sessionId,
      userId: row.user_id as never,
      expiresAt: row.expires_at,
      attributes: { absoluteExpiresAt: row.absolute_expires_at, ip: row.ip, userAgent: row.user_agent, persistent: row.persistent === 1 } as never,
    };
    const user: DatabaseUser = {
      id: row.user_id as never,
      attributes: {
        organisation_id: row.organisation_id,
        email: row.email,
        name: row.name,
        role: row.role,
        locale: row.locale,
        status: row.status,
        org_kind: row.org_kind,
        org_status: row.org_status,
      } as never,
    };
    return [session, user];
  }

  async getUserSessions(userId: unknown): Promise<DatabaseSession[]> {
    const rows = await db.selectFrom("sessions").selectAll().where("user_id", "=", Number(userId)).execute();
    // Raw ids are never stored, so callers get the hashes.
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id as never,
      expiresAt: r.expires_at,
      attributes: { absoluteExpiresAt: r.absolute_expires_at, ip: r.ip, userAgent: r.user_agent, persistent: r.persistent === 1 } as never,
    }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await insertSession(db, session.id, Number(session.userId), session.expiresAt, session.attributes as unknown as SessionAttributes);
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await db
      .updateTable("sessions")
      .set((eb) => ({ expires_at: eb.fn("LEAST", [eb.val(expiresAt), eb.ref("absolute_expires_at")]) }))
      .where("id", "=", hashSessionId(sessionId))
      .execute();
  }

  async deleteSession(sessionId: string): Promise<void> {
    await db.deleteFrom("sessions").where("id", "=", hashSessionId(sessionId)).execute();
  }

  async deleteUserSessions(userId: unknown): Promise<void> {
    await db.deleteFrom("sessions").where("user_id", "=", Number(userId)).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    const t = now();
    await db
      .deleteFrom("sessions")
      .where((eb) => eb.or([eb("expires_at", "<=", t), eb("absolute_expires_at", "<=", t)]))
      .execute();
  }
}
