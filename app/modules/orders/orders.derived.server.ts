/**
 * Derived figures of orders (app/utils/derived.ts), each kept by one function here that the
 * order commands call in their transaction (and the seed and test factories call when they write
 * orders), recomputed from the orders by invariants.server.ts:
 *
 * - orders.ordered_qty, on_promise_qty, first/last_shipped_on, shipped_value_minor: the order's
 *   fulfilment figures (docs/decisions/009), kept by writeLines and every shipment;
 *   recomputeOrderKpis for some orders;
 * - dealer_daily_kpis (with order_kpi_contributions): syncOrderKpis;
 * - dealer_order_counts: moveOrderCount;
 * - dealer_monthly_figures: addMonthlyFigures.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { DerivedFigure } from "~/utils/derived";
import { env } from "~/utils/env.server";
import { now, tzOffset, type IsoDate } from "~/utils/time";
import {
  findDailyKpiMismatches,
  findMonthlyFigureMismatches,
  findOrderCountMismatches,
  findOrderKpiMismatches,
  recomputeDailyKpis,
  recomputeMonthlyFigures,
  recomputeOrderCounts,
  recomputeOrderKpis,
} from "./invariants.server";
import { orderKpiContributionsSql } from "./kpi-sql";
import type { LockedOrder } from "./orders.queries.server";
import type { OrderStatus } from "./state";

export { recomputeOrderKpis };

type Contribution = {
  dealer_id: number;
  fill_day: string | null;
  ordered_qty: number;
  on_promise_qty: number;
  done_day: string | null;
  on_time: number;
  ship_day: string | null;
  ship_days: number;
};
type DayDelta = { ordered_qty: number; on_promise_qty: number; completed: number; on_time: number; first_shipped: number; ship_days: number };

/**
 * dealer_daily_kpis (docs/decisions/074): moves an order's contribution to its dealer's daily KPI
 * rows from what it added last time (order_kpi_contributions) to what it adds now. Called after
 * every change that can alter it (submission, status change, shipment figures, promise change), in
 * the same transaction; calling it again changes nothing. findDailyKpiMismatches recomputes it.
 */
export async function syncOrderKpis(tx: Executor, orderId: number) {
  if (!Number.isSafeInteger(orderId)) throw new Error("order id");
  const offset = tzOffset(env().BUSINESS_TZ, now());
  const cur = (await sql<Contribution>`${sql.raw(orderKpiContributionsSql(offset, `o.id = ${orderId}`))}`.execute(tx)).rows[0];
  if (!cur) return;
  const prev = await tx.selectFrom("order_kpi_contributions").selectAll().where("order_id", "=", orderId).executeTakeFirst();
  const days = new Map<string, DayDelta>();
  const at = (day: string) => {
    let d = days.get(day);
    if (!d) days.set(day, (d = { ordered_qty: 0, on_promise_qty: 0, completed: 0, on_time: 0, first_shipped: 0, ship_days: 0 }));
    return d;
  };
  const apply = (c: Contribution, sign: 1 | -1) => {
    if (c.fill_day) {
      at(c.fill_day).ordered_qty += sign * Number(c.ordered_qty);
      at(c.fill_day).on_promise_qty += sign * Number(c.on_promise_qty);
    }
    if (c.done_day) {
      at(c.done_day).completed += sign;
      at(c.done_day).on_time += sign * Number(c.on_time);
    }
    if (c.ship_day) {
      at(c.ship_day).first_shipped += sign;
      at(c.ship_day).ship_days += sign * Number(c.ship_days);
    }
  };
  if (prev) apply(prev, -1);
  apply(cur, 1);
  for (const [day, d] of days) {
    if (Object.values(d).every((v) => v === 0)) continue;
    await sql`INSERT INTO dealer_daily_kpis (dealer_id, day, ordered_qty, on_promise_qty, completed, on_time, first_shipped, ship_days)
              VALUES (${cur.dealer_id}, ${day}, ${d.ordered_qty}, ${d.on_promise_qty}, ${d.completed}, ${d.on_time}, ${d.first_shipped}, ${d.ship_days})
              ON DUPLICATE KEY UPDATE ordered_qty = ordered_qty + VALUES(ordered_qty), on_promise_qty = on_promise_qty + VALUES(on_promise_qty),
                completed = completed + VALUES(completed), on_time = on_time + VALUES(on_time),
                first_shipped = first_shipped + VALUES(first_shipped), ship_days = ship_days + VALUES(ship_days)`.execute(tx);
  }
  if (days.size || !prev) {
    const row = {
      dealer_id: cur.dealer_id,
      fill_day: cur.fill_day,
      ordered_qty: Number(cur.ordered_qty),
      on_promise_qty: Number(cur.on_promise_qty),
      done_day: cur.done_day,
      on_time: Number(cur.on_time),
      ship_day: cur.ship_day,
      ship_days: Number(cur.ship_days),
    };
    await tx
      .insertInto("order_kpi_contributions")
      .values({ order_id: orderId, ...row })
      .onDuplicateKeyUpdate(row)
      .execute();
  }
}

