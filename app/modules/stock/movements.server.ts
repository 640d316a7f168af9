/**
 * The one way stock levels change: a conditional UPDATE of the level plus a
 * stock_movements row, in the caller's transaction. Levels always equal the
 * sum of their movements; available (on_hand − reserved) never goes negative.
 */
import { sql } from "kysely";
import type { Executor, Tx } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { DomainError, ValidationError } from "~/utils/errors";
import { keepAvailability } from "./stock.derived.server";

/** The largest on-hand (and reserved) a stock level holds: its columns are signed 32-bit INT. */
const MAX_LEVEL_QTY = 2_147_483_647;

export type MovementKind = "receipt" | "adjustment" | "reservation" | "release" | "shipment" | "import";

export class InsufficientStockError extends DomainError {
  constructor(
    readonly productId: number,
    readonly warehouseId: number,
  ) {
    super(409, "stock.insufficient");
  }
}

export type Movement = {
  productId: number;
  warehouseId: number;
  kind: MovementKind;
  onHandDelta?: number;
  reservedDelta?: number;
  reason?: string | null;
  refType?: string | null;
  refId?: string | number | null;
};

/**
 * Applies one movement. The level row is created at zero when missing. The
 * UPDATE only succeeds when the result keeps reserved ≥ 0 and on_hand ≥ reserved;
 * otherwise it changes nothing and throws InsufficientStockError (a 409, not a 500).
 */
export async function applyMovement(tx: Tx, actor: Actor, m: Movement): Promise<void> {
  const dOn = m.onHandDelta ?? 0;
  const dRes = m.reservedDelta ?? 0;
  if (!Number.isInteger(dOn) || !Number.isInteger(dRes)) throw new Error("stock deltas must be integers");
  if (dOn === 0 && dRes === 0) return;
  const update = async () => {
    const res = await tx
      .updateTable("stock_levels")
      .set((eb) => ({
        on_hand: eb("on_hand", "+", dOn),
        reserved: eb("reserved", "+", dRes),
        updated_at: new Date(),
      }))
      .where("product_id", "=", m.productId)
      .where("warehouse_id", "=", m.warehouseId)
      .where(sql<boolean>`reserved + ${dRes} >= 0`)
      .where(sql<boolean>`on_hand + ${dOn} >= reserved + ${dRes}`)
      .where(sql<boolean>`on_hand + ${dOn} <= ${MAX_LEVEL_QTY}`)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  };
  // UPDATE first: an INSERT IGNORE on an existing row takes a shared lock that
  // concurrent movements of the same level would each try to upgrade (deadlock).
  // Only when nothing matched is the level created (at zero) and the UPDATE tried
  // again; a second miss means the stock is not there.
  let updated = await update();
  let created = false;
  if (updated !== 1) {
    const ins = await sql`INSERT IGNORE INTO stock_levels (product_id, warehouse_id, on_hand, reserved, alert_eligible)
      SELECT ${m.productId}, ${m.warehouseId}, 0, 0, (status = 'active' AND made_to_order = 0) FROM products WHERE id = ${m.productId}`.execute(tx);
    created = Number(ins.numAffectedRows ?? 0) > 0;
    // A level created here (even if the movement then fails) gives its product a summary row.
    if (created) await keepAvailability(tx, [{ productId: m.productId, before: null, after: { onHand: 0, reserved: 0 } }]);
    updated = await update();
  }
  if (updated !== 1 && dOn > 0) {
    // More than the column holds (issue 20, F5): a validation error, not a 500 from the database.
    const lvl = await tx
      .selectFrom("stock_levels")
      .select("on_hand")
      .where("product_id", "=", m.productId)
      .where("warehouse_id", "=", m.warehouseId)
      .executeTakeFirst();
    if (lvl && lvl.on_hand + dOn > MAX_LEVEL_QTY) throw new ValidationError("stock.onHandTooLarge", undefined, { max: MAX_LEVEL_QTY - lvl.on_hand });
  }
  if (updated !== 1) throw new InsufficientStockError(m.productId, m.warehouseId);
  // product_availability moves when the level crossed zero available: the level as it is now
  // (this transaction holds its lock), and as it was before the deltas.
  const after = await tx
    .selectFrom("stock_levels")
    .select(["on_hand", "reserved"])
    .where("product_id", "=", m.productId)
    .where("warehouse_id", "=", m.warehouseId)
    .executeTakeFirstOrThrow();
  await keepAvailability(tx, [
    {
      productId: m.productId,
      before: { onHand: after.on_hand - dOn, reserved: after.reserved - dRes },
      after: { onHand: after.on_hand, reserved: after.reserved },
    },
  ]);
  await tx
    .insertInto("stock_movements")
    .values({
      product_id: m.productId,
      warehouse_id: m.warehouseId,
      kind: m.kind,
      on_hand_delta: dOn,
      reserved_delta: dRes,
      reason: m.reason ?? null,
      ref_type: m.refType ?? null,
      ref_id: m.refId === undefined || m.refId === null ? null : String(m.refId),
      actor_user_id: actor.userId,
    })
    .execute();
}

