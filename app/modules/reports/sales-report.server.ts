/**
 * The reports page: ordered value and counts over a date range, grouped by one
 * dimension and filtered by the others, always within the caller's dealer scope.
 * Orders count from their submission (business day), drafts/cancelled/rejected excluded.
 */
import { sql } from "kysely";
import { db } from "../../../db/client";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { inDealerScope } from "~/modules/auth/access.server";
import { minorToDecimal } from "~/utils/money";
import { resolvePeriod } from "./reports.server";
import type { SalesReportFilter } from "./sales-report.schema.server";

export type ReportRow = { key: string; label: string; orders: number; quantity: number; valueMinor: number };

export async function salesReport(actor: Actor, f: SalesReportFilter) {
  requirePermission(actor, "reports:read");
  const b = resolvePeriod({ from: f.from, to: f.to });
  const keyExpr = {
    month: sql<string>`DATE_FORMAT(CONVERT_TZ(o.submitted_at, '+00:00', ${b.tzOffset}), '%Y-%m')`,
    dealer: sql<string>`d.code`,
    region: sql<string>`d.region`,
    tier: sql<string>`d.tier`,
    productLine: sql<string>`p.product_line_code`,
  }[f.groupBy];
  const labelExpr = f.groupBy === "dealer" ? sql<string>`MAX(d.name)` : f.groupBy === "productLine" ? sql<string>`MAX(pl.name_en)` : sql<string>`''`;
  const labelZhExpr = f.groupBy === "productLine" ? sql<string>`MAX(pl.name_zh)` : sql<string>`''`;
  let q = db
    .selectFrom("orders as o")
    .innerJoin("order_lines as l", "l.order_id", "o.id")
    .innerJoin("products as p", "p.id", "l.product_id")
    .innerJoin("product_lines as pl", "pl.code", "p.product_line_code")
    .innerJoin("organisations as d", "d.id", "o.dealer_id")
    .where(inDealerScope(actor, "o.dealer_id"))
    .where("o.submitted_at", ">=", b.fromInstant)
    .where("o.submitted_at", "<", b.toInstant)
    .where("o.status", "not in", ["draft", "cancelled", "rejected"]);
  if (f.region) q = q.where("d.region", "=", f.region);
  if (f.tier) q = q.where("d.tier", "=", f.tier);
  if (f.dealerId) q = q.where("o.dealer_id", "=", f.dealerId);
  if (f.productLine) q = q.where("p.product_line_code", "=", f.productLine);
  const rows = await q
    .select([
      keyExpr.as("k"),
      labelExpr.as("label"),
      labelZhExpr.as("label_zh"),
      sql<number>`COUNT(DISTINCT o.id)`.as("orders"),
      sql<string>`SUM(l.quantity)`.as("qty"),
      sql<string>`SUM(l.line_total_minor)`.as("v"),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  const out = rows.map((r) => ({
    key: String(r.k),
    label: String(r.label ?? ""),
    labelZh: String(r.label_zh ?? ""),
    orders: Number(r.orders),
    quantity: Number(r.qty ?? 0),
    valueMinor: Number(r.v ?? 0),
  }));
  const totals = out.reduce((t, r) => ({ orders: t.orders + r.orders, quantity: t.quantity + r.quantity, valueMinor: t.valueMinor + r.valueMinor }), {
    orders: 0,
    quantity: 0,
    valueMinor: 0,
  });
  return { period: { from: b.from, to: b.to }, groupBy: f.groupBy, rows: out, totals };
}

export async function* exportSalesReport(actor: Actor, f: SalesReportFilter) {
  const r = await salesReport(actor, f);
  yield r.rows.map((x) => [r.groupBy, x.key, x.label || x.labelZh, x.orders, x.quantity, minorToDecimal(x.valueMinor)]);
}
