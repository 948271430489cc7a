import { describe, expect, it } from 'vitest';
import { heatmapColumns } from './heatmap-columns.js';

describe('heatmapColumns', () => {
  it('keeps one column per step while they fit', () => {
    const columns = heatmapColumns(
      [0, 1, 2],
      [
        [1, -1],
        [2, -2],
        [3, -3],
      ],
      4,
    );
    expect(columns.map((c) => [c.firstStep, c.lastStep])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(columns[1].meanLogRatios).toEqual([2, -2]);
  });

  it('merges steps in power-of-two blocks when there are more than fit, averaging only finite ratios', () => {
    const steps = Array.from({ length: 10 }, (_, i) => i);
    const rows = steps.map((i) => [i, i === 9 ? Number.NaN : -i]);
    const columns = heatmapColumns(steps, rows, 3);
    // 10 steps in at most 3 columns: blocks of 4 (blocks of 2 would need 5 columns).
    expect(columns.map((c) => [c.firstStep, c.lastStep])).toEqual([
      [0, 3],
      [4, 7],
      [8, 9],
    ]);
    expect(columns[0].meanLogRatios).toEqual([1.5, -1.5]);
    expect(columns[2].meanLogRatios).toEqual([8.5, -8]);
    expect(heatmapColumns([0], [[Number.NaN]], 1)[0].meanLogRatios[0]).toBeNaN();
  });

  it('costs a bounded number of columns however long training runs', () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => i);
    const columns = heatmapColumns(
      steps,
      steps.map(() => [0]),
      200,
    );
    expect(columns.length).toBeLessThanOrEqual(200);
    expect(columns.at(-1)!.lastStep).toBe(9_999);
  });

  it('refuses a column count that is not a positive integer, and rows that do not match the steps', () => {
    expect(() => heatmapColumns([0], [[0]], 0)).toThrow(/maxColumns must be a positive integer/);
    expect(() => heatmapColumns([0, 1], [[0]], 4)).toThrow(/2 steps but 1 rows/);
  });
});
