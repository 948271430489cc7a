import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, batchNorm, registerBackendPlugin, tf, BATCH_NORM_TRAINING } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { randomValues, relativeError } from '@procrustes/backend-conformance';
import { setNativeKernelsEnabled, wasmBackendPlugin } from './index.js';

/** Training-mode batch norm's output, statistics and gradients, read back to the host. */
async function compute(shape: [number, number, number, number], relu: boolean): Promise<Record<string, Float32Array>> {
  const size = shape.reduce((a, b) => a * b);
  const channels = shape[3];
  // Channel means far from zero: the kernels must centre before they square.
  const x = tf.tidy(() => tf.add(tf.tensor4d(randomValues(size, 11), shape), tf.mul(tf.range(0, channels), 3)) as tf.Tensor4D);
  const weights = tf.tensor4d(randomValues(size, 12), shape);
  const gamma = tf.tensor1d(randomValues(channels, 13));
  const beta = tf.tensor1d(randomValues(channels, 14));
  const parameters = { gamma, beta, movingMean: tf.zeros([channels]) as tf.Tensor1D, movingVariance: tf.ones([channels]) as tf.Tensor1D };
  const result = batchNorm(x, parameters, { training: true, relu });
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(batchNorm(a as tf.Tensor4D, { ...parameters, gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D }, { training: true, relu }).y, weights)),
  )([x, gamma, beta]);
  const out = {
    y: (await result.y.data()) as Float32Array,
    movingMean: (await result.movingMean!.data()) as Float32Array,
    movingVariance: (await result.movingVariance!.data()) as Float32Array,
    dx: (await grads[0].data()) as Float32Array,
    dgamma: (await grads[1].data()) as Float32Array,
    dbeta: (await grads[2].data()) as Float32Array,
  };
  tf.dispose([x, weights, gamma, beta, parameters.movingMean, parameters.movingVariance, result.y, result.movingMean!, result.movingVariance!, ...grads]);
  return out;
}

describe("WASM batch-norm kernels against core's composition on the CPU backend", () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });

  // The kernels take channels 16 (backward: 8) at a time, then 4, then one by one: 21, 9 and 6
  // channels take every path; 3×20×20 positions span several 256-position blocks.
  for (const shape of [
    [2, 5, 5, 8],
    [3, 10, 10, 21],
    [3, 20, 20, 16],
    [2, 7, 3, 9],
    [4, 3, 3, 6],
  ] as Array<[number, number, number, number]>) {
    for (const relu of [false, true]) {
      it(`[${shape}] ${relu ? 'with' : 'without'} ReLU: output, running statistics and gradients agree; nothing leaks`, async () => {
        await activateBackend('cpu');
        const expected = await compute(shape, relu);
        await activateBackend('wasm');
        expect(tf.getKernel(BATCH_NORM_TRAINING, 'wasm')).toBeDefined();
        const before = tf.memory().numTensors;
        const actual = await compute(shape, relu);
        expect(tf.memory().numTensors).toBe(before);
        for (const key of Object.keys(expected)) expect(relativeError(actual[key], expected[key]), key).toBeLessThan(2e-5);
      });
    }
  }

  it('setNativeKernelsEnabled(false) withdraws the kernels, and core composes batch norm from tfjs ops', async () => {
    await activateBackend('wasm');
    setNativeKernelsEnabled(false);
    try {
      expect(tf.getKernel(BATCH_NORM_TRAINING, 'wasm')).toBeUndefined();
      const composed = await compute([2, 5, 5, 8], true);
      setNativeKernelsEnabled(true);
      expect(tf.getKernel(BATCH_NORM_TRAINING, 'wasm')).toBeDefined();
      const fused = await compute([2, 5, 5, 8], true);
      for (const key of Object.keys(composed)) expect(relativeError(fused[key], composed[key]), key).toBeLessThan(2e-5);
    } finally {
      setNativeKernelsEnabled(true);
    }
  });
});
