import { describe, expect, it } from 'vitest';
import { convSingularValues } from './conv-singular-values.js';
import { goldenCases } from './golden.js';

describe('convSingularValues against the explicit-matrix ground truth', () => {
  it.each(goldenCases().map((c) => [`${c.kernel.shape.join('x')} on ${c.inputSize.join('x')}, stride ${c.stride}`, c] as const))('%s', async (_, c) => {
    const values = await convSingularValues(c.kernel, c.inputSize, { stride: c.stride });
    expect(values.length).toBe(c.singularValues.length);
    const largest = c.singularValues[0];
    values.forEach((v, i) => {
      expect(Math.abs(v - c.singularValues[i]) / largest).toBeLessThan(1e-4);
    });
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  });

  it('refuses malformed kernels and sizes with messages that name the problem', async () => {
    const kernel = { shape: [3, 3, 2, 2] as [number, number, number, number], data: new Array(36).fill(0.1) };
    await expect(convSingularValues({ shape: [3, 3, 2] as never, data: [] }, [4, 4])).rejects.toThrow(/shape \[kh, kw, cin, cout\]/);
    await expect(convSingularValues({ ...kernel, data: new Array(35).fill(0) }, [4, 4])).rejects.toThrow(/needs 36 values, got 35/);
    await expect(convSingularValues({ ...kernel, data: [Number.NaN, ...new Array(35).fill(0)] }, [4, 4])).rejects.toThrow(/non-finite value \(NaN\) at index 0/);
    await expect(convSingularValues(kernel, [5, 4], { stride: 2 })).rejects.toThrow(/\[5, 4\] must be divisible by the stride 2/);
    await expect(convSingularValues(kernel, [2, 2])).rejects.toThrow(/kernel 3x3 is larger than the input 2x2/);
    await expect(convSingularValues(kernel, [4])).rejects.toThrow(/inputSize must be \[n, m\]/);
    await expect(convSingularValues(kernel, [4, 4], { stride: 0 })).rejects.toThrow(/stride must be a positive integer/);
  });
});
