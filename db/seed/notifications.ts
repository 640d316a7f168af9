/**
 * Demo announcements (信息服务): one for every dealer, a promotion for East China
 * gold and platinum dealers linking products, and scheduled product news.
 * The digests and the outbox fill themselves once the job runner runs.
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import type { FoundationIds } from "./foundation";

const DAY = 86_400_000;

export async function seedNotifications(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const now = Date.now();
  const admin = ids.users["admin@demo.local"] ?? null;
  const skus = (await db.selectFrom("products").select("sku").where("status", "=", "active").orderBy("sku").limit(3).execute()).map((p) => p.sku);
  const rows = [
    {
      kind: "announcement",
      title_en: "Spring Festival shipping schedule",
      title_zh: "春节期间发货安排",
      body_en:
        "Warehouses close from the 28th of the twelfth lunar month to the 6th of the first. Orders approved before the 25th ship before the holiday; later orders ship from the 7th.",
      body_zh: "腊月二十八至正月初六仓库停止发货。腊月二十五前审核通过的订单节前发出，之后的订单自正月初七起陆续发货。",
      regions: null,
      tiers: null,
      product_skus: null,
      starts_at: new Date(now - 2 * DAY),
      ends_at: new Date(now + 60 * DAY),
    },
    {
      kind: "promotion",
      title_en: "East China winter promotion: 8% extra rebate",
      title_zh: "华东冬季促销：额外 8% 返利",
      body_en:
        "Gold and platinum dealers in East China earn an extra 8% rebate on the listed models ordered this month. The rebate is credited with the next statement.",
      body_zh: "华东区金牌及白金经销商本月订购所列型号，可额外获得 8% 返利，随下期对账单入账。",
      regions: "east",
      tiers: "platinum,gold",
      product_skus: skus.length ? skus.join(",") : null,
      starts_at: new Date(now - 1 * DAY),
      ends_at: new Date(now + 30 * DAY),
    },
    {
      kind: "product_news",
      title_en: "New inverter series launches next week",
      title_zh: "新款变频系列下周上市",
      body_en: "The new inverter series opens for orders next week, with launch prices for the first month.",
      body_zh: "新款变频系列下周开放订购，首月享上市优惠价。",
      regions: null,
      tiers: null,
      product_skus: null,
      starts_at: new Date(now + 7 * DAY),
      ends_at: null,
    },
  ];
  for (const r of rows) {
    await db
      .insertInto("announcements")
      .values({ ...r, status: "published", created_by: admin, created_at: new Date(now - 3 * DAY), updated_at: new Date(now - 3 * DAY) })
      .execute();
  }
}
