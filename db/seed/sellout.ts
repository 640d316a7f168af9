/**
 * Demo sell-out (issue #24): a year of monthly reports for every demo dealer — units and revenue per SKU
 * (some per region), units on hand at month end, total sales per category (all brands) — so the dealer-profit
 * figures of decision 137 have data. Months before the last are closed; the first dealer reported the last
 * month (still open) and corrected a closed one; the second has not reported it yet (its account manager sees
 * it listed, the reminder job reminds it).
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import { endedPeriods } from "../../app/modules/sellout/period";
import { todayIn } from "../../app/utils/time";
import type { FoundationIds } from "./foundation";
import { rng } from "./random";

const REGIONS = ["华东", "华南", "华北", ""];

export async function seedSellout(db: Kysely<DB>, ids: FoundationIds) {
  const r = rng(2424);
  const products = await db
    .selectFrom("products")
    .select(["id", "category_code", "list_price_minor"])
    .where("status", "=", "active")
    .where("made_to_order", "=", 0)
    .orderBy("sku")
    .limit(60)
    .execute();
  if (!products.length) return;
  const months = endedPeriods(todayIn("Asia/Shanghai"), "month", 12);
  const lastKey = months[0]!.key;
  for (const [code, dealerId] of Object.entries(ids.dealerIds)) {
    const range = products.filter(() => r.chance(0.5)).slice(0, 24);
    for (const p of months) {
      if (p.key === lastKey && code !== "D001") continue; // only the first dealer reported last month so far
      const reportedAt = new Date(Date.parse(`${p.end}T00:00:00Z`) + 5 * 86_400_000);
      const closed = p.key !== lastKey;
      const closedAt = new Date(reportedAt.getTime() + 5 * 86_400_000);
      const period = await db
        .insertInto("sellout_periods")
        .values({
          dealer_id: dealerId,
          period_key: p.key,
          frequency: "month",
          starts_on: p.start,
          ends_on: p.end,
          status: closed ? "closed" : "open",
          currency: "CNY",
          reported_at: reportedAt,
          last_changed_at: reportedAt,
          closed_at: closed ? closedAt : null,
          created_at: reportedAt,
        })
        .executeTakeFirstOrThrow();
      const periodId = Number(period.insertId);
      const lines: {
        period_id: number;
        dealer_id: number;
        product_id: number;
        segment: string;
        region: string;
        units_sold: number;
        revenue_minor: number;
        updated_at: Date;
      }[] = [];
      const stock: { period_id: number; product_id: number; dealer_id: number; units_on_hand: number; updated_at: Date }[] = [];
      const byCategory = new Map<string, number>();
      for (const prod of range) {
        const regions = r.chance(0.3) ? REGIONS.slice(0, r.int(2, 3)) : [""];
        for (const region of regions) {
          const units = r.int(0, 40);
          const revenue = Math.round((units * Number(prod.list_price_minor) * r.int(82, 98)) / 100);
          lines.push({
            period_id: periodId,
            dealer_id: dealerId,
            product_id: prod.id,
            segment: region ? `|${region}` : "",
            region,
            units_sold: units,
            revenue_minor: revenue,
            updated_at: reportedAt,
          });
          byCategory.set(prod.category_code, (byCategory.get(prod.category_code) ?? 0) + revenue);
        }
        stock.push({ period_id: periodId, product_id: prod.id, dealer_id: dealerId, units_on_hand: r.int(0, 60), updated_at: reportedAt });
      }
      if (lines.length) await db.insertInto("sellout_lines").values(lines).execute();
      if (stock.length) await db.insertInto("sellout_stock").values(stock).execute();
      const totals = [...byCategory].map(([category, ours]) => ({
        period_id: periodId,
        category_code: category,
        dealer_id: dealerId,
        revenue_minor: Math.round((ours * 100) / r.int(35, 70)),
        updated_at: reportedAt,
      }));
      if (totals.length) await db.insertInto("sellout_category_totals").values(totals).execute();
      // The first dealer corrected a closed month: an invoice reported late.
      if (code === "D001" && p.key === months[2]!.key && lines[0]) {
        await db
          .insertInto("sellout_corrections")
          .values({
            period_id: periodId,
            dealer_id: dealerId,
            product_id: lines[0].product_id,
            segment: lines[0].segment,
            region: lines[0].region,
            delta_units_sold: 2,
            delta_revenue_minor: 2 * Math.round(lines[0].revenue_minor / Math.max(1, lines[0].units_sold)),
            delta_on_hand: -2,
            reason: "补报一张月末发票 · late invoice added",
            created_by: ids.users["dealer_sales@demo.local"] ?? null,
            created_at: new Date(closedAt.getTime() + 86_400_000),
          })
          .execute();
      }
    }
  }
}
