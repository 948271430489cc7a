import { describe, expect, it } from 'vitest';
import { seedDifferenceFigure, seedVerdictFigure } from './seed-report.js';
import type { TrainingSummary } from './summaries.js';

/** A trained run with only what the figures read: its group, seed and test accuracy per epoch. */
const run = (group: string, seed: number, accuracies: number[]) =>
  ({ kind: 'train', run: `${group}-seed${seed}`, group, seed, model: group, metrics: accuracies.map((testAccuracy) => ({ testAccuracy })) }) as unknown as TrainingSummary;

type Series = { name: string; data: number[]; stack?: string; markLine?: { data: Array<{ yAxis: number }> } };

/** The figure's chart option, captured instead of drawn. */
function option(summaries: TrainingSummary[]) {
  let captured: { series: Series[] } | undefined;
  const figure = seedDifferenceFigure(summaries, ['#000', '#111', '#222'], (o) => {
    captured = o as unknown as { series: Series[] };
    return '<svg/>';
  });
  return { figure, series: captured?.series ?? [] };
}

describe('the paired-difference figure of a seeded study', () => {
  it('draws each pair’s mean difference per epoch and its band, as computed by hand', () => {
    // A − B by seed: epoch 1 → 1, 3 points (mean 2, sd √2); epoch 2 → −2, −4 points (mean −3, sd √2).
    const { figure, series } = option([run('a', 0, [0.9, 0.9]), run('b', 0, [0.89, 0.92]), run('a', 1, [0.92, 0.9]), run('b', 1, [0.89, 0.94])]);
    expect(figure?.name).toBe('test-accuracy-paired-differences');
    const [low, height, mean] = series;
    expect(series.map((s) => s.name)).toEqual(Array(3).fill('a − b (2 paired seeds)'));
    // Two seeds: t(0.975, 1) = 12.706205, half width = t · √2 / √2 = t.
    const half = 12.706205;
    for (const [e, y] of mean.data.entries()) expect(y).toBeCloseTo([2, -3][e], 9);
    for (const [e, y] of low.data.entries()) expect(y).toBeCloseTo([2 - half, -3 - half][e], 5);
    for (const y of height.data) expect(y).toBeCloseTo(2 * half, 5);
    // The band is stacked on a negative base, which only 'all' stacking draws where it lies.
    expect(low.stack).toBe(height.stack);
    expect((low as unknown as { stackStrategy: string }).stackStrategy).toBe('all');
    expect(mean.markLine?.data).toEqual([{ yAxis: 0 }]);
  });

  it('leaves out pairs with fewer than two shared seeds, and draws nothing without one', () => {
    const two = option([run('a', 0, [0.9]), run('b', 0, [0.8]), run('a', 1, [0.9]), run('b', 1, [0.85]), run('c', 0, [0.7])]);
    expect([...new Set(two.series.map((s) => s.name))]).toEqual(['a − b (2 paired seeds)']);
    expect(option([run('a', 0, [0.9]), run('b', 1, [0.8]), run('a', 1, [0.9])]).figure).toBeUndefined();
  });
});

type VerdictOption = {
  xAxis: { min: number; max: number; interval: number };
  yAxis: { data: string[] };
  series: [{ data: number[][] }, { data: Array<{ value: number[] }>; markLine: { data: Array<{ xAxis: number }> } }];
};

/** The verdict figure's chart option, captured instead of drawn. */
function verdictOption(summaries: TrainingSummary[]) {
  let captured: VerdictOption | undefined;
  const figure = seedVerdictFigure(summaries, ['#000', '#111', '#222'], (o) => {
    captured = o as unknown as VerdictOption;
    return '<svg/>';
  });
  return { figure, option: captured };
}

describe('the verdict figure of a seeded study', () => {
  it('draws each pair’s mean difference after the last epoch and its interval, as computed by hand, with the verdict', () => {
    // A − B after the last epoch by seed: 3 and 1 points (mean 2, sd √2, half width t(0.975, 1) = 12.706205).
    const { figure, option } = verdictOption([run('a', 0, [0.5, 0.9]), run('b', 0, [0.6, 0.87]), run('a', 1, [0.5, 0.92]), run('b', 1, [0.4, 0.91])]);
    expect(figure?.name).toBe('test-accuracy-verdicts');
    const half = 12.706205;
    const [bars, dots] = option!.series;
    expect(dots.data[0].value[0]).toBeCloseTo(2, 9);
    expect(bars.data[0][0]).toBeCloseTo(2 - half, 5);
    expect(bars.data[0][1]).toBeCloseTo(2 + half, 5);
    expect(dots.markLine.data).toEqual([{ xAxis: 0 }]);
    expect(option!.yAxis.data).toEqual(['a − b (2 seeds)\n+2.00 [-10.71, 14.71]: no difference larger than 14.71 points at this scale']);
    // Round axis ends that hold the whole interval and 0.
    const { min, max, interval } = option!.xAxis;
    expect(min).toBeLessThanOrEqual(2 - half);
    expect(max).toBeGreaterThanOrEqual(2 + half);
    expect(Number.isInteger(min / interval) && Number.isInteger(max / interval)).toBe(true);
  });

  it('says “A higher” where the interval stays above 0, keeps 0 on the axis, and leaves out pairs with one shared seed', () => {
    // a − b: 2 and 2.2 points; c ran one seed only.
    const { option } = verdictOption([run('a', 0, [0.92]), run('b', 0, [0.9]), run('a', 1, [0.922]), run('b', 1, [0.9]), run('c', 0, [0.7])]);
    expect(option!.yAxis.data).toHaveLength(1);
    expect(option!.yAxis.data[0]).toMatch(/^a − b \(2 seeds\)\n\+2\.10 \[0\.83, 3\.37\]: A higher$/);
    expect(option!.xAxis.min).toBeLessThanOrEqual(0);
    expect(verdictOption([run('a', 0, [0.9]), run('b', 1, [0.8]), run('a', 1, [0.9])]).figure).toBeUndefined();
  });
});
