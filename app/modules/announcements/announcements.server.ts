/**
 * Announcements, promotions and product news (信息服务): admin publishes them in
 * both languages, targeted by dealer region and tier, for a validity window;
 * targeted dealers see them on the dashboard and in their next digest.
 */
import { sql } from "kysely";
import { db } from "../../../db/client";
import type { Locale } from "~/i18n";
import { audit, diff, emitEvent } from "~/modules/audit/audit.server";
import { isDealerActor, requirePermission, type Actor } from "~/modules/auth/actor";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { dateTimeFormat } from "~/utils/intl";
import { now, startOfBusinessDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { PAGE_SIZE, activeAt, announcementColumns, announcementsQuery, existingSkus, findAnnouncement, targets } from "./announcements.queries.server";
import type { AnnouncementKind, AnnouncementState } from "./announcements.schema";
import type { AnnouncementFilter, AnnouncementInput } from "./announcements.schema.server";

type Row = NonNullable<Awaited<ReturnType<typeof findAnnouncement>>>;

const splitList = (v: string | null) => (v ? v.split(",").filter(Boolean) : []);

/** 'YYYY-MM-DDTHH:mm' in the business time zone → UTC instant. */
export function localToInstant(local: string, tz = env().BUSINESS_TZ): Date {
  const [date, time] = local.split("T") as [string, string];
  const [h, m, s] = time.split(":").map(Number) as [number, number, number | undefined];
  return new Date(startOfBusinessDate(date, tz).getTime() + (h * 3600 + m * 60 + (s ?? 0)) * 1000);
}

/** UTC instant → 'YYYY-MM-DDTHH:mm' in the business time zone (for datetime-local inputs). */
export function instantToLocal(d: Date, tz = env().BUSINESS_TZ): string {
  const p = dateTimeFormat("en-CA", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(d);
  const g = (t: string) => p.find((x) => x.type === t)!.value;
  return `${g("year")}-${g("month")}-${g("day")}T${g("hour")}:${g("minute")}`;
}

export function stateOf(r: Pick<Row, "status" | "starts_at" | "ends_at">, at = now()): AnnouncementState {
  if (r.status === "withdrawn") return "withdrawn";
  if (r.starts_at > at) return "scheduled";
  if (r.ends_at && r.ends_at <= at) return "ended";
  return "active";
}

function present(r: Row) {
  return { ...r, regions: splitList(r.regions), tiers: splitList(r.tiers), skus: splitList(r.product_skus), state: stateOf(r) };
}

// ---------- admin ----------

export async function listAnnouncements(actor: Actor, filter: AnnouncementFilter & { page: number }) {
  requirePermission(actor, "announcement:manage");
  const at = now();
  const base = announcementsQuery(db, filter, at);
  const [rows, total] = await Promise.all([
    base
      .select(announcementColumns)
      .orderBy("a.starts_at", "desc")
      .orderBy("a.id", "desc")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows: rows.map(present), total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export async function* exportAnnouncements(actor: Actor, filter: AnnouncementFilter) {
  requirePermission(actor, "announcement:manage");
  const rows = await announcementsQuery(db, filter, now()).select(announcementColumns).orderBy("a.starts_at", "desc").orderBy("a.id", "desc").execute();
  yield rows
    .map(present)
    .map((r) => [r.id, r.kind, stateOf(r), r.title_en, r.title_zh, r.regions.join(" "), r.tiers.join(" "), r.skus.join(" "), r.starts_at, r.ends_at]);
}

export async function getAnnouncement(actor: Actor, id: number) {
  requirePermission(actor, "announcement:manage");
  const r = await findAnnouncement(db, id);
  if (!r) throw new NotFoundError();
  return { ...present(r), startsLocal: instantToLocal(r.starts_at), endsLocal: r.ends_at ? instantToLocal(r.ends_at) : "" };
}

async function assertSkusExist(skus: string[]) {
  const found = new Set((await existingSkus(db, skus)).map((r) => r.sku.toLowerCase()));
  const missing = skus.filter((s) => !found.has(s.toLowerCase()));
  if (missing.length) throw new ValidationError("validation.formErrors", { productSkus: ["announcements.unknownSkus"] }, { skus: missing.join(", ") });
}

function values(input: AnnouncementInput) {
  return {
    kind: input.kind,
    title_en: input.titleEn,
    title_zh: input.titleZh,
    body_en: input.bodyEn,
    body_zh: input.bodyZh,
    regions: input.regions.length ? input.regions.join(",") : null,
    tiers: input.tiers.length ? input.tiers.join(",") : null,
    product_skus: input.productSkus.length ? input.productSkus.join(",") : null,
    starts_at: localToInstant(input.startsAt),
    ends_at: input.endsAt ? localToInstant(input.endsAt) : null,
  };
}

export async function createAnnouncement(actor: Actor, input: AnnouncementInput): Promise<{ id: number }> {
  requirePermission(actor, "announcement:manage");
  await assertSkusExist(input.productSkus);
  return transaction("announcement.create", async (tx) => {
    const v = values(input);
    const t = now();
    const r = await tx
      .insertInto("announcements")
      .values({ ...v, status: "published", created_by: actor.userId, created_at: t, updated_at: t })
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    await audit(tx, actor, {
      action: "announcement.published",
      entityType: "announcement",
      entityId: id,
      summary: { kind: v.kind, title: v.title_en, regions: v.regions, tiers: v.tiers },
    });
    await emitEvent(tx, actor, {
      type: "announcement.published",
      entityType: "announcement",
      entityId: id,
      payload: { kind: v.kind, title: v.title_en, titleZh: v.title_zh, regions: v.regions, tiers: v.tiers, startsAt: v.starts_at.toISOString() },
    });
    return { id };
  });
}

export async function updateAnnouncement(actor: Actor, id: number, input: AnnouncementInput): Promise<void> {
  requirePermission(actor, "announcement:manage");
  await assertSkusExist(input.productSkus);
  await transaction("announcement.update", async (tx) => {
    const before = await tx.selectFrom("announcements").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.status === "withdrawn") throw new ConflictError("announcements.withdrawnReadOnly");
    const v = values(input);
    await tx
      .updateTable("announcements")
      .set({ ...v, updated_at: now() })
      .where("id", "=", id)
      .execute();
    const changes = diff(before as unknown as Record<string, unknown>, v as unknown as Record<string, unknown>);
    if (Object.keys(changes).length) await audit(tx, actor, { action: "announcement.updated", entityType: "announcement", entityId: id, summary: changes });
  });
}

export async function withdrawAnnouncement(actor: Actor, id: number): Promise<void> {
  requirePermission(actor, "announcement:manage");
  await transaction("announcement.withdraw", async (tx) => {
    const before = await tx.selectFrom("announcements").select(["status", "title_en"]).where("id", "=", id).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.status === "withdrawn") throw new ConflictError("announcements.alreadyWithdrawn");
    await tx.updateTable("announcements").set({ status: "withdrawn", updated_at: now() }).where("id", "=", id).execute();
    await audit(tx, actor, { action: "announcement.withdrawn", entityType: "announcement", entityId: id, summary: { title: before.title_en } });
    await emitEvent(tx, actor, { type: "announcement.withdrawn", entityType: "announcement", entityId: id, payload: { title: before.title_en } });
  });
}

// ---------- readers: dashboards and digests ----------

export type AnnouncementView = { id: number; kind: AnnouncementKind; title: string; body: string; skus: string[]; startsAt: Date; endsAt: Date | null };

function localized(r: Row, locale: Locale): AnnouncementView {
  return {
    id: r.id,
    kind: r.kind as AnnouncementKind,
    title: locale === "zh-CN" ? r.title_zh : r.title_en,
    body: locale === "zh-CN" ? r.body_zh : r.body_en,
    skus: splitList(r.product_skus),
    startsAt: r.starts_at,
    endsAt: r.ends_at,
  };
}

/** What a dealer user sees on the dashboard now: active announcements targeted at their dealer's region and tier. */
export async function announcementsFor(actor: Actor, limit = 10): Promise<AnnouncementView[]> {
  if (!isDealerActor(actor) || actor.dealerId === null) return [];
  const dealer = await db.selectFrom("organisations").select(["region", "tier"]).where("id", "=", actor.dealerId).executeTakeFirst();
  if (!dealer) return [];
  const rows = await db
    .selectFrom("announcements as a")
    .select(announcementColumns)
    .where(activeAt(now()))
    .where(targets(dealer.region, dealer.tier))
    .orderBy("a.starts_at", "desc")
    .orderBy("a.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => localized(r, actor.locale));
}

export type DigestAnnouncement = { id: number; kind: string; titleEn: string; titleZh: string; regions: string[]; tiers: string[]; visibleFrom: Date };

/**
 * Announcements that became visible in (since, until] and are still active at
 * until: one query for a whole digest run; targeting is applied per dealer.
 */
export async function announcementsForDigest(since: Date, until: Date): Promise<DigestAnnouncement[]> {
  const visibleFrom = sql<Date>`GREATEST(a.starts_at, a.created_at)`;
  const rows = await db
    .selectFrom("announcements as a")
    .select(["a.id", "a.kind", "a.title_en", "a.title_zh", "a.regions", "a.tiers", visibleFrom.as("visible_from")])
    .where(activeAt(until))
    .where(visibleFrom, ">", since)
    .where(visibleFrom, "<=", until)
    .orderBy("a.starts_at", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    titleEn: r.title_en,
    titleZh: r.title_zh,
    regions: splitList(r.regions),
    tiers: splitList(r.tiers),
    visibleFrom: new Date(r.visible_from),
  }));
}

export function targetsDealer(a: Pick<DigestAnnouncement, "regions" | "tiers">, region: string, tier: string): boolean {
  return (a.regions.length === 0 || a.regions.includes(region)) && (a.tiers.length === 0 || a.tiers.includes(tier));
}
