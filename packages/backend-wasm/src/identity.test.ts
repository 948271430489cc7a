import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf } from '@procrustes/core';
import { wasmBackendPlugin } from './index.js';

describe('Identity on WASM shares the buffer instead of copying it', () => {
  beforeAll(async () => {
    registerBackendPlugin(wasmBackendPlugin);
    await activateBackend('wasm');
  });

  it('a clone adds a tensor but no buffer, and keeps its values after the original is freed and the memory reused', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const x = tf.tensor2d(values, [10, 100]);
    const before = tf.memory();
    const copy = x.clone();
    expect(tf.memory().numTensors).toBe(before.numTensors + 1);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
    // New tensors of the same size would take the freed memory if the clone did not hold it.
    const others = Array.from({ length: 4 }, () => tf.fill([10, 100], 7));
    expect(Array.from(copy.dataSync())).toEqual(Array.from(values));
    const buffers = tf.memory().numDataBuffers;
    copy.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
    tf.dispose(others);
  });

  it("the engine's clone of a saved tensor refers to the same buffer", () => {
    const x = tf.tensor1d([1, 2, 3]);
    const clone = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(clone.dataId).toBe(x.dataId);
    expect(Array.from(clone.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([x, clone]);
  });
});
