/**
 * The last two pieces of the dealer-profit measures (decision 137, done as decision 145 says), for ONE dealer and
 * computed on read from its SKU rows (a dealer's 12 periods are a few thousand rows; nothing stored):
 *
 * - the margin per category: revenue, cost of the units sold (less returns), rebates allocated in proportion to
 *   revenue, gross margin — for one period and for the trailing 12; the categories add up to the dealer's figure;
 * - the "unexplained stock movement" cross-check of a period, per SKU: closing − (opening + shipped − returned −
 *   sold). A data-quality signal for the account manager and the administrator (`measures:stock_check`): anyone
 *   else — the dealer first — is answered "not found", never shown it.
 *
 * The caller (measures.server.ts) has checked the actor's access to the dealer and chosen the periods.
 */
import { db } from "../../../db/client";
import { can, type Actor } from "~/modules/auth/actor";
import { requireDealerAccess } from "~/modules/auth/access.server";
import { NotFoundError } from "~/utils/errors";
import { addDays, type IsoDate } from "~/utils/time";
import { STOCK_GAP_PAGE_SIZE, allocate, marginBpOf, type CategoryMarginSums } from "./measures";
import * as q from "./measures.queries.server";
import { categoryCosts } from "./sellout.derived.server";

type CategoryName = { code: string; name_en: string; name_zh: string; sort_order: number };

export type CategoryMarginRow = CategoryMarginSums & {
  /** The category's code; null for the rebates (and untraced returns) of a period that has no revenue to split them by. */
  code: string | null;
  nameEn: string;
  nameZh: string;
  marginMinor: number;
  marginBp: number | null;
};

export type CategoryMargins = { rows: CategoryMarginRow[]; total: CategoryMarginRow };

const add = (a: CategoryMarginSums, b: CategoryMarginSums): CategoryMarginSums => ({
  revenueMinor: a.revenueMinor + b.revenueMinor,
  costMinor: a.costMinor + b.costMinor,
  rebatesMinor: a.rebatesMinor + b.rebatesMinor,
});
const ZERO: CategoryMarginSums = { revenueMinor: 0, costMinor: 0, rebatesMinor: 0 };
const UNALLOCATED = "";

/**
 * Per reported period and category: revenue and cost as the period's figure computes them, returns credited in the
 * period subtracted from the cost of their products' categories (RMA lines), and the period's rebates — with any
 * return not traced to a line — split over its categories in proportion to their revenue. A period whose revenue
 * cannot split them (none, or a category negative after corrections) keeps them apart (`UNALLOCATED`).
 */
async function marginsPerPeriod(dealerId: number, periods: readonly q.PeriodRow[]): Promise<Map<number, Map<string, CategoryMarginSums>>> {
  const reported = periods.filter((p) => p.reported);
  const out = new Map<number, Map<string, CategoryMarginSums>>(reported.map((p) => [p.id, new Map()]));
  if (!reported.length) return out;
  const from = reported.reduce((m, p) => (p.starts_on < m ? p.starts_on : m), reported[0]!.starts_on);
  const to = reported.reduce((m, p) => (p.ends_on > m ? p.ends_on : m), reported[0]!.ends_on);
  const [costs, ledger, returns] = await Promise.all([
    categoryCosts(
      db,
      reported.map((p) => p.id),
    ),
    q.ledgerSums(db, reported),
    q.returnedLines(db, dealerId, from, to),
  ]);
  const bump = (periodId: number, code: string, s: Partial<CategoryMarginSums>) => {
    const m = out.get(periodId)!;
    m.set(code, add(m.get(code) ?? ZERO, { ...ZERO, ...s }));
  };
  for (const c of costs) bump(c.periodId, c.category, { revenueMinor: c.revenueMinor, costMinor: c.costMinor });
  const traced = new Map<number, number>();
  for (const r of returns) {
    const p = reported.find((x) => r.day >= x.starts_on && r.day <= x.ends_on);
    if (!p) continue;
    bump(p.id, r.category, { costMinor: -r.amountMinor });
    traced.set(p.id, (traced.get(p.id) ?? 0) + r.amountMinor);
  }
  for (const l of ledger) {
    const untraced = l.returnsMinor - (traced.get(l.periodId) ?? 0);
    const cats = [...out.get(l.periodId)!.entries()].filter(([code]) => code !== UNALLOCATED);
    const weights = cats.map(([, s]) => s.revenueMinor);
    const rebates = allocate(l.rebatesMinor, weights);
    const returned = allocate(untraced, weights);
    if (rebates && returned) cats.forEach(([code], i) => bump(l.periodId, code, { rebatesMinor: rebates[i]!, costMinor: -returned[i]! }));
    else bump(l.periodId, UNALLOCATED, { rebatesMinor: l.rebatesMinor, costMinor: -untraced });
  }
  return out;
}

