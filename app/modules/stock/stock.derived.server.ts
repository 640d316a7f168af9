/**
 * Derived figures of stock (app/utils/derived.ts).
 *
 * - product_availability: per product, in how many warehouses it has stock available now
 *   (on hand > reserved); the stock page's "available now" filter reads it (docs/decisions/079,
 *   111). Kept by keepAvailability(), which every writer of stock levels calls in its
 *   transaction with the levels it changed (applyMovement, setCountedLevels, seed, factories).
 * - stock_levels.alert_eligible: the level's product is active and stocked; kept by
 *   syncAlertEligible() (movements.server.ts) on every write of a product's status or
 *   made-to-order flag and of new levels.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { DerivedFigure } from "~/utils/derived";

type Level = { onHand: number; reserved: number };
/** A level as it was before a write (null: the write created it) and as it is after. */
export type LevelChange = { productId: number; before: Level | null; after: Level };

const stocked = (l: Level | null) => (l && l.onHand > l.reserved ? 1 : 0);

/**
 * The one way product_availability changes. A product's count only moves when one of its
 * levels crosses zero available, so most movements write nothing and lock nothing; a new level
 * makes sure its product has a row. Rows are written in product order (one multi-row upsert),
 * so concurrent writers lock them in the same order.
 */
export async function keepAvailability(tx: Executor, changes: readonly LevelChange[]): Promise<void> {
  const delta = new Map<number, number>();
  for (const c of changes) {
    const d = stocked(c.after) - stocked(c.before);
    if (d !== 0 || c.before === null) delta.set(c.productId, (delta.get(c.productId) ?? 0) + d);
  }
  if (!delta.size) return;
  const rows = [...delta].sort((a, b) => a[0] - b[0]);
  await sql`INSERT INTO product_availability (product_id, stocked_warehouses)
            VALUES ${sql.join(rows.map(([p, d]) => sql`(${p}, ${d})`))}
            ON DUPLICATE KEY UPDATE stocked_warehouses = stocked_warehouses + VALUES(stocked_warehouses)`.execute(tx);
}

/** product_availability from the levels alone, for every product (or some). */
export async function recomputeAvailability(db: Executor, productIds?: number[]): Promise<void> {
  if (productIds && !productIds.length) return;
  const only = productIds ? sql`WHERE product_id IN (${sql.join(productIds)})` : sql``;
  await sql`DELETE FROM product_availability ${only}`.execute(db);
  await sql`INSERT INTO product_availability (product_id, stocked_warehouses)
            SELECT product_id, SUM(on_hand > reserved) FROM stock_levels ${only} GROUP BY product_id`.execute(db);
}

/** stock_levels.alert_eligible from the products alone. */
export async function recomputeAlertFlags(db: Executor): Promise<void> {
  await sql`UPDATE stock_levels s JOIN products p ON p.id = s.product_id
            SET s.alert_eligible = (p.status = 'active' AND p.made_to_order = 0)
            WHERE s.alert_eligible <> (p.status = 'active' AND p.made_to_order = 0)`.execute(db);
}

export async function findAlertFlagMismatches(db: Executor): Promise<Record<string, unknown>[]> {
  const r = await sql<Record<string, unknown>>`
    SELECT s.product_id, s.warehouse_id, s.alert_eligible, 'alert flag differs from the product (active and stocked)' AS problem
    FROM stock_levels s JOIN products p ON p.id = s.product_id
    WHERE s.alert_eligible <> (p.status = 'active' AND p.made_to_order = 0)
    LIMIT 100`.execute(db);
  return r.rows;
}

/**
 * Products whose availability summary (product_availability, kept by
 * keepAvailability) differs from counting their levels with stock available now.
 */
export async function findAvailabilitySummaryMismatches(db: Executor): Promise<{ product_id: number; summary: number | null; counted: number | null }[]> {
  const { rows } = await sql<{ product_id: number; summary: number | null; counted: number | null }>`
    SELECT x.product_id, pa.stocked_warehouses AS summary, c.counted
    FROM (SELECT product_id FROM product_availability UNION SELECT DISTINCT product_id FROM stock_levels) x
    LEFT JOIN product_availability pa ON pa.product_id = x.product_id
    LEFT JOIN (SELECT product_id, SUM(on_hand > reserved) AS counted FROM stock_levels GROUP BY product_id) c ON c.product_id = x.product_id
    WHERE NOT (COALESCE(pa.stocked_warehouses, 0) <=> COALESCE(c.counted, 0)) OR (pa.product_id IS NULL AND c.counted IS NOT NULL)`.execute(db);
  return rows.map((r) => ({
    product_id: Number(r.product_id),
    summary: r.summary === null ? null : Number(r.summary),
    counted: r.counted === null ? null : Number(r.counted),
  }));
}

export const DERIVED: DerivedFigure[] = [
  {
    name: "product availability: each product's count of warehouses with stock available equals counting its levels",
    table: "product_availability",
    inputs: ["stock_levels"],
    recompute: (db) => recomputeAvailability(db),
    compare: findAvailabilitySummaryMismatches,
  },
  {
    name: "stock levels: the low-stock alert flag matches the product (active and stocked)",
    table: "stock_levels.alert_eligible",
    inputs: ["products", "stock_levels"],
    recompute: recomputeAlertFlags,
    compare: findAlertFlagMismatches,
  },
];
