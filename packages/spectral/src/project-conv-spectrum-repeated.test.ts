import { describe, expect, it } from 'vitest';
import { createRandomState, fillNormal, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { convSingularValuesOf } from './conv-singular-values.js';
import type { KernelData } from './kernel.js';
import { projectConvSpectrum } from './project-conv-spectrum.js';
import { projectConvSpectrumRepeated } from './project-conv-spectrum-repeated.js';

function randomKernel(cin: number, cout: number, seed: number): KernelData {
  const data = new Float64Array(9 * cin * cout);
  fillNormal(createRandomState(seed), data);
  return { shape: [3, 3, cin, cout], data: data.map((v) => v * 0.3) };
}

describe('projectConvSpectrumRepeated', () => {
  it('clips a 3×3 kernel until its cut spectrum is within the tolerance, and says so', async () => {
    const kernel = randomKernel(4, 4, 1);
    const once = convSingularValuesOf((await projectConvSpectrum(kernel, [8, 8], { mode: 'clip', max: 1 })) as KernelData, [8, 8]);
    expect(once[0]).toBeGreaterThan(1.05); // one projection is not enough after the cut
    const result = await projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'clip', max: 1 }, { tolerance: 0.01 });
    expect(result.converged).toBe(true);
    expect(result.rounds).toBeGreaterThan(1);
    const values = convSingularValuesOf(result.kernel, [8, 8]);
    expect(values[0]).toBeLessThanOrEqual(1.01);
    expect(result.largest).toBeCloseTo(values[0]!, 12);
    expect(result.deviation).toBeCloseTo(Math.max(values[0]! - 1, 0), 12);
  });

  it('reports, rather than hides, a Procrustes target a square 3×3 kernel cannot reach', async () => {
    const kernel = randomKernel(4, 4, 1);
    const first = await projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'procrustes', scale: 1 }, { tolerance: 0, maxRounds: 1 });
    const result = await projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'procrustes', scale: 1 }, { tolerance: 0.01, maxRounds: 20 });
    expect(result).toMatchObject({ rounds: 20, converged: false });
    expect(result.deviation).toBeLessThan(first.deviation); // the rounds help…
    expect(result.deviation).toBeGreaterThan(0.3); // …but the cut keeps the spread (0.63 here)
    const values = convSingularValuesOf(result.kernel, [8, 8]);
    expect(result.smallest).toBeCloseTo(values[values.length - 1]!, 12);
  });

  it('returns a tensor for a tensor and leaves none behind', async () => {
    await cpuBackendPlugin.activate();
    const kernel = randomKernel(2, 3, 2);
    const input = tf.tensor4d(Float32Array.from(kernel.data), kernel.shape);
    const before = tf.memory().numTensors;
    const result = await projectConvSpectrumRepeated(input, [6, 6], { mode: 'clip', max: 0.5 });
    expect(result.kernel).toBeInstanceOf(tf.Tensor);
    expect(result.kernel.shape).toEqual([3, 3, 2, 3]);
    result.kernel.dispose();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });

  it('names bad options', async () => {
    const kernel = randomKernel(2, 2, 3);
    await expect(projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'clip', max: 1 }, { maxRounds: 0 })).rejects.toThrow(/maxRounds must be a positive integer, got 0/);
    await expect(projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'clip', max: 1 }, { tolerance: -1 })).rejects.toThrow(/tolerance must be a non-negative number/);
  });
});