/**
 * Reserves up to `wanted` units (never more than available) with one
 * conditional UPDATE; returns how many were reserved (0 when none are free).
 * Safe under concurrency: two callers can never reserve the same unit.
 */
export async function reserveUpTo(
  tx: Tx,
  actor: Actor,
  p: { productId: number; warehouseId: number; wanted: number; refType: string; refId: string | number },
): Promise<number> {
  if (p.wanted <= 0) return 0;
  // Lock the level row, then take what is free.
  const level = await tx
    .selectFrom("stock_levels")
    .select(["on_hand", "reserved"])
    .where("product_id", "=", p.productId)
    .where("warehouse_id", "=", p.warehouseId)
    .forUpdate()
    .executeTakeFirst();
  if (!level) return 0;
  const take = Math.min(p.wanted, level.on_hand - level.reserved);
  if (take <= 0) return 0;
  await applyMovement(tx, actor, {
    productId: p.productId,
    warehouseId: p.warehouseId,
    kind: "reservation",
    reservedDelta: take,
    refType: p.refType,
    refId: p.refId,
  });
  return take;
}

/** Rows where a level differs from the sum of its movements, or availability is negative. */
export async function findStockInvariantViolations(db: Tx | import("kysely").Kysely<import("../../../db/types").DB>) {
  const mismatched = await sql<{ product_id: number; warehouse_id: number; on_hand: number; reserved: number; sum_on_hand: number; sum_reserved: number }>`
    SELECT l.product_id, l.warehouse_id, l.on_hand, l.reserved,
           COALESCE(m.sum_on_hand, 0) AS sum_on_hand, COALESCE(m.sum_reserved, 0) AS sum_reserved
    FROM stock_levels l
    LEFT JOIN (
      SELECT product_id, warehouse_id, SUM(on_hand_delta) AS sum_on_hand, SUM(reserved_delta) AS sum_reserved
      FROM stock_movements GROUP BY product_id, warehouse_id
    ) m ON m.product_id = l.product_id AND m.warehouse_id = l.warehouse_id
    WHERE l.on_hand <> COALESCE(m.sum_on_hand, 0) OR l.reserved <> COALESCE(m.sum_reserved, 0) OR l.on_hand < l.reserved OR l.reserved < 0`.execute(db);
  const orphans = await sql<{ product_id: number; warehouse_id: number }>`
    SELECT m.product_id, m.warehouse_id FROM stock_movements m
    LEFT JOIN stock_levels l ON l.product_id = m.product_id AND l.warehouse_id = m.warehouse_id
    WHERE l.product_id IS NULL GROUP BY m.product_id, m.warehouse_id`.execute(db);
  return {
    mismatched: mismatched.rows.map((r) => ({ ...r, sum_on_hand: Number(r.sum_on_hand), sum_reserved: Number(r.sum_reserved) })),
    orphans: orphans.rows,
  };
}

export type CountedLevel = { productId: number; warehouseId: number; onHand: number };
export type CountedLevelResult = { applied: number; movements: number; belowReserved: { index: number; reserved: number }[] };

/**
 * Set-based sibling of applyMovement for imports of counted stock: sets on_hand
 * of many levels at once (multi-row INSERT … ON DUPLICATE KEY UPDATE) and writes
 * one "import" movement per changed level (multi-row INSERT), in the caller's
 * transaction. The affected levels are locked first, so each delta is computed
 * against the value it replaces; levels stay equal to Σ movements. A count below
 * what is reserved is not applied and reported by index (the caller decides
 * whether that aborts the whole import).
 */
