/** Small statistics shared by the figures pages (service figures, dealer-profit measures). Browser-safe. */

/**
 * The nearest-rank percentile: the smallest value such that at least p of the values are at or below it
 * (p = 0.5 the median, 0.9 the 90th percentile). No interpolation: the figure is always a real case's time.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
