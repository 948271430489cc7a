import { describe, expect, it } from 'vitest';
import { isDefinedRatio, logRatioStatistic } from './log-ratio.js';

describe('logRatioStatistic', () => {
  it('averages |ln r| over the defined ratios and counts the others apart', () => {
    const statistic = logRatioStatistic([Math.E, 1 / Math.E ** 2, 0, Number.NaN, null, 1]);
    expect(statistic.mean).toBeCloseTo((1 + 2 + 0) / 3, 12);
    expect(statistic.max).toBeCloseTo(2, 12);
    expect(statistic.undefined).toBe(3);
  });

  it('is NaN, not 0, when no ratio is defined', () => {
    const statistic = logRatioStatistic([0, null]);
    expect(statistic.mean).toBeNaN();
    expect(statistic.max).toBeNaN();
    expect(statistic.undefined).toBe(2);
  });

  it('defines ratios as finite and positive', () => {
    expect([1, 0, -1, Number.POSITIVE_INFINITY, Number.NaN, null, undefined].map(isDefinedRatio)).toEqual([true, false, false, false, false, false, false]);
  });
});
