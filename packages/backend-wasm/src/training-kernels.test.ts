import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { randomValues, relativeError } from '@procrustes/backend-conformance';
import { setNativeKernelsEnabled, wasmBackendPlugin } from './index.js';
import { nativeKernels } from './native-kernels.js';

type Padding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Padding;
}

const cases: Case[] = [];
for (const stride of [1, 2]) {
  for (const pad of [
    'same',
    'valid',
    [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  ] as Padding[]) {
    for (const input of [
      [2, 7, 7, 3],
      [3, 8, 6, 4],
    ] as Array<[number, number, number, number]>) {
      for (const k of [1, 3]) cases.push({ input, filter: [k, k, input[3], 5], stride, pad });
    }
  }
}
cases.push({ input: [2, 9, 9, 2], filter: [5, 3, 2, 3], stride: 2, pad: 'same' });
// 1×1 filters with more input than output channels take the other operand order of the matrix product.
cases.push({ input: [2, 7, 7, 6], filter: [1, 1, 6, 2], stride: 1, pad: 'valid' });
cases.push({ input: [2, 8, 8, 6], filter: [1, 1, 6, 2], stride: 2, pad: 'same' });
// Channel counts divisible by 4 take the hand-written filter-gradient kernel (blocks of 16 and 4
// output channels), for every stride and padding.
for (const stride of [1, 2]) {
  for (const pad of [
    'same',
    'valid',
    [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  ] as Padding[]) {
    cases.push({ input: [2, 7, 7, 4], filter: [3, 3, 4, 8], stride, pad });
    cases.push({ input: [2, 8, 9, 8], filter: [3, 2, 8, 20], stride, pad });
  }
}
cases.push({ input: [3, 6, 6, 16], filter: [1, 1, 16, 4], stride: 1, pad: 'valid' });
cases.push({ input: [2, 9, 9, 4], filter: [5, 5, 4, 16], stride: 2, pad: 'same' });

const label = (c: Case) => `input [${c.input}] filter [${c.filter}] stride ${c.stride} pad ${JSON.stringify(c.pad)}`;

/** The kernels' outputs and the full conv2d gradients, read back to the host. */
async function compute(c: Case): Promise<Record<string, Float32Array>> {
  const x = tf.tensor4d(
    randomValues(
      c.input.reduce((a, b) => a * b),
      1,
    ),
    c.input,
  );
  const w = tf.tensor4d(
    randomValues(
      c.filter.reduce((a, b) => a * b),
      2,
    ),
    c.filter,
  );
  const y = tf.conv2d(x, w, c.stride, c.pad);
  const dy = tf.tensor4d(randomValues(y.size, 3), y.shape as [number, number, number, number]);
  const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const filterGradient = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.filter } as never) as tf.Tensor;
  const inputGradient = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.input } as never) as tf.Tensor;
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([x, w]);
  const out = {
    forward: (await y.data()) as Float32Array,
    filterGradient: (await filterGradient.data()) as Float32Array,
    inputGradient: (await inputGradient.data()) as Float32Array,
    gradientX: (await gx.data()) as Float32Array,
    gradientW: (await gw.data()) as Float32Array,
  };
  tf.dispose([x, w, y, dy, filterGradient, inputGradient, gx, gw]);
  return out;
}

describe('WASM training kernels against the CPU backend', () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    await activateBackend('cpu');
    const expected = await compute(c);
    await activateBackend('wasm');
    const before = tf.memory();
    const actual = await compute(c);
    const after = tf.memory();
    for (const key of Object.keys(expected)) {
      expect(relativeError(actual[key], expected[key]), key).toBeLessThan(1e-5);
    }
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
  });

  it('runs the hand-written filter-gradient kernel in Node, and it agrees with the XNNPACK formulation it replaces (the forward convolution stays XNNPACK)', async () => {
    await activateBackend('wasm');
    expect(nativeKernels(tf.backend())).toBeDefined();
    const x = tf.tensor4d(randomValues(4 * 10 * 10 * 8, 5), [4, 10, 10, 8]);
    const dy = tf.tensor4d(randomValues(4 * 5 * 5 * 12, 6), [4, 5, 5, 12]);
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 8, 12] } as never;
    const w = tf.tensor4d(randomValues(3 * 3 * 8 * 12, 7), [3, 3, 8, 12]);
    const run = () => [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor, tf.conv2d(x, w, 2, 'same')];
    const native = run();
    setNativeKernelsEnabled(false);
    try {
      const fallback = run();
      for (let k = 0; k < 2; k++) {
        expect(relativeError((await native[k].data()) as Float32Array, (await fallback[k].data()) as Float32Array)).toBeLessThan(1e-5);
      }
      tf.dispose(fallback);
    } finally {
      setNativeKernelsEnabled(true);
    }
    tf.dispose([x, dy, w, ...native]);
  });

  it('computes strided input gradients phase by phase in place (native scatter), equal to the one-convolution formulation used without the native kernels', async () => {
    await activateBackend('wasm');
    expect(nativeKernels(tf.backend())).toBeDefined();
    const shapes: Array<{ input: [number, number, number, number]; filter: [number, number, number, number]; pad: Padding }> = [
      {
        input: [3, 12, 12, 8],
        filter: [3, 3, 8, 16],
        pad: [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
      },
      { input: [2, 7, 9, 5], filter: [1, 1, 5, 6], pad: 'valid' }, // phases no tap reaches stay zeros
      { input: [2, 9, 8, 3], filter: [5, 3, 3, 7], pad: 'same' },
    ];
    const seeded = (dims: [number, number, number, number], seed: number) =>
      tf.tensor4d(
        randomValues(
          dims.reduce((a, b) => a * b),
          seed,
        ),
        dims,
      );
    for (const shape of shapes) {
      const x = seeded(shape.input, 11);
      const w = seeded(shape.filter, 12);
      const y = tf.conv2d(x, w, 2, shape.pad);
      const dy = seeded(y.shape as [number, number, number, number], 13);
      const attrs = { strides: [2, 2], pad: shape.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: shape.input } as never;
      const run = () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor;
      const before = tf.memory().numTensors;
      const phaseWise = run();
      setNativeKernelsEnabled(false);
      let combined: tf.Tensor;
      try {
        combined = run();
      } finally {
        setNativeKernelsEnabled(true);
      }
      expect(phaseWise.shape).toEqual(shape.input);
      expect(relativeError((await phaseWise.data()) as Float32Array, (await combined.data()) as Float32Array), JSON.stringify(shape)).toBeLessThan(1e-5);
      tf.dispose([phaseWise, combined]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, y, dy]);
    }
  });

  it('replaces the native Conv2DBackpropInput and adds Conv2DBackpropFilter', async () => {
    await activateBackend('wasm');
    const names = tf.getKernelsForBackend('wasm').map((k) => k.kernelName);
    expect(names).toContain('Conv2DBackpropFilter');
    const input = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(input?.kernelFunc.name).toBe('conv2dBackpropInput');
  });
});
