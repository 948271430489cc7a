/**
 * A ratio that was measured: finite and positive. A vanished gradient gives 0/0 (NaN, null once
 * written as JSON) or 0; such a ratio has no logarithm and is counted apart, never averaged in.
 */
export const isDefinedRatio = (ratio: number | null | undefined): ratio is number => typeof ratio === 'number' && Number.isFinite(ratio) && ratio > 0;

/** Mean and largest |ln r| over the defined ratios, and how many were undefined. */
export interface LogRatioStatistic {
  /** Mean |ln r| (NaN when no ratio is defined). */
  mean: number;
  /** Largest |ln r| (NaN when no ratio is defined). */
  max: number;
  undefined: number;
}

/**
 * The statistic of norm preservation the paper's bound is about, |ln r| (0 where r = 1), over a
 * set of units: one definition for the compare table, the studies and the reports.
 */
export function logRatioStatistic(ratios: ReadonlyArray<number | null>): LogRatioStatistic {
  const logs = ratios.filter(isDefinedRatio).map((r) => Math.abs(Math.log(r)));
  return {
    mean: logs.length === 0 ? Number.NaN : logs.reduce((a, b) => a + b, 0) / logs.length,
    max: logs.length === 0 ? Number.NaN : Math.max(...logs),
    undefined: ratios.length - logs.length,
  };
}
