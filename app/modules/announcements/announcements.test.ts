import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, requestAs } from "../../../tests/factories";
import { action as newAction } from "~/routes/admin.announcements.new";
import { action as editAction, loader as editLoader } from "~/routes/admin.announcements.$id";
import { loader as listLoader } from "~/routes/admin.announcements._index";
import { loader as dashboardLoader } from "~/routes/_index";
import {
  announcementsFor,
  announcementsForDigest,
  createAnnouncement,
  instantToLocal,
  listAnnouncements,
  localToInstant,
  stateOf,
  updateAnnouncement,
  withdrawAnnouncement,
} from "./announcements.server";
import type { AnnouncementInput } from "./announcements.schema.server";

afterEach(() => vi.useRealTimers());

async function product(sku: string) {
  const db = getDb();
  await db.insertInto("categories").ignore().values({ code: "ac", name_en: "Air conditioners", name_zh: "空调" }).execute();
  await db.insertInto("product_lines").ignore().values({ code: "split", name_en: "Split", name_zh: "分体" }).execute();
  await db
    .insertInto("products")
    .values({ sku, name_en: sku, name_zh: sku, category_code: "ac", product_line_code: "split", list_price_minor: 100_00 })
    .execute();
}

const input = (over: Partial<AnnouncementInput> = {}): AnnouncementInput => ({
  kind: "promotion",
  titleEn: "Winter promotion",
  titleZh: "冬季促销",
  bodyEn: "10% off split units",
  bodyZh: "分体机九折",
  regions: [],
  tiers: [],
  productSkus: [],
  startsAt: instantToLocal(new Date(Date.now() - 3_600_000)),
  endsAt: null,
  ...over,
});

const call = async (fn: (a: never) => Promise<unknown>, request: Request, params: Record<string, string> = {}) => {
  try {
    return (await fn({ request, params, context: {} } as never)) as Response;
  } catch (r) {
    if (r instanceof Response) return r;
    throw r;
  }
};