type CountKey = { status: OrderStatus; numbered: boolean };
/**
 * dealer_order_counts (docs/decisions/073): orders per dealer, status and numbered-or-not, kept in
 * the transaction of every insert, submission, status change and draft deletion; the order list's
 * total reads it. findOrderCountMismatches recomputes it for db:check.
 */
export async function moveOrderCount(tx: Executor, dealerId: number, from: CountKey | null, to: CountKey | null) {
  if (from && to && from.status === to.status && from.numbered === to.numbered) return;
  if (from)
    await sql`UPDATE dealer_order_counts SET n = n - 1 WHERE dealer_id = ${dealerId} AND status = ${from.status} AND numbered = ${from.numbered ? 1 : 0}`.execute(
      tx,
    );
  if (to) {
    await sql`INSERT INTO dealer_order_counts (dealer_id, status, numbered, n) VALUES (${dealerId}, ${to.status}, ${to.numbered ? 1 : 0}, 1)
              ON DUPLICATE KEY UPDATE n = n + 1`.execute(tx);
  }
}

/**
 * dealer_monthly_figures: value ordered (by business month of submission) and shipped (by ship
 * month) per dealer, kept here in the transaction of each submission, status change and shipment;
 * findMonthlyFigureMismatches recomputes it for db:check.
 */
export async function addMonthlyFigures(tx: Executor, dealerId: number, month: string, d: { orderedMinor?: number; shippedMinor?: number }) {
  const o = d.orderedMinor ?? 0;
  const s = d.shippedMinor ?? 0;
  if (o === 0 && s === 0) return;
  await sql`INSERT INTO dealer_monthly_figures (dealer_id, month, ordered_minor, shipped_minor) VALUES (${dealerId}, ${month}, ${o}, ${s})
            ON DUPLICATE KEY UPDATE ordered_minor = ordered_minor + VALUES(ordered_minor), shipped_minor = shipped_minor + VALUES(shipped_minor)`.execute(tx);
}

/**
 * dealer_purchase_days: what the dealer bought per ship day and product (quantity and value at the order lines'
 * prices), the purchases the sell-out cost reads (decision 144). Kept here in the shipment's transaction; replacement
 * orders of service cases carry no price and are no purchase (decision 136).
 */
export async function keepPurchaseDays(
  tx: Executor,
  order: Pick<LockedOrder, "dealer_id" | "service_case_id">,
  shippedOn: IsoDate,
  lines: readonly { productId: number; quantity: number; unitPriceMinor: number }[],
) {
  if (order.service_case_id !== null) return;
  const byProduct = new Map<number, { quantity: number; value: number }>();
  for (const l of lines) {
    const p = byProduct.get(l.productId) ?? { quantity: 0, value: 0 };
    p.quantity += l.quantity;
    p.value += l.quantity * l.unitPriceMinor;
    byProduct.set(l.productId, p);
  }
  if (!byProduct.size) return;
  const rows = [...byProduct].sort((a, b) => a[0] - b[0]);
  await sql`INSERT INTO dealer_purchase_days (dealer_id, shipped_on, product_id, quantity, value_minor)
            VALUES ${sql.join(rows.map(([productId, p]) => sql`(${order.dealer_id}, ${shippedOn}, ${productId}, ${p.quantity}, ${p.value})`))}
            ON DUPLICATE KEY UPDATE quantity = quantity + VALUES(quantity), value_minor = value_minor + VALUES(value_minor)`.execute(tx);
}

const PURCHASES_FROM_SHIPMENTS = sql`
  SELECT sh.dealer_id, sh.shipped_on, ol.product_id, SUM(sl.quantity) AS quantity, SUM(ol.unit_price_minor * sl.quantity) AS value_minor
  FROM shipments sh
  JOIN shipment_lines sl ON sl.shipment_id = sh.id
  JOIN order_lines ol ON ol.id = sl.order_line_id
  JOIN orders o ON o.id = sh.order_id
  WHERE o.service_case_id IS NULL
  GROUP BY sh.dealer_id, sh.shipped_on, ol.product_id`;

export async function recomputePurchaseDays(db: Executor): Promise<void> {
  await sql`DELETE FROM dealer_purchase_days`.execute(db);
  await sql`INSERT INTO dealer_purchase_days (dealer_id, shipped_on, product_id, quantity, value_minor) ${PURCHASES_FROM_SHIPMENTS}`.execute(db);
}

