import { describe, expect, it } from 'vitest';
import { tf } from '@procrustes/core';
import { convOperatorNorm, projectConvSpectrum } from './index.js';

// This file registers no backend: what a user who forgot to activate one sees.
describe('without a TensorFlow.js backend', () => {
  const kernel = { shape: [3, 3, 1, 1] as [number, number, number, number], data: new Float64Array(9).fill(0.1) };

  it('the tensor computations say how to get one, not tfjs\'s bare "No backend found in registry."', async () => {
    expect(() => tf.square(tf.tensor([1]))).toThrow(/No backend found in registry/);
    await expect(convOperatorNorm(kernel, [8, 8])).rejects.toThrow(
      /convOperatorNorm computes on a TensorFlow\.js backend and none is registered: activate one first.*wasmBackendPlugin\.activate\(\)/,
    );
    await expect(projectConvSpectrum(kernel, [8, 8], { mode: 'procrustes', scale: 1 }, { method: 'newton-schulz' })).rejects.toThrow(
      /newton-schulz' computes on a TensorFlow\.js backend/,
    );
  });

  it('the exact spectra and projection need none', async () => {
    const projected = await projectConvSpectrum(kernel, [8, 8], { mode: 'clip', max: 0.5 });
    expect(projected.shape).toEqual([3, 3, 1, 1]);
  });
});
