/**
 * The service figures (issue #23, item 6; decision 135), as pure functions over the cases of a period:
 * time to first response and to resolution (median and 90th percentile, in working hours), the share of
 * decided cases kept within the promise, the reopen rate and satisfaction (the cases' latest survey answers). Computed in TypeScript over a bounded query
 * rather than with window functions (MariaDB and TiDB differ on PERCENTILE_CONT / MEDIAN). Browser-safe.
 */
import { percentile } from "~/utils/stats";

export const FIGURE_GROUPS = ["dealer", "product_line", "region"] as const;
export type FigureGroup = (typeof FIGURE_GROUPS)[number];
/** The most cases one reading takes (a period beyond it is cut at the newest cases and says so). */
export const FIGURES_MAX_CASES = 20_000;

/** One case as the figures read it; durations already in working milliseconds (null: not happened yet). */
export type FigureCase = {
  responseMs: number | null;
  resolutionMs: number | null;
  /** The first response came by its deadline (null: no response yet and the deadline not passed). */
  responseKept: boolean | null;
  /** The resolution came by its deadline (null: not resolved yet and the deadline not passed). */
  resolutionKept: boolean | null;
  /** Resolved at least once (now resolved or closed, or reopened since). */
  everResolved: boolean;
  reopened: boolean;
  /** The score (1–5) of the case's latest answered satisfaction survey (null: none answered). */
  score: number | null;
};

export type Figures = {
  cases: number;
  responseMedianH: number | null;
  responseP90H: number | null;
  resolutionMedianH: number | null;
  resolutionP90H: number | null;
  /** Kept / decided, 0..1 (null: nothing decided yet). */
  withinPromise: number | null;
  decided: number;
  kept: number;
  /** Reopened / ever resolved, 0..1 (null: nothing resolved yet). */
  reopenRate: number | null;
  /** Cases with an answered survey, their average score (1–5, one decimal) and the share scoring 4 or 5. */
  surveyed: number;
  satisfactionAvg: number | null;
  satisfiedShare: number | null;
};

const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 10) / 10);

/**
 * A case is decided once both promises are settled: kept when both came by their deadlines, missed as soon
 * as either deadline passed without it. A case still within both deadlines is not counted yet.
 */
export function summarise(cases: readonly FigureCase[]): Figures {
  const responses = cases.flatMap((c) => (c.responseMs === null ? [] : [c.responseMs]));
  const resolutions = cases.flatMap((c) => (c.resolutionMs === null ? [] : [c.resolutionMs]));
  let decided = 0;
  let kept = 0;
  for (const c of cases) {
    if (c.responseKept === false || c.resolutionKept === false) decided += 1;
    else if (c.responseKept === true && c.resolutionKept === true) {
      decided += 1;
      kept += 1;
    }
  }
  const resolvedOnce = cases.filter((c) => c.everResolved).length;
  const scores = cases.flatMap((c) => (c.score === null ? [] : [c.score]));
  return {
    cases: cases.length,
    responseMedianH: hours(percentile(responses, 0.5)),
    responseP90H: hours(percentile(responses, 0.9)),
    resolutionMedianH: hours(percentile(resolutions, 0.5)),
    resolutionP90H: hours(percentile(resolutions, 0.9)),
    withinPromise: decided ? kept / decided : null,
    decided,
    kept,
    reopenRate: resolvedOnce ? cases.filter((c) => c.reopened).length / resolvedOnce : null,
    surveyed: scores.length,
    satisfactionAvg: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10 : null,
    satisfiedShare: scores.length ? scores.filter((v) => v >= 4).length / scores.length : null,
  };
}