async function findPurchaseDayMismatches(db: Executor): Promise<unknown[]> {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT k.dealer_id, k.shipped_on, k.product_id, d.quantity, d.value_minor, w.quantity AS want_quantity, w.value_minor AS want_value_minor
    FROM (SELECT dealer_id, shipped_on, product_id FROM dealer_purchase_days
          UNION SELECT dealer_id, shipped_on, product_id FROM (${PURCHASES_FROM_SHIPMENTS}) w0) k
    LEFT JOIN dealer_purchase_days d ON d.dealer_id = k.dealer_id AND d.shipped_on = k.shipped_on AND d.product_id = k.product_id
    LEFT JOIN (${PURCHASES_FROM_SHIPMENTS}) w ON w.dealer_id = k.dealer_id AND w.shipped_on = k.shipped_on AND w.product_id = k.product_id
    WHERE NOT (d.quantity <=> w.quantity) OR NOT (d.value_minor <=> w.value_minor)
    LIMIT 100`.execute(db);
  return rows.map((r) => ({ ...r, problem: "purchases per day differ from the shipments" }));
}

/** Statuses whose orders are not in the dealer's ordered value (dealer_monthly_figures, the dashboard trend). */
export const NOT_ORDERED: readonly OrderStatus[] = ["draft", "cancelled", "rejected"];

export const DERIVED: DerivedFigure[] = [
  {
    name: "orders: maintained fulfilment figures (ordered, shipped on first promise, first and last ship date) equal their recomputation",
    table: "orders.ordered_qty, orders.on_promise_qty, orders.first_shipped_on, orders.last_shipped_on, orders.shipped_value_minor",
    inputs: ["order_lines", "shipments", "shipment_lines", "order_date_changes"],
    recompute: (db) => recomputeOrderKpis(db),
    compare: (db) => findOrderKpiMismatches(db),
  },
  {
    name: "dealer purchases per ship day and product (quantity and value, replacements left out) equal their shipments",
    table: "dealer_purchase_days",
    inputs: ["shipments", "shipment_lines", "order_lines", "orders"],
    recompute: recomputePurchaseDays,
    compare: findPurchaseDayMismatches,
  },
  {
    name: "dealer monthly figures (ordered and shipped value per month) equal their recomputation",
    table: "dealer_monthly_figures",
    inputs: ["orders", "shipments"],
    recompute: recomputeMonthlyFigures,
    compare: findMonthlyFigureMismatches,
  },
  {
    // After the fulfilment figures: the contributions read them.
    name: "dealer daily KPI sums (fill rate, on-time delivery, days to ship) equal their recomputation from the orders",
    table: "dealer_daily_kpis, order_kpi_contributions",
    inputs: ["orders"],
    recompute: recomputeDailyKpis,
    compare: findDailyKpiMismatches,
  },
  {
    name: "dealer order counts (per status, numbered or not) equal counting the orders",
    table: "dealer_order_counts",
    inputs: ["orders"],
    recompute: recomputeOrderCounts,
    compare: findOrderCountMismatches,
  },
];

/**
 * The order's maintained fulfilment figures (docs/decisions/008-kpi-definitions.md), in the
 * shipment's transaction: first and last ship date, value shipped, and the quantity shipped on or before each
 * line's first promise (the old date of its earliest date change, else its promise date, else
 * the order's promised, else its requested date). recomputeOrderKpis is the same from scratch.
 */
export async function keepFulfilmentFigures(tx: Executor, order: LockedOrder, shipped: Map<number, number>, shippedOn: IsoDate, valueMinor: number) {
  const firsts = await tx
    .selectFrom("order_lines as l")
    .select(["l.id", "l.promise_date"])
    .select((eb) =>
      eb
        .selectFrom("order_date_changes as c")
        .select("c.old_date")
        .whereRef("c.order_line_id", "=", "l.id")
        .where("c.old_date", "is not", null)
        .orderBy("c.created_at")
        .orderBy("c.id")
        .limit(1)
        .as("first_old"),
    )
    .where("l.id", "in", [...shipped.keys()])
    .execute();
  let onPromise = 0;
  for (const l of firsts) {
    const first = l.first_old ?? l.promise_date ?? order.promised_date ?? order.requested_date;
    if (first !== null && shippedOn <= first) onPromise += shipped.get(l.id) ?? 0;
  }
  await tx
    .updateTable("orders")
    .set((eb) => ({
      on_promise_qty: eb("on_promise_qty", "+", onPromise),
      shipped_value_minor: eb("shipped_value_minor", "+", valueMinor),
      first_shipped_on: sql<string>`CASE WHEN first_shipped_on IS NULL OR first_shipped_on > ${shippedOn} THEN ${shippedOn} ELSE first_shipped_on END`,
      last_shipped_on: sql<string>`CASE WHEN last_shipped_on IS NULL OR last_shipped_on < ${shippedOn} THEN ${shippedOn} ELSE last_shipped_on END`,
    }))
    .where("id", "=", order.id)
    .execute();
  await addMonthlyFigures(tx, order.dealer_id, shippedOn.slice(0, 7), { shippedMinor: valueMinor });
}