export async function setCountedLevels(
  tx: Tx,
  actor: Actor,
  rows: CountedLevel[],
  ref: { refType: string; refId: string | number; reason?: string | null },
): Promise<CountedLevelResult> {
  const result: CountedLevelResult = { applied: 0, movements: 0, belowReserved: [] };
  if (!rows.length) return result;
  for (const r of rows) if (!Number.isInteger(r.onHand) || r.onHand < 0) throw new Error("counted stock must be a whole number ≥ 0");
  const keys = new Set(rows.map((r) => `${r.productId}:${r.warehouseId}`));
  if (keys.size !== rows.length) throw new Error("each level may be counted once per batch");
  const productIds = [...new Set(rows.map((r) => r.productId))];
  const current = await tx
    .selectFrom("stock_levels")
    .select(["product_id", "warehouse_id", "on_hand", "reserved"])
    .where("product_id", "in", productIds)
    .orderBy("product_id")
    .orderBy("warehouse_id")
    .forUpdate()
    .execute();
  const byKey = new Map(current.map((c) => [`${c.product_id}:${c.warehouse_id}`, c]));
  const levels: { product_id: number; warehouse_id: number; on_hand: number; reserved: number }[] = [];
  const movements: {
    product_id: number;
    warehouse_id: number;
    kind: MovementKind;
    on_hand_delta: number;
    reserved_delta: number;
    reason: string | null;
    ref_type: string;
    ref_id: string;
    actor_user_id: number | null;
  }[] = [];
  rows.forEach((r, index) => {
    const cur = byKey.get(`${r.productId}:${r.warehouseId}`);
    const reserved = cur?.reserved ?? 0;
    if (r.onHand < reserved) {
      result.belowReserved.push({ index, reserved });
      return;
    }
    result.applied++;
    const delta = r.onHand - (cur?.on_hand ?? 0);
    if (delta === 0) return;
    levels.push({ product_id: r.productId, warehouse_id: r.warehouseId, on_hand: r.onHand, reserved });
    movements.push({
      product_id: r.productId,
      warehouse_id: r.warehouseId,
      kind: "import",
      on_hand_delta: delta,
      reserved_delta: 0,
      reason: ref.reason ?? null,
      ref_type: ref.refType,
      ref_id: String(ref.refId),
      actor_user_id: actor.userId,
    });
  });
  if (levels.length) {
    const stamp = new Date();
    await tx
      .insertInto("stock_levels")
      .values(levels.map((l) => ({ ...l, updated_at: stamp })))
      .onDuplicateKeyUpdate({ on_hand: sql`VALUES(on_hand)`, updated_at: stamp })
      .execute();
    await tx.insertInto("stock_movements").values(movements).execute();
    await keepAvailability(
      tx,
      levels.map((l) => {
        const cur = byKey.get(`${l.product_id}:${l.warehouse_id}`);
        return {
          productId: l.product_id,
          before: cur ? { onHand: cur.on_hand, reserved: cur.reserved } : null,
          after: { onHand: l.on_hand, reserved: l.reserved },
        };
      }),
    );
    await syncAlertEligible(tx, [...new Set(levels.map((l) => l.product_id))]);
    result.movements = movements.length;
  }
  return result;
}

/**
 * stock_levels.alert_eligible: the level's product is active and stocked (not made to
 * order), so the order desk's low-stock alert counts one index range. Kept by every
 * write of a product's status or made-to-order flag and of new levels, in their
 * transaction; findAlertFlagMismatches recomputes it for db:check.
 */
export async function syncAlertEligible(tx: Executor, productIds: number[]) {
  if (!productIds.length) return;
  await sql`UPDATE stock_levels s JOIN products p ON p.id = s.product_id
            SET s.alert_eligible = (p.status = 'active' AND p.made_to_order = 0)
            WHERE s.product_id IN (${sql.join(productIds)}) AND s.alert_eligible <> (p.status = 'active' AND p.made_to_order = 0)`.execute(tx);
}
