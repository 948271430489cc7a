import { describe, expect, it } from 'vitest';
import { assertClose, relativeError } from './compare.js';

describe('comparison helpers', () => {
  it('relative error is scale-free and catches NaN', () => {
    expect(relativeError([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(relativeError([1000, 2000], [1000, 2001])).toBeCloseTo(1 / Math.hypot(1000, 2001), 12);
    expect(relativeError([Number.NaN], [1])).toBe(Number.POSITIVE_INFINITY);
    expect(relativeError([1], [1, 2])).toBe(Number.POSITIVE_INFINITY);
  });

  it('assertClose names the worst tensor beyond tolerance', () => {
    const a = { w: { shape: [2], values: Float32Array.from([1, 2]) }, v: { shape: [1], values: Float32Array.from([1.1]) } };
    const e = { w: { shape: [2], values: Float32Array.from([1, 2]) }, v: { shape: [1], values: Float32Array.from([1]) } };
    expect(() => assertClose(a, e, 1e-4, 'step')).toThrow(/step: 'v' differs from the reference by 1\.00e-1/);
    expect(assertClose(a, a, 1e-4, 'step')).toBe(0);
    expect(() => assertClose({}, e, 1e-4, 'step')).toThrow(/'w' is missing/);
  });
});
