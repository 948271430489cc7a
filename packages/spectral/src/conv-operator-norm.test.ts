import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { convOperatorNorm } from './conv-operator-norm.js';
import { convSingularValues } from './conv-singular-values.js';
import { goldenCases } from './golden.js';

describe('convOperatorNorm (power iteration on the backend)', () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`with circular padding equals the largest golden singular value on ${backend}`, async () => {
      await activateBackend(backend);
      const before = tf.memory().numTensors;
      for (const c of goldenCases()) {
        const norm = await convOperatorNorm(c.kernel, c.inputSize, { stride: c.stride, padding: 'circular' });
        expect(Math.abs(norm - c.singularValues[0]) / c.singularValues[0], c.kernel.shape.join('x')).toBeLessThan(1e-4);
      }
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }

  it("with 'same' zero padding it is bounded by the circular spectrum of a larger input (zero padding only removes terms)", async () => {
    await activateBackend('wasm');
    const c = goldenCases()[3];
    const same = await convOperatorNorm(c.kernel, c.inputSize, { padding: 'same' });
    const valid = await convOperatorNorm(c.kernel, c.inputSize, { padding: 'valid' });
    const [n, m] = c.inputSize;
    const circularLarger = (await convSingularValues(c.kernel, [n + 2, m + 2]))[0];
    expect(same).toBeLessThanOrEqual(circularLarger * (1 + 1e-5));
    expect(valid).toBeLessThanOrEqual(same * (1 + 1e-5));
    expect(valid).toBeGreaterThan(0);
  });
});
