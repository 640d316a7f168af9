/**
 * The sell-out a promotion rebate is paid on (decision 142): a dealer's reported revenue of some products in
 * the periods that end between two business dates — each reported line, and each correction recorded
 * after its period closed (a correction counts in the run after it was recorded only if that run's window
 * holds the period: a rebate already posted is never recomputed). Used by app/modules/promotions/rebates.server.ts.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { IsoDate } from "~/utils/time";

export type SelloutBasisRow = {
  sourceType: "sellout_line" | "sellout_correction";
  sourceId: number;
  dealerId: number;
  productId: number;
  quantity: number;
  amountMinor: number;
};

export async function selloutBasisRows(ex: Executor, p: { productIds: number[]; from: IsoDate; to: IsoDate }): Promise<SelloutBasisRow[]> {
  if (!p.productIds.length || p.to < p.from) return [];
  const r = await sql<{ source_type: string; source_id: number; dealer_id: number; product_id: number; quantity: number; amount: string | number }>`
    SELECT 'sellout_line' AS source_type, l.id AS source_id, l.dealer_id, l.product_id, l.units_sold AS quantity, l.revenue_minor AS amount
    FROM sellout_lines l JOIN sellout_periods sp ON sp.id = l.period_id
    WHERE l.product_id IN (${sql.join(p.productIds)}) AND sp.ends_on BETWEEN ${p.from} AND ${p.to}
    UNION ALL
    SELECT 'sellout_correction', c.id, c.dealer_id, c.product_id, c.delta_units_sold, c.delta_revenue_minor
    FROM sellout_corrections c JOIN sellout_periods sp ON sp.id = c.period_id
    WHERE c.product_id IN (${sql.join(p.productIds)}) AND sp.ends_on BETWEEN ${p.from} AND ${p.to}
      AND (c.delta_revenue_minor <> 0 OR c.delta_units_sold <> 0)`.execute(ex);
  return r.rows.map((x) => ({
    sourceType: x.source_type as SelloutBasisRow["sourceType"],
    sourceId: Number(x.source_id),
    dealerId: Number(x.dealer_id),
    productId: Number(x.product_id),
    quantity: Number(x.quantity),
    amountMinor: Number(x.amount),
  }));
}