describe("announcements", () => {
  it("targets dealers by region and tier on the dashboard, within the validity window, in the reader's language", async () => {
    const cast = await createCast();
    const admin = actorFor(cast.staff.admin);
    await getDb().updateTable("organisations").set({ region: "east", tier: "gold" }).where("id", "=", cast.dealerA.id).execute();
    await getDb().updateTable("organisations").set({ region: "north", tier: "silver" }).where("id", "=", cast.dealerB.id).execute();
    await createAnnouncement(admin, input({ titleEn: "For everyone", titleZh: "全体公告", kind: "announcement" }));
    await createAnnouncement(admin, input({ titleEn: "East gold only", regions: ["east"], tiers: ["gold"] }));
    await createAnnouncement(admin, input({ titleEn: "North only", regions: ["north"] }));
    await createAnnouncement(admin, input({ titleEn: "Not yet", startsAt: instantToLocal(new Date(Date.now() + 86_400_000)) }));
    await createAnnouncement(
      admin,
      input({ titleEn: "Over", startsAt: instantToLocal(new Date(Date.now() - 3 * 86_400_000)), endsAt: instantToLocal(new Date(Date.now() - 86_400_000)) }),
    );
    const withdrawn = await createAnnouncement(admin, input({ titleEn: "Withdrawn" }));
    await withdrawAnnouncement(admin, withdrawn.id);

    const a = (await announcementsFor(actorFor(cast.a.dealer_sales))).map((x) => x.title).sort();
    expect(a).toEqual(["East gold only", "For everyone"]);
    const b = (await announcementsFor(actorFor(cast.b.dealer_finance))).map((x) => x.title).sort();
    expect(b).toEqual(["For everyone", "North only"]);
    expect((await announcementsFor(actorFor(cast.a.dealer_admin, "zh-CN"))).map((x) => x.title)).toContain("全体公告");
    expect(await announcementsFor(actorFor(cast.staff.account_manager))).toEqual([]);

    const res = await call(dashboardLoader as never, await requestAs(cast.a.dealer_sales, "/"));
    const body = (await res.json()) as { announcements: { title: string }[]; isDealer: boolean };
    expect(body.isDealer).toBe(true);
    expect(body.announcements.map((x) => x.title).sort()).toEqual(["East gold only", "For everyone"]);
  });

  it("publishing writes an audit entry and an announcement.published event; the digest window query finds it once", async () => {
    const cast = await createCast();
    const { id } = await createAnnouncement(actorFor(cast.staff.admin), input());
    const audit = await getDb().selectFrom("audit_log").select(["action", "entity_id"]).where("entity_type", "=", "announcement").execute();
    expect(audit).toEqual([{ action: "announcement.published", entity_id: String(id) }]);
    const ev = await getDb().selectFrom("domain_events").select(["type", "entity_id"]).where("type", "like", "announcement.%").execute();
    expect(ev).toEqual([{ type: "announcement.published", entity_id: String(id) }]);
    const now = Date.now();
    expect((await announcementsForDigest(new Date(now - 86_400_000), new Date(now))).map((x) => x.id)).toEqual([id]);
    expect(await announcementsForDigest(new Date(now), new Date(now + 86_400_000))).toEqual([]);
  });

  it("edits and withdraws; a withdrawn announcement is read-only", async () => {
    const cast = await createCast();
    const admin = actorFor(cast.staff.admin);
    await product("AC-1000");
    const { id } = await createAnnouncement(admin, input());
    await updateAnnouncement(admin, id, input({ titleEn: "Winter promotion (extended)", productSkus: ["AC-1000"], regions: ["south"] }));
    let row = await getDb().selectFrom("announcements").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title_en: "Winter promotion (extended)", product_skus: "AC-1000", regions: "south", tiers: null });
    await withdrawAnnouncement(admin, id);
    row = await getDb().selectFrom("announcements").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(stateOf(row)).toBe("withdrawn");
    await expect(withdrawAnnouncement(admin, id)).rejects.toMatchObject({ status: 409 });
    await expect(updateAnnouncement(admin, id, input())).rejects.toMatchObject({ status: 409 });
    const list = await listAnnouncements(admin, { state: "withdrawn", page: 1 });
    expect(list.rows.map((r) => r.id)).toEqual([id]);
  });

  it("is admin only: other roles get 403, an unknown id 404", async () => {
    const cast = await createCast();
    await expect(createAnnouncement(actorFor(cast.a.dealer_admin), input())).rejects.toMatchObject({ status: 403 });
    await expect(listAnnouncements(actorFor(cast.staff.ops), { page: 1 })).rejects.toMatchObject({ status: 403 });
    const res = await call(listLoader as never, await requestAs(cast.staff.finance, "/admin/announcements"));
    expect(res.status).toBe(403);
    const post = await call(newAction as never, await requestAs(cast.a.dealer_admin, "/admin/announcements/new", { form: { kind: "promotion" } }));
    expect(post.status).toBe(403);
    const missing = await call(editLoader as never, await requestAs(cast.staff.admin, "/admin/announcements/999999"), { id: "999999" });
    expect(missing.status).toBe(404);
    const junk = await call(editLoader as never, await requestAs(cast.staff.admin, "/admin/announcements/abc"), { id: "abc" });
    expect(junk.status).toBe(404);
  });

  it("refuses bad input with localized field errors and keeps the values", async () => {
    const cast = await createCast();
    const form = {
      kind: "flyer",
      titleEn: "",
      titleZh: "促销",
      bodyEn: "x",
      bodyZh: "x",
      regions: ["east", "mars"],
      productSkus: "OK-1 bad sku!",
      startsAt: "tomorrow",
      endsAt: "",
    };
    const res = await call(newAction as never, await requestAs(cast.staff.admin, "/admin/announcements/new", { form }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors: Record<string, string>; values: Record<string, unknown> };
    expect(Object.keys(body.fieldErrors).sort()).toEqual(["kind", "productSkus", "regions.1", "startsAt", "titleEn"].sort());
    expect(body.fieldErrors.startsAt).toBe("Enter a date and time.");
    expect(body.values.titleZh).toBe("促销");

    const backwards = { kind: "promotion", titleEn: "a", titleZh: "b", bodyEn: "c", bodyZh: "d", startsAt: "2026-12-01T09:00", endsAt: "2026-11-01T09:00" };
    const r2 = await call(newAction as never, await requestAs(cast.staff.admin, "/admin/announcements/new", { form: backwards }));
    expect(((await r2.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ endsAt: "The end must be after the start." });

    const unknownSku = { ...backwards, endsAt: "", productSkus: "NOPE-1" };
    const r3 = await call(newAction as never, await requestAs(cast.staff.admin, "/admin/announcements/new", { form: unknownSku }));
    expect(r3.status).toBe(400);
    expect(((await r3.json()) as { fieldErrors: Record<string, string> }).fieldErrors.productSkus).toBe("Unknown SKU: NOPE-1");
    expect(await getDb().selectFrom("announcements").selectAll().execute()).toHaveLength(0);

    const ok = await call(
      newAction as never,
      await requestAs(cast.staff.admin, "/admin/announcements/new", { form: { ...backwards, endsAt: "", regions: "east" } }),
    );
    expect(ok.status).toBe(302);
    const id = ok.headers.get("Location")!.match(/\/admin\/announcements\/(\d+)/)![1]!;
    const w = await call(editAction as never, await requestAs(cast.staff.admin, `/admin/announcements/${id}`, { form: { intent: "withdraw" } }), { id });
    expect(w.status).toBe(200);
  });

  it("reads validity times in the business time zone", () => {
    const t = localToInstant("2026-11-23T08:00", "Asia/Shanghai");
    expect(t.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(instantToLocal(t, "Asia/Shanghai")).toBe("2026-11-23T08:00");
  });
});
