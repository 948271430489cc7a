import '@tensorflow/tfjs-backend-wasm';
import { activateBackend, registerBackendPlugin, tf, unregisterBackendPlugin, BATCH_NORM_TRAINING } from '@procrustes/core';
import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { WASM_TRAINING_KERNELS } from './register-training-kernels.js';
import { wasmBackendPlugin } from './wasm-backend-plugin.js';

describe('unregistering the WASM plugin', () => {
  it("gives tfjs its own kernels back: those it replaced restored, those it added removed, and tfjs's WASM backend computes as before", async () => {
    const names = WASM_TRAINING_KERNELS.map((k) => k.kernelName);
    const original = new Map(names.map((name) => [name, getKernel(name, 'wasm')?.kernelFunc]));
    expect(original.get('Conv2D')).toBeDefined();
    expect(original.get('Conv2DBackpropFilter')).toBeUndefined();

    registerBackendPlugin(wasmBackendPlugin);
    await activateBackend('wasm');
    for (const config of WASM_TRAINING_KERNELS) expect(getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
    const x = tf.randomNormal([1, 6, 6, 4], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 4, 4], 0, 1, 'float32', 2);
    const withPlugin = await tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').data();

    unregisterBackendPlugin('wasm');
    for (const name of names) expect(getKernel(name, 'wasm')?.kernelFunc).toBe(original.get(name));
    expect(getKernel(BATCH_NORM_TRAINING, 'wasm')).toBeUndefined();
    const without = await tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').data();
    for (let i = 0; i < without.length; i++) expect(without[i]).toBeCloseTo(withPlugin[i], 4);

    // Registered again, it replaces them again.
    registerBackendPlugin(wasmBackendPlugin);
    await activateBackend('wasm');
    for (const config of WASM_TRAINING_KERNELS) expect(getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
  });
});
