import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf, BATCH_NORM_TRAINING } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { relativeError } from '@procrustes/backend-conformance';
import { batchNormPasses } from './batch-norm-passes.js';
import { setNativeKernelsEnabled, wasmBackendPlugin } from './index.js';

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
        const expected = await batchNormPasses(shape, relu);
        await activateBackend('wasm');
        expect(tf.getKernel(BATCH_NORM_TRAINING, 'wasm')).toBeDefined();
        const before = tf.memory().numTensors;
        const actual = await batchNormPasses(shape, relu);
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
      const composed = await batchNormPasses([2, 5, 5, 8], true);
      setNativeKernelsEnabled(true);
      expect(tf.getKernel(BATCH_NORM_TRAINING, 'wasm')).toBeDefined();
      const fused = await batchNormPasses([2, 5, 5, 8], true);
      for (const key of Object.keys(composed)) expect(relativeError(fused[key], composed[key]), key).toBeLessThan(2e-5);
    } finally {
      setNativeKernelsEnabled(true);
    }
  });
});