function rowsOf(sums: Map<string, CategoryMarginSums>, names: Map<string, CategoryName>): CategoryMargins {
  const row = (code: string | null, s: CategoryMarginSums): CategoryMarginRow => ({
    code,
    nameEn: code === null ? "" : (names.get(code)?.name_en ?? code),
    nameZh: code === null ? "" : (names.get(code)?.name_zh ?? code),
    ...s,
    marginMinor: s.revenueMinor - s.costMinor + s.rebatesMinor,
    marginBp: marginBpOf(s),
  });
  const rows = [...sums]
    .filter(([code, s]) => code !== UNALLOCATED || s.costMinor !== 0 || s.rebatesMinor !== 0)
    .map(([code, s]) => row(code === UNALLOCATED ? null : code, s))
    .sort((a, b) => {
      if (a.code === null || b.code === null) return a.code === null ? 1 : -1;
      return (names.get(a.code)?.sort_order ?? 0) - (names.get(b.code)?.sort_order ?? 0) || a.code.localeCompare(b.code);
    });
  return { rows, total: row(null, [...sums.values()].reduce(add, ZERO)) };
}

/**
 * The dealer's margin per category (decision 137, measure 2) for `selected` (one of `periods`, or none) and over all
 * of `periods` (the trailing 12). The rows of each add up to the dealer's margin figure of the same periods.
 */
export async function categoryMargins(dealerId: number, periods: readonly q.PeriodRow[], selected: q.PeriodRow | null) {
  const [perPeriod, names] = await Promise.all([marginsPerPeriod(dealerId, periods), q.categoryNames(db)]);
  const byCode = new Map(names.map((n) => [n.code, n]));
  const trailing = new Map<string, CategoryMarginSums>();
  for (const m of perPeriod.values()) for (const [code, s] of m) trailing.set(code, add(trailing.get(code) ?? ZERO, s));
  const one = selected ? perPeriod.get(selected.id) : undefined;
  return {
    period: one ? rowsOf(one, byCode) : null,
    trailing12: rowsOf(trailing, byCode),
  };
}

// ---------------------------------------------------------------- the account manager's stock cross-check

export type StockGapLine = {
  sku: string;
  nameEn: string;
  nameZh: string;
  /** On hand at the end of the previous period and of this one (null: no stock row, counted as 0). */
  opening: number | null;
  closing: number | null;
  shipped: number;
  returned: number;
  sold: number;
  /** closing − (opening + shipped − returned − sold): above 0 more stock than explained, below 0 less. */
  gap: number;
};

export type StockCheck =
  | { state: "not_reported" | "no_opening" | "no_closing"; period: string }
  | {
      state: "checked";
      period: string;
      previous: string;
      /** SKUs with a stock row in either period (the ones checked), and those of them with a gap. */
      skusChecked: number;
      skusWithGap: number;
      /** SKUs sold, shipped or returned in the period without a stock row in either period: not checked. */
      skusUnchecked: number;
      netGap: number;
      absoluteGap: number;
      lines: StockGapLine[];
      page: number;
      pageSize: number;
    };

