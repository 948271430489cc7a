import { describe, expect, it } from 'vitest';
import { buildNetworkSpec } from '@procrustes/core';
import type { GradientTap } from './gradient-tap.js';
import { normRatios } from './norm-ratios.js';

describe('normRatios', () => {
  it('gives the per-sample mean and median and the batch Frobenius ratio, which differ when samples differ', async () => {
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 4, inputShape: [8, 8, 1], classes: 10 });
    const norms = (values: number[]) => ({ data: async () => Float32Array.from(values) });
    // Per-sample gradient norms at every unit boundary: 3 and 4 at the first, 1 and 1 after it.
    const gradientNorms = new Map(spec.units.map((u) => [u.index, norms(u.index === 0 ? [3, 4] : [1, 1])] as const));
    gradientNorms.set(spec.units.length, norms([1, 1]));
    const activationNorms = new Map([...gradientNorms.keys()].map((k) => [k, norms([1, 1])] as const));
    const ratios = await normRatios(spec, { gradientNorms, activationNorms } as unknown as GradientTap);
    expect(ratios.units[0].ratioMean).toBe(3.5); // (3/1 + 4/1) / 2
    expect(ratios.units[0].gradient.median).toBe(3.5);
    expect(ratios.units[0].batchRatio).toBeCloseTo(5 / Math.SQRT2, 6); // √(3² + 4²) / √(1² + 1²)
    expect(ratios.units[1].batchRatio).toBe(1);
  });
});
