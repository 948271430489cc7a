import { Matrix, SVD } from 'ml-matrix';
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

  it("with explicit padding [[0, 1], [0, 1]] it is the operator of tfjs's 'same' at stride 2 on an even size (explicit matrix), which symmetric 'same' is not", async () => {
    await activateBackend('cpu');
    const kernel = tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 6) as tf.Tensor4D;
    // The operator tfjs computes, as an explicit matrix: conv2d 'same' on every basis input.
    const rows = tf.tidy(() => tf.reshape(tf.conv2d(tf.reshape(tf.eye(128), [128, 8, 8, 2]) as tf.Tensor4D, kernel, 2, 'same'), [128, -1]));
    const largest = new SVD(new Matrix(rows.arraySync() as number[][]), { autoTranspose: true }).diagonal[0]!;
    const tfjsSame = await convOperatorNorm(kernel, [8, 8], {
      stride: 2,
      padding: [
        [0, 1],
        [0, 1],
      ],
      tolerance: 1e-9,
      maxIterations: 2000,
    });
    expect(Math.abs(tfjsSame / largest - 1)).toBeLessThan(1e-4);
    const symmetric = await convOperatorNorm(kernel, [8, 8], { stride: 2, padding: 'same', tolerance: 1e-9, maxIterations: 2000 });
    expect(Math.abs(symmetric / largest - 1)).toBeGreaterThan(1e-3);
    await expect(
      convOperatorNorm(kernel, [8, 8], {
        padding: [
          [0, -1],
          [0, 1],
        ] as never,
      }),
    ).rejects.toThrow(/unknown padding \[\[0,-1\],\[0,1\]\]: choose same, valid, circular or \[\[top, bottom\], \[left, right\]\]/);
    tf.dispose([kernel, rows]);
  });
});