/**
 * The "unexplained stock movement" of one dealer's period (decision 137, measure 1's cross-check; decision 145), the
 * SKUs with a gap largest first, `STOCK_GAP_PAGE_SIZE` a page. Only for who holds `measures:stock_check` (the account
 * manager, for the dealers assigned to them, and the administrator): a dealer, another account manager's dealer or
 * any other role gets "not found". `period` must be one of `periods` (the dealer's window; the caller chose it).
 */
export async function stockMovementCheck(
  actor: Actor,
  dealerId: number,
  periods: readonly q.PeriodRow[],
  period: { key: string; start: IsoDate; end: IsoDate },
  page: number,
): Promise<StockCheck> {
  if (!can(actor, "measures:stock_check")) throw new NotFoundError();
  await requireDealerAccess(db, actor, "measures:stock_check", dealerId);
  const row = periods.find((p) => p.dealer_id === dealerId && p.period_key === period.key && p.starts_on === period.start);
  if (!row || !row.reported) return { state: "not_reported", period: period.key };
  const prev = periods.find((p) => p.dealer_id === dealerId && p.ends_on === addDays(row.starts_on, -1));
  const skus = await q.skuRows(db, prev ? [row.id, prev.id] : [row.id]);
  const opening = new Map(skus.filter((s) => s.periodId === prev?.id && s.onHand !== null).map((s) => [s.productId, s.onHand!]));
  if (!prev || !opening.size) return { state: "no_opening", period: period.key };
  const current = skus.filter((s) => s.periodId === row.id);
  const closing = new Map(current.filter((s) => s.onHand !== null).map((s) => [s.productId, s.onHand!]));
  if (!closing.size) return { state: "no_closing", period: period.key };
  const [shipped, returned] = await Promise.all([
    q.shippedUnits(db, dealerId, row.starts_on, row.ends_on),
    q.returnedLines(db, dealerId, row.starts_on, row.ends_on),
  ]);
  const shippedOf = new Map(shipped.map((s) => [s.productId, s.units]));
  const returnedOf = new Map<number, number>();
  for (const r of returned) returnedOf.set(r.productId, (returnedOf.get(r.productId) ?? 0) + r.units);
  const soldOf = new Map(current.map((s) => [s.productId, s.units]));
  const named = new Map(skus.map((s) => [s.productId, s]));
  const checked = new Set([...opening.keys(), ...closing.keys()]);
  const moved = new Set([...soldOf.keys(), ...shippedOf.keys(), ...returnedOf.keys()].filter((id) => !checked.has(id)));
  const lines: StockGapLine[] = [...checked].map((id) => {
    const s = named.get(id)!;
    const o = opening.get(id) ?? null;
    const c = closing.get(id) ?? null;
    const sh = shippedOf.get(id) ?? 0;
    const rt = returnedOf.get(id) ?? 0;
    const sold = soldOf.get(id) ?? 0;
    return {
      sku: s.sku,
      nameEn: s.nameEn,
      nameZh: s.nameZh,
      opening: o,
      closing: c,
      shipped: sh,
      returned: rt,
      sold,
      gap: (c ?? 0) - ((o ?? 0) + sh - rt - sold),
    };
  });
  const gaps = lines.filter((l) => l.gap !== 0).sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap) || a.sku.localeCompare(b.sku));
  const start = (page - 1) * STOCK_GAP_PAGE_SIZE;
  return {
    state: "checked",
    period: period.key,
    previous: prev.period_key,
    skusChecked: checked.size,
    skusWithGap: gaps.length,
    skusUnchecked: moved.size,
    netGap: gaps.reduce((a, l) => a + l.gap, 0),
    absoluteGap: gaps.reduce((a, l) => a + Math.abs(l.gap), 0),
    lines: gaps.slice(start, start + STOCK_GAP_PAGE_SIZE),
    page,
    pageSize: STOCK_GAP_PAGE_SIZE,
  };
}
