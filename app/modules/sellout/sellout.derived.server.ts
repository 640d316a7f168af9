/**
 * Derived figures of sell-out (app/utils/derived.ts; docs/decisions/144-sellout-period-figures.md).
 *
 * sellout_period_figures: per period, the sums the dealer-profit measures read (decisions 137, 139) — units and
 * revenue sold, our and the all-brand revenue of the categories that have both, twice the unit-days on hand, the
 * cost of the units sold at the dealer's average purchase price over the 12 months to the period's end (apart: at
 * the tier or list price for SKUs it did not buy) — so that a page reads one row per period instead of aggregating
 * its sell-out lines. The one way it changes is `restatePeriods`, which every writer of its inputs calls in its
 * transaction:
 *
 * - a sell-out write (line, stock, category total, correction, import, close) restates the period and the one that
 *   follows it (whose opening stock is this one's closing): `restateAfterSelloutWrite`;
 * - a shipment restates the dealer's periods whose purchase window holds its date: `restateAfterShipment`;
 * - a change of the catalog (a product's category or price) or of the dealer's tier is not restated at once: the
 *   row records the catalog version and tier it was priced with, and the hourly `sellout-figures` job restates the
 *   rows whose catalog or tier has moved since (`restatePending`), as it computes the periods that have no row yet.
 *
 * `compare` (db:check) recomputes every period and reports the rows that differ; of a row waiting for the job (priced
 * with an older catalog version or another tier) it compares only what no catalog change moves.
 */
