/**
 * The four dealer-profit measures (issue #24 item 2; definitions: decision 137, choices: decision 139), as pure
 * functions over integer sums (browser-safe). A figure is always Σ numerators / Σ denominators of the periods it
 * covers, never an average of ratios; a zero denominator is "no figure" (null, shown as —). Ratios travel as
 * basis points (1 % = 100), turnover as days with one decimal, money as integer minor units.
 */

/** The integer sums one period (or a range of periods, or several dealers) contributes to the measures. */
export type MeasureSums = {
  /** Periods with a sell-out report (the sell-out measures read only those). */
  reported: number;
  /** Σ over SKUs of (on hand at the start + on hand at the end) × days of the period: twice the unit-days held. */
  unitDays2: number;
  unitsSold: number;
  revenueMinor: number;
  /** Units sold × average purchase price, less credit notes for returns (decision 137, measure 2). */
  costMinor: number;
  /** Rebates credited in the period (positive). */
  rebatesMinor: number;
  /** Fees charged in the period (shown beside the margin, not in it). */
  feesMinor: number;
  /** SKUs sold but not bought from us in the 12 months: costed at the tier price, flagged. */
  costedAtTierPrice: number;
  /** Our sell-out revenue and the dealer's all-brand total, over the categories that have both. */
  shareOursMinor: number;
  shareTotalMinor: number;
  /** Service cases whose resolution fell due in the period, and those resolved within their promise. */
  casesDue: number;
  casesKept: number;
  /** Answered satisfaction surveys (1–5) in the period: how many and the sum of their scores. */
  surveys: number;
  surveyScoreSum: number;
};

export const ZERO_SUMS: MeasureSums = {
  reported: 0,
  unitDays2: 0,
  unitsSold: 0,
  revenueMinor: 0,
  costMinor: 0,
  rebatesMinor: 0,
  feesMinor: 0,
  costedAtTierPrice: 0,
  shareOursMinor: 0,
  shareTotalMinor: 0,
  casesDue: 0,
  casesKept: 0,
  surveys: 0,
  surveyScoreSum: 0,
};

export function addSums(a: MeasureSums, b: MeasureSums): MeasureSums {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof MeasureSums)[]) out[k] = a[k] + b[k];
  return out;
}

export function sumAll(list: readonly MeasureSums[]): MeasureSums {
  return list.reduce(addSums, ZERO_SUMS);
}

/** The figures a reader sees. */
export type Measures = {
  /** Inventory turnover days (one decimal), null without sales. */
  turnoverDays: number | null;
  /** Gross margin including rebates, basis points (may be negative), null without revenue. */
  marginBp: number | null;
  /** Cases resolved within promise / cases due, basis points, null when none fell due. */
  resolutionBp: number | null;
  /** Share of our products in the dealer's category sales, basis points, capped at 100 %; null without totals. */
  shareBp: number | null;
  /** The share before the cap (above 10 000 the dealer's totals are wrong: "check your totals"). */
  shareRawBp: number | null;
  /** Average satisfaction score (1–5, one decimal), null without surveys. */
  satisfaction: number | null;
};

const bp = (num: number, den: number) => (den === 0 ? null : Math.round((num * 10_000) / den));

export function measuresOf(s: MeasureSums): Measures {
  const shareRawBp = bp(s.shareOursMinor, s.shareTotalMinor);
  return {
    turnoverDays: s.unitsSold > 0 ? Math.round((s.unitDays2 / (2 * s.unitsSold)) * 10) / 10 : null,
    marginBp: bp(s.revenueMinor - s.costMinor + s.rebatesMinor, s.revenueMinor),
    resolutionBp: bp(s.casesKept, s.casesDue),
    shareBp: shareRawBp === null ? null : Math.min(shareRawBp, 10_000),
    shareRawBp,
    satisfaction: s.surveys > 0 ? Math.round((s.surveyScoreSum / s.surveys) * 10) / 10 : null,
  };
}

type MeasureKey = "turnoverDays" | "marginBp" | "resolutionBp" | "shareBp";

/** Which way is better: fewer turnover days, more of the rest. */
export const LOWER_IS_BETTER: Record<MeasureKey, boolean> = { turnoverDays: true, marginBp: false, resolutionBp: false, shareBp: false };

/**
 * Thresholds of the improvement lists on a dealer's page (decision 139): a slow mover sold less than a tenth of
 * what it holds over the last 3 periods; an overstocked SKU turns over in more than twice the dealer's range days;
 * a SKU selling out holds less than it sold in the last period.
 */
export const SLOW_MOVER_SOLD_PER_HELD = 0.1;
export const OVERSTOCK_FACTOR = 2;

/** Ranking of account managers: the sort keys the page offers. */
export const RANK_BY = ["marginBp", "turnoverDays", "resolutionBp", "shareBp"] as const;
export type RankBy = (typeof RANK_BY)[number];

/**
 * Splits an integer amount over integer weights in proportion (largest remainder: the parts are integers and add up
 * to the amount exactly; ties go to the earlier weight). Null when it cannot be split: no positive total weight, or a
 * negative weight (a category with negative revenue after corrections). Decision 145: rebates over categories.
 */
export function allocate(amount: number, weights: readonly number[]): number[] | null {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || weights.some((w) => w < 0)) return null;
  const total = BigInt(amount);
  const den = BigInt(sum);
  const parts = weights.map((w) => {
    const p = total * BigInt(w);
    let q = p / den;
    let r = p % den;
    if (r < 0n) {
      q -= 1n;
      r += den;
    }
    return { q, r };
  });
  let left = Number(total - parts.reduce((a, s) => a + s.q, 0n));
  const order = parts.map((_, i) => i).sort((a, b) => (parts[b]!.r > parts[a]!.r ? 1 : parts[b]!.r < parts[a]!.r ? -1 : a - b));
  const out = parts.map((s) => Number(s.q));
  for (const i of order) {
    if (left <= 0) break;
    out[i] = out[i]! + 1;
    left -= 1;
  }
  return out;
}

/** A category's margin sums (decision 145): revenue, cost of the units sold less returns, rebates allocated. */
export type CategoryMarginSums = { revenueMinor: number; costMinor: number; rebatesMinor: number };

/** Gross margin including rebates of a category (or their total), basis points; null without revenue. */
export const marginBpOf = (s: CategoryMarginSums) => bp(s.revenueMinor - s.costMinor + s.rebatesMinor, s.revenueMinor);

/** How many SKUs with a gap the account manager's stock cross-check shows per page. */
export const STOCK_GAP_PAGE_SIZE = 20;
