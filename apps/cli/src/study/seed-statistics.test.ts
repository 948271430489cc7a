import { describe, expect, it } from 'vitest';
import { pairedDifference, seedInterval } from './seed-statistics.js';

describe('statistics over seeds', () => {
  it('gives the mean, the sample standard deviation and the Student-t 95 % interval', () => {
    const i = seedInterval([1, 2, 3]);
    // t(0.975, 2) = 4.302653 (tables); half width = t · s / √n = 4.302653 · 1 / √3.
    expect([i.n, i.mean, i.sd]).toEqual([3, 2, 1]);
    expect(i.halfWidth).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
    expect(i.low).toBeCloseTo(2 - 2.484139, 5);
    const two = seedInterval([90, 92]);
    expect(two.halfWidth).toBeCloseTo(12.706205 * (Math.SQRT2 / Math.SQRT2), 4); // s = √2, n = 2: t · √2 / √2
    const one = seedInterval([5]);
    expect([one.mean, Number.isNaN(one.sd), Number.isNaN(one.halfWidth)]).toEqual([5, true, true]);
  });

  it('pairs arms by seed and decides only when the interval excludes zero', () => {
    const a = new Map([
      [0, 90],
      [1, 91],
      [2, 92],
      [7, 50], // no partner: left out
    ]);
    const unclear = pairedDifference(
      a,
      new Map([
        [0, 88],
        [1, 90],
        [2, 89],
      ]),
      (x) => x.toFixed(2),
    );
    expect(unclear.seeds).toEqual([0, 1, 2]);
    expect(unclear.mean).toBeCloseTo(2, 10); // differences 2, 1, 3
    expect(unclear.verdict).toBe(`no difference larger than ${(2 + 4.302653 / Math.sqrt(3)).toFixed(2)} at this scale`);
    const higher = pairedDifference(
      a,
      new Map([
        [0, 88],
        [1, 88.9],
        [2, 90.1],
      ]),
      (x) => x.toFixed(2),
    ); // 2, 2.1, 1.9
    expect(higher.verdict).toBe('A higher');
    expect(pairedDifference(new Map([[0, 1]]), new Map([[0, 2]]), String).verdict).toBe('not decided: 1 paired seed');
  });
});