import { sql } from "kysely";
import type { Executor } from "../../../db/client";
import type { DerivedFigure } from "~/utils/derived";
import { now, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { categoryTotals, onHandSums, salesByCategory, salesUnion } from "./measures.queries.server";

const num = (v: unknown) => Number(v ?? 0);
const dayCount = (p: { starts_on: IsoDate; ends_on: IsoDate }) => Math.round((Date.parse(p.ends_on) - Date.parse(p.starts_on)) / 86_400_000) + 1;

/** The figures of one period, as stored. */
export type PeriodFigureRow = {
  periodId: number;
  dealerId: number;
  endsOn: IsoDate;
  unitsSold: number;
  revenueMinor: number;
  shareOursMinor: number;
  shareTotalMinor: number;
  unitDays2: number;
  costBoughtMinor: number;
  costListMinor: number;
  skusListPriced: number;
  pricedTier: string;
  catalogVersion: number;
};

type PeriodInput = { id: number; dealer_id: number; starts_on: IsoDate; ends_on: IsoDate; tier: string };

async function catalogVersion(ex: Executor): Promise<number> {
  const r = await ex.selectFrom("catalog_version").select("version").where("id", "=", 1).executeTakeFirst();
  return num(r?.version);
}

/**
 * The cost of one period's units sold per SKU: each SKU at the dealer's average purchase price over the 12 months
 * ending with the period (shipments dated in (end − 12 months, end], replacement orders of service cases left out),
 * else at its price in the dealer's tier (else list price) — counted apart (decision 139). One row per SKU sold in
 * the period (units, revenue, `bought`, `listed`, `list_priced`); the period's figure sums them (`costOfPeriod`),
 * the margin per category groups them by the product's category (decision 145), so both round alike.
 */
function costPerSku(p: PeriodInput) {
  return sql`(
    SELECT s.product_id, s.units, s.revenue,
      CASE WHEN COALESCE(pm.qty, 0) > 0 THEN ROUND(s.units * pm.val / pm.qty) ELSE 0 END AS bought,
      CASE WHEN COALESCE(pm.qty, 0) > 0 THEN 0 ELSE s.units * s.fallback END AS listed,
      CASE WHEN COALESCE(pm.qty, 0) > 0 OR s.units = 0 THEN 0 ELSE 1 END AS list_priced
    FROM (
      SELECT x.product_id, SUM(x.units) AS units, SUM(x.revenue) AS revenue, COALESCE(MAX(tp.price_minor), MAX(pr.list_price_minor)) AS fallback
      FROM ${salesUnion([p.id])} x
      JOIN products pr ON pr.id = x.product_id
      LEFT JOIN product_tier_prices tp ON tp.product_id = x.product_id AND tp.tier = ${p.tier}
      GROUP BY x.product_id
    ) s
    LEFT JOIN (
      SELECT product_id, SUM(value_minor) AS val, SUM(quantity) AS qty
      FROM dealer_purchase_days
      WHERE dealer_id = ${p.dealer_id} AND shipped_on > DATE_SUB(${p.ends_on}, INTERVAL 12 MONTH) AND shipped_on <= ${p.ends_on}
      GROUP BY product_id
    ) pm ON pm.product_id = s.product_id)`;
}

async function costOfPeriod(ex: Executor, p: PeriodInput) {
  const r = await sql<{ bought: unknown; listed: unknown; list_priced: unknown }>`
    SELECT SUM(c.bought) AS bought, SUM(c.listed) AS listed, SUM(c.list_priced) AS list_priced FROM ${costPerSku(p)} c`.execute(ex);
  const row = r.rows[0];
  return { bought: num(row?.bought), listed: num(row?.listed), listPriced: num(row?.list_priced) };
}

/** Per period and category of the products sold (category as the catalog holds it now): revenue and cost, as `costOfPeriod` costs them. */
export type CategoryCostRow = { periodId: number; category: string; unitsSold: number; revenueMinor: number; costMinor: number; skusListPriced: number };

/**
 * The periods' sell-out split by `products.category_code` (decision 145: the margin per category), computed on read
 * from the SKU rows — one statement per period, its purchase window being its own. Σ over a period's categories of
 * revenue and cost equals its stored figure (`revenue_minor`, `cost_bought_minor + cost_list_minor`) whenever that
 * row is priced with the current catalog.
 */
export async function categoryCosts(ex: Executor, periodIds: readonly number[]): Promise<CategoryCostRow[]> {
  const periods = await periodInputs(ex, [...new Set(periodIds)], false);
  // One statement per period (each reads its own 12-month purchase window), run side by side.
  const perPeriod = await Promise.all(
    periods.map(async (p) => {
      const r = await sql<{ category_code: string; units: unknown; revenue: unknown; bought: unknown; listed: unknown; list_priced: unknown }>`
        SELECT pr.category_code, SUM(c.units) AS units, SUM(c.revenue) AS revenue, SUM(c.bought) AS bought, SUM(c.listed) AS listed,
          SUM(c.list_priced) AS list_priced
        FROM ${costPerSku(p)} c JOIN products pr ON pr.id = c.product_id
        GROUP BY pr.category_code`.execute(ex);
      return r.rows.map((x) => ({
        periodId: p.id,
        category: x.category_code,
        unitsSold: num(x.units),
        revenueMinor: num(x.revenue),
        costMinor: num(x.bought) + num(x.listed),
        skusListPriced: num(x.list_priced),
      }));
    }),
  );
  return perPeriod.flat();
}

/** The figures of the given periods computed from their inputs (nothing written). */
async function computeFigures(ex: Executor, periods: readonly PeriodInput[], version: number): Promise<PeriodFigureRow[]> {
  if (!periods.length) return [];
  const ids = periods.map((p) => p.id);
  const previous = await sql<{ id: number }>`
    SELECT pp.id FROM sellout_periods p
    JOIN sellout_periods pp ON pp.dealer_id = p.dealer_id AND pp.ends_on = DATE_SUB(p.starts_on, INTERVAL 1 DAY)
    WHERE p.id IN (${sql.join(ids)})`.execute(ex);
  const [sales, totals, stock] = await Promise.all([
    salesByCategory(ex, ids),
    categoryTotals(ex, ids),
    onHandSums(
      ex,
      ids,
      previous.rows.map((r) => Number(r.id)),
    ),
  ]);
  const out = new Map<number, PeriodFigureRow>(
    periods.map((p) => [
      p.id,
      {
        periodId: p.id,
        dealerId: p.dealer_id,
        endsOn: p.ends_on,
        unitsSold: 0,
        revenueMinor: 0,
        shareOursMinor: 0,
        shareTotalMinor: 0,
        unitDays2: 0,
        costBoughtMinor: 0,
        costListMinor: 0,
        skusListPriced: 0,
        pricedTier: p.tier,
        catalogVersion: version,
      },
    ]),
  );
  const totalOf = new Map(totals.map((t) => [`${t.periodId}:${t.category}`, t.totalMinor]));
  for (const s of sales) {
    const f = out.get(s.periodId)!;
    f.unitsSold += s.units;
    f.revenueMinor += s.revenueMinor;
    const total = totalOf.get(`${s.periodId}:${s.category}`);
    if (total !== undefined) {
      f.shareOursMinor += s.revenueMinor;
      f.shareTotalMinor += total;
    }
  }
  const byId = new Map(periods.map((p) => [p.id, p]));
  for (const s of stock) out.get(s.periodId)!.unitDays2 += s.oh2 * dayCount(byId.get(s.periodId)!);
  // One statement per period: its purchase window is its own (a range join across periods cannot use an index).
  for (const p of periods) {
    const c = await costOfPeriod(ex, p);
    const f = out.get(p.id)!;
    f.costBoughtMinor = c.bought;
    f.costListMinor = c.listed;
    f.skusListPriced = c.listPriced;
  }
  return [...out.values()];
}

async function periodInputs(ex: Executor, periodIds: readonly number[], lock: boolean): Promise<PeriodInput[]> {
  if (!periodIds.length) return [];
  // The periods' own rows are locked (not the dealers'): sell-out writers lock them too, in the same order.
  if (lock)
    await ex
      .selectFrom("sellout_periods")
      .select("id")
      .where("id", "in", [...periodIds])
      .orderBy("dealer_id")
      .orderBy("ends_on")
      .forUpdate()
      .execute();
  return ex
    .selectFrom("sellout_periods as p")
    .innerJoin("organisations as o", "o.id", "p.dealer_id")
    .select(["p.id", "p.dealer_id", "p.starts_on", "p.ends_on", "o.tier"])
    .where("p.id", "in", [...periodIds])
    .orderBy("p.dealer_id")
    .orderBy("p.ends_on")
    .execute();
}

async function writeFigures(ex: Executor, rows: readonly PeriodFigureRow[]) {
  if (!rows.length) return;
  const at = now();
  await ex
    .insertInto("sellout_period_figures")
    .values(
      rows.map((f) => ({
        period_id: f.periodId,
        dealer_id: f.dealerId,
        ends_on: f.endsOn,
        units_sold: f.unitsSold,
        revenue_minor: f.revenueMinor,
        share_ours_minor: f.shareOursMinor,
        share_total_minor: f.shareTotalMinor,
        unit_days2: f.unitDays2,
        cost_bought_minor: f.costBoughtMinor,
        cost_list_minor: f.costListMinor,
        skus_list_priced: f.skusListPriced,
        priced_tier: f.pricedTier,
        catalog_version: f.catalogVersion,
        computed_at: at,
      })),
    )
    .onDuplicateKeyUpdate({
      dealer_id: sql`VALUES(dealer_id)`,
      ends_on: sql`VALUES(ends_on)`,
      units_sold: sql`VALUES(units_sold)`,
      revenue_minor: sql`VALUES(revenue_minor)`,
      share_ours_minor: sql`VALUES(share_ours_minor)`,
      share_total_minor: sql`VALUES(share_total_minor)`,
      unit_days2: sql`VALUES(unit_days2)`,
      cost_bought_minor: sql`VALUES(cost_bought_minor)`,
      cost_list_minor: sql`VALUES(cost_list_minor)`,
      skus_list_priced: sql`VALUES(skus_list_priced)`,
      priced_tier: sql`VALUES(priced_tier)`,
      catalog_version: sql`VALUES(catalog_version)`,
      computed_at: sql`VALUES(computed_at)`,
    })
    .execute();
}

/**
 * The one way sellout_period_figures changes: recomputes the given periods from their inputs and stores them.
 * Called in the transaction that changed the inputs; it locks the periods' rows (dealer, then period end: one order
 * for every writer) so that two writers of neighbouring periods or a shipment cannot store a figure computed
 * without the other's change. The catalog version is read before the prices, so a catalog change committed
 * meanwhile leaves the row marked for the job, never silently stale.
 */
export async function restatePeriods(ex: Executor, periodIds: readonly number[]): Promise<void> {
  const periods = await periodInputs(ex, [...new Set(periodIds)], true);
  if (!periods.length) return;
  const version = await catalogVersion(ex);
  await writeFigures(ex, await computeFigures(ex, periods, version));
}

/** After a write of a period's sell-out: the period and the dealer's period that follows it (its opening stock). */
export async function restateAfterSelloutWrite(tx: Executor, periodId: number): Promise<void> {
  const next = await sql<{ id: number }>`
    SELECT n.id FROM sellout_periods p
    JOIN sellout_periods n ON n.dealer_id = p.dealer_id AND n.starts_on = DATE_ADD(p.ends_on, INTERVAL 1 DAY)
    WHERE p.id = ${periodId}`.execute(tx);
  await restatePeriods(tx, [periodId, ...next.rows.map((r) => Number(r.id))]);
}

/**
 * While a long write runs in several transactions (an import in chunks): the period's figures and those of the
 * period that follows it are removed in each chunk's transaction, so that until the write restates them at its end
 * (or, should it stop midway, until a reader or the job computes them) no figure stands for rows it has not seen.
 */
export async function forgetFigures(tx: Executor, periodId: number): Promise<void> {
  await sql`DELETE f FROM sellout_period_figures f JOIN sellout_periods p ON p.id = ${periodId}
    JOIN sellout_periods n ON n.id = f.period_id
    WHERE n.id = p.id OR (n.dealer_id = p.dealer_id AND n.starts_on = DATE_ADD(p.ends_on, INTERVAL 1 DAY))`.execute(tx);
}

/**
 * After a shipment to the dealer dated `shippedOn`: its periods whose purchase window (end − 12 months, end] holds
 * the date (a month more is taken, so month-end arithmetic never misses one). A shipment dated today touches only
 * periods not yet ended, which seldom have a report: usually nothing is restated.
 */
export async function restateAfterShipment(tx: Executor, dealerId: number, shippedOn: IsoDate): Promise<void> {
  const rows = await tx
    .selectFrom("sellout_periods")
    .select("id")
    .where("dealer_id", "=", dealerId)
    .where("ends_on", ">=", shippedOn)
    .where("ends_on", "<=", sql<IsoDate>`DATE_ADD(${shippedOn}, INTERVAL 13 MONTH)`)
    .execute();
  await restatePeriods(
    tx,
    rows.map((r) => r.id),
  );
}

/** The stored figures of the given periods. */
export async function storedFigures(ex: Executor, periodIds: readonly number[]): Promise<PeriodFigureRow[]> {
  if (!periodIds.length) return [];
  const rows = await ex
    .selectFrom("sellout_period_figures")
    .selectAll()
    .where("period_id", "in", [...periodIds])
    .execute();
  return rows.map((r) => ({
    periodId: Number(r.period_id),
    dealerId: Number(r.dealer_id),
    endsOn: r.ends_on,
    unitsSold: num(r.units_sold),
    revenueMinor: num(r.revenue_minor),
    shareOursMinor: num(r.share_ours_minor),
    shareTotalMinor: num(r.share_total_minor),
    unitDays2: num(r.unit_days2),
    costBoughtMinor: num(r.cost_bought_minor),
    costListMinor: num(r.cost_list_minor),
    skusListPriced: num(r.skus_list_priced),
    pricedTier: r.priced_tier,
    catalogVersion: num(r.catalog_version),
  }));
}

/** Periods with no figures, or priced with an older catalog or another tier than the dealer's now, oldest first. */
async function pendingPeriodIds(ex: Executor, limit: number): Promise<number[]> {
  const version = await catalogVersion(ex);
  const r = await sql<{ id: number }>`
    SELECT p.id FROM sellout_periods p
    JOIN organisations o ON o.id = p.dealer_id
    LEFT JOIN sellout_period_figures f ON f.period_id = p.id
    WHERE f.period_id IS NULL OR f.catalog_version < ${version} OR f.priced_tier <> o.tier
    ORDER BY p.ends_on DESC, p.dealer_id
    LIMIT ${limit}`.execute(ex);
  return r.rows.map((x) => Number(x.id));
}

const BATCH = 50;

/**
 * Restates the periods waiting for it (no row yet, an older catalog version, another tier), the newest first, a
 * batch of 50 periods per transaction (the hourly `sellout-figures` job).
 */
export async function restatePending(opts: { max?: number; onProgress?: (done: number) => Promise<unknown> } = {}): Promise<{ restated: number }> {
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  let done = 0;
  while (done < max) {
    const n = await transaction("sellout.figures.pending", async (tx) => {
      const ids = await pendingPeriodIds(tx, Math.min(BATCH, max - done));
      await restatePeriods(tx, ids);
      return ids.length;
    });
    if (!n) break;
    done += n;
    await opts.onProgress?.(done);
  }
  return { restated: done };
}

/** Every period's figures from the inputs alone (bulk loads, repairs; the bench generator). */
export async function recomputeFigures(db: Executor): Promise<void> {
  const version = await catalogVersion(db);
  const all = await db.selectFrom("sellout_periods").select("id").execute();
  for (let i = 0; i < all.length; i += BATCH) {
    const periods = await periodInputs(
      db,
      all.slice(i, i + BATCH).map((p) => p.id),
      false,
    );
    await writeFigures(db, await computeFigures(db, periods, version));
  }
}

const FIELDS = [
  "unitsSold",
  "revenueMinor",
  "shareOursMinor",
  "shareTotalMinor",
  "unitDays2",
  "costBoughtMinor",
  "costListMinor",
  "skusListPriced",
] as const satisfies readonly (keyof PeriodFigureRow)[];
/** The fields no catalog change moves (a product's category moves the share, its price the list-priced cost). */
const SELLOUT_FIELDS = ["unitsSold", "revenueMinor", "unitDays2", "costBoughtMinor", "skusListPriced"] as const satisfies readonly (keyof PeriodFigureRow)[];

/** Stored figures that differ from their recomputation (rows waiting for the job are left out), at most 100. */
async function compareFigures(db: Executor): Promise<unknown[]> {
  const version = await catalogVersion(db);
  const all = await db.selectFrom("sellout_periods").select("id").execute();
  const problems: unknown[] = [];
  for (let i = 0; i < all.length && problems.length < 100; i += BATCH) {
    const ids = all.slice(i, i + BATCH).map((p) => p.id);
    const periods = await periodInputs(db, ids, false);
    const [want, stored] = await Promise.all([computeFigures(db, periods, version), storedFigures(db, ids)]);
    const have = new Map(stored.map((s) => [s.periodId, s]));
    for (const w of want) {
      const s = have.get(w.periodId);
      if (!s) {
        problems.push({ period_id: w.periodId, problem: "no figures yet (the hourly sellout-figures job computes them)" });
        continue;
      }
      // A row priced with an older catalog or another tier waits for the job: only what the catalog cannot move is compared.
      const pending = s.catalogVersion < version || s.pricedTier !== w.pricedTier;
      const differ = (pending ? SELLOUT_FIELDS : FIELDS).filter((k) => s[k] !== w[k]);
      if (differ.length)
        problems.push({
          period_id: w.periodId,
          problem: `differs from its sell-out and purchases: ${differ.map((k) => `${k} ${s[k]} ≠ ${w[k]}`).join(", ")}`,
        });
    }
  }
  return problems.slice(0, 100);
}

export const DERIVED: DerivedFigure[] = [
  {
    name: "sell-out period figures: each period's stored sums equal its sell-out lines, stock, category totals, corrections and purchases",
    table: "sellout_period_figures",
    inputs: ["sellout_periods", "sellout_lines", "sellout_stock", "sellout_category_totals", "sellout_corrections", "dealer_purchase_days"],
    recompute: recomputeFigures,
    compare: compareFigures,
  },
];
