/**
 * Demo sell-out (issue #24): a year of monthly reports for every demo dealer — units and revenue per SKU
 * (some per region), units on hand at month end, total sales per category (all brands) — so the dealer-profit
 * figures of decision 137 have data. Months before the last are closed; the first dealer reported the last
 * month (still open) and corrected a closed one; the second has not reported it yet (its account manager sees
 * it listed, the reminder job reminds it).
 *
 * So that every dealer-profit figure shows (decision 139): each dealer reports mostly SKUs it bought from us (their
 * cost is its average purchase price), two slow movers (held, never sold) and one overstocked SKU (held in bulk, sold
 * a few), and has a year of closed service cases (some resolved late) with satisfaction answers.
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import { endedPeriods } from "../../app/modules/sellout/period";
import { restatePeriods } from "../../app/modules/sellout/sellout.derived.server";
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
    const bought = new Set(
      (
        await db
          .selectFrom("shipment_lines as sl")
          .innerJoin("shipments as sh", "sh.id", "sl.shipment_id")
          .innerJoin("order_lines as ol", "ol.id", "sl.order_line_id")
          .select("ol.product_id")
          .distinct()
          .where("sh.dealer_id", "=", dealerId)
          .execute()
      ).map((b) => b.product_id),
    );
    const boughtProducts = bought.size
      ? await db
          .selectFrom("products")
          .select(["id", "category_code", "list_price_minor"])
          .where("id", "in", [...bought])
          .where("made_to_order", "=", 0)
          .orderBy("sku")
          .limit(16)
          .execute()
      : [];
    const taken = new Set(boughtProducts.map((p) => p.id));
    const range = [...boughtProducts, ...products.filter((p) => !taken.has(p.id) && r.chance(0.5))].slice(0, 24);
    const slow = new Set(range.slice(-2).map((p) => p.id));
    const overstocked = range.length > 3 ? range[range.length - 3]!.id : null;
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
        const isSlow = slow.has(prod.id);
        const isOver = prod.id === overstocked;
        for (const region of isSlow || isOver ? [""] : regions) {
          const units = isSlow ? 0 : isOver ? r.int(3, 5) : r.int(0, 40);
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
        const onHand = isSlow ? r.int(30, 60) : isOver ? r.int(45, 60) : r.int(0, 60);
        stock.push({ period_id: periodId, product_id: prod.id, dealer_id: dealerId, units_on_hand: onHand, updated_at: reportedAt });
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
    await seedServiceHistory(db, dealerId, months, r);
  }
  // The periods' figures, by the function every sell-out write uses (decision 144).
  const periods = await db.selectFrom("sellout_periods").select("id").execute();
  await restatePeriods(
    db,
    periods.map((p) => p.id),
  );
}

const HOUR = 3_600_000;

/**
 * A year of closed service cases per dealer for the resolution measure: 2–4 a month, due 72 hours after opening,
 * about one in five resolved late; most answered a satisfaction survey.
 */
async function seedServiceHistory(db: Kysely<DB>, dealerId: number, months: { key: string; start: string }[], r: ReturnType<typeof rng>) {
  const opener = await db.selectFrom("users").select("id").where("organisation_id", "=", dealerId).orderBy("email").executeTakeFirst();
  if (!opener) return;
  for (const m of months) {
    const count = r.int(2, 4);
    for (let i = 0; i < count; i++) {
      const opened = new Date(Date.parse(`${m.start}T02:00:00Z`) + (2 + i * 6) * 24 * HOUR);
      const due = new Date(opened.getTime() + 72 * HOUR);
      const resolved = new Date(opened.getTime() + (r.chance(0.2) ? r.int(80, 120) : r.int(4, 60)) * HOUR);
      const res = await db
        .insertInto("service_cases")
        .values({
          dealer_id: dealerId,
          opened_by: opener.id,
          about: "account",
          case_type: r.pick(["installation", "billing", "other"] as const),
          priority: "normal",
          status: "closed",
          subject: "安装咨询 · installation question",
          description: "已解决的历史工单。A resolved case from the past year.",
          response_due_at: new Date(opened.getTime() + 24 * HOUR),
          resolution_due_at: due,
          first_response_at: new Date(opened.getTime() + r.int(1, 30) * HOUR),
          resolved_at: resolved,
          closed_at: new Date(resolved.getTime() + 24 * HOUR),
          outcome: "answer",
          created_at: opened,
          updated_at: new Date(resolved.getTime() + 24 * HOUR),
        })
        .executeTakeFirstOrThrow();
      const caseId = Number(res.insertId);
      await db
        .updateTable("service_cases")
        .set({ number: `SC${String(caseId).padStart(6, "0")}` })
        .where("id", "=", caseId)
        .execute();
      if (!r.chance(0.7)) continue;
      const survey = await db
        .insertInto("service_surveys")
        .values({
          case_id: caseId,
          dealer_id: dealerId,
          user_id: opener.id,
          locale: "zh-CN",
          round: 1,
          expires_at: new Date(resolved.getTime() + 14 * 24 * HOUR),
          created_at: resolved,
        })
        .executeTakeFirstOrThrow();
      await db
        .insertInto("service_survey_answers")
        .values({ survey_id: Number(survey.insertId), case_id: caseId, score: r.int(3, 5), answered_at: new Date(resolved.getTime() + 30 * HOUR) })
        .execute();
    }
  }
}
