import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import type { AnnouncementFilter } from "./announcements.schema.server";
import { likeContains } from "~/utils/like";

export const PAGE_SIZE = 25;

export const announcementColumns = [
  "a.id",
  "a.kind",
  "a.title_en",
  "a.title_zh",
  "a.body_en",
  "a.body_zh",
  "a.regions",
  "a.tiers",
  "a.product_skus",
  "a.starts_at",
  "a.ends_at",
  "a.status",
  "a.created_by",
  "a.created_at",
  "a.updated_at",
] as const;

type EB = ExpressionBuilder<DB & { a: DB["announcements"] }, "a">;

/** Published and inside its validity window at `at`. */
export function activeAt(at: Date) {
  return (eb: EB): Expression<SqlBool> =>
    eb.and([eb("a.status", "=", "published"), eb("a.starts_at", "<=", at), eb.or([eb("a.ends_at", "is", null), eb("a.ends_at", ">", at)])]);
}

/** Targeted at a dealer of this region and tier (an empty target list means everyone). */
export function targets(region: string, tier: string) {
  return (eb: EB): Expression<SqlBool> =>
    eb.and([
      eb.or([eb("a.regions", "is", null), eb(sql<number>`FIND_IN_SET(${region}, a.regions)`, ">", 0)]),
      eb.or([eb("a.tiers", "is", null), eb(sql<number>`FIND_IN_SET(${tier}, a.tiers)`, ">", 0)]),
    ]);
}

export function announcementsQuery(db: Executor, f: AnnouncementFilter, at: Date) {
  let q = db.selectFrom("announcements as a");
  if (f.kind) q = q.where("a.kind", "=", f.kind);
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) => eb.or([eb("a.title_en", "like", like), eb("a.title_zh", "like", like)]));
  }
  if (f.state === "withdrawn") q = q.where("a.status", "=", "withdrawn");
  else if (f.state === "scheduled") q = q.where("a.status", "=", "published").where("a.starts_at", ">", at);
  else if (f.state === "active") q = q.where(activeAt(at));
  else if (f.state === "ended") q = q.where("a.status", "=", "published").where("a.ends_at", "<=", at);
  return q;
}

export function findAnnouncement(db: Executor, id: number) {
  return db.selectFrom("announcements as a").select(announcementColumns).where("a.id", "=", id).executeTakeFirst();
}

export function existingSkus(db: Executor, skus: string[]) {
  if (!skus.length) return Promise.resolve([] as { sku: string }[]);
  return db.selectFrom("products").select("sku").where("sku", "in", skus).execute();
}
