import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { randomValues } from '@procrustes/backend-conformance';
import { setNativeKernelsEnabled, setWinogradMode, wasmBackendPlugin, type WinogradMode } from './index.js';

type Shape4 = [number, number, number, number];

const seeded = (shape: Shape4, seed: number) =>
  tf.tensor4d(
    randomValues(
      shape.reduce((a, b) => a * b),
      seed,
    ),
    shape,
  );

/**
 * The cases a differential check against the CPU backend found (issue 26): the gradient kernels
 * took their sizes from the convolution info instead of their tensors, and some geometries were
 * refused, trapped or read memory nobody wrote.
 */
const cases: Array<{ name: string; run: () => tf.Tensor }> = [
  {
    name: 'conv2dTranspose with an output smaller than dy (1×1 filter, valid)',
    run: () => tf.conv2dTranspose(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), tf.tensor4d([1], [1, 1, 1, 1]), [1, 1, 1, 1], 1, 'valid'),
  },
  {
    name: "conv2dTranspose 8×8×8 to 4×4×8, stride 1, 'same' (tfjs's conv2d_transpose_test)",
    run: () => tf.conv2dTranspose(seeded([1, 8, 8, 8], 1), seeded([2, 2, 8, 8], 2), [1, 4, 4, 8], 1, 'same'),
  },
  {
    name: "conv2dTranspose dy 3×3 to 2×2 with a 3×3 filter, stride 1, 'same' (Winograd read dy with the wrong row stride)",
    run: () => tf.conv2dTranspose(seeded([1, 3, 3, 1], 3), seeded([3, 3, 1, 1], 4), [1, 2, 2, 1], 1, 'same'),
  },
  {
    name: 'conv2dTranspose 4 channels, dy 6×6 to 5×5, 3×3 filter (the Winograd path)',
    run: () => tf.conv2dTranspose(seeded([2, 6, 6, 8], 5), seeded([3, 3, 4, 8], 6), [2, 5, 5, 4], 1, 'same'),
  },
  {
    name: 'input gradient with unequal strides 2×1',
    run: () => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, seeded([3, 3, 1, 1], 7), [2, 1], 'same'))(seeded([1, 4, 4, 1], 8)),
  },
  {
    name: 'input gradient with unequal strides 1×3, 4 channels',
    run: () => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, seeded([3, 2, 4, 4], 9), [1, 3], 'valid'))(seeded([2, 7, 8, 4], 10)),
  },
  {
    name: "filter gradient with dimRoundingMode 'ceil' (4 channels)",
    run: () => tf.grad((w: tf.Tensor) => tf.conv2d(seeded([1, 6, 6, 4], 11), w as tf.Tensor4D, 2, 0, 'NHWC', 1, 'ceil'))(seeded([3, 3, 4, 4], 12)),
  },
  {
    name: "filter gradient with dimRoundingMode 'ceil' (1 channel)",
    run: () => tf.grad((w: tf.Tensor) => tf.conv2d(seeded([1, 6, 6, 1], 13), w as tf.Tensor4D, 2, 0, 'NHWC', 1, 'ceil'))(seeded([3, 3, 1, 1], 14)),
  },
  {
    name: "filter gradient with dimRoundingMode 'round', 16 channels, 7×7",
    run: () => tf.grad((w: tf.Tensor) => tf.conv2d(seeded([2, 7, 7, 16], 15), w as tf.Tensor4D, 2, 1, 'NHWC', 1, 'round'))(seeded([3, 3, 16, 16], 16)),
  },
  {
    name: "input gradient with dimRoundingMode 'ceil'",
    run: () => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, seeded([3, 3, 4, 4], 17), 2, 0, 'NHWC', 1, 'ceil'))(seeded([1, 6, 6, 4], 18)),
  },
  {
    name: 'conv2dTranspose whose outputs see only padding',
    run: () =>
      tf.conv2dTranspose(seeded([1, 1, 1, 1], 19), seeded([1, 3, 1, 1], 20), [1, 2, 1, 1], 2, [
        [0, 0],
        [0, 0],
        [3, 0],
        [0, 0],
      ]),
  },
  {
    name: '1×1 filter gradient with bottom padding',
    run: () =>
      tf.grad((w: tf.Tensor) =>
        tf.conv2d(seeded([1, 1, 1, 1], 21), w as tf.Tensor4D, 1, [
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 0],
        ]),
      )(seeded([1, 1, 1, 1], 22)),
  },
  {
    name: '1×1 filter gradient with bottom and right padding, 8 channels, stride 2',
    run: () =>
      tf.grad((w: tf.Tensor) =>
        tf.conv2d(seeded([2, 5, 5, 8], 23), w as tf.Tensor4D, 2, [
          [0, 0],
          [0, 2],
          [0, 1],
          [0, 0],
        ]),
      )(seeded([1, 1, 8, 8], 24)),
  },
  // Found by the sweep (kernel-sweep.test.ts): XNNPACK's TensorFlow-SAME mode gave zeros.
  {
    name: "forward conv2d with a 1×5 filter, stride 2, 'same' (the sweep's counterexample)",
    run: () => tf.conv2d(seeded([4, 14, 31, 64], 25), seeded([1, 5, 64, 5], 26), 2, 'same'),
  },
  {
    name: "forward conv2d with a 3×1 filter, stride 3, 'same', and its gradients",
    run: () => tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 3, 'same'))([seeded([1, 7, 9, 8], 27), seeded([3, 1, 8, 5], 28)])[1],
  },
  {
    name: "forward conv2d whose 'valid' output has no positions (a 5×1 filter on 4 rows)",
    run: () => tf.conv2d(seeded([1, 4, 8, 8], 29), seeded([5, 1, 8, 5], 30), 1, 'valid'),
  },
  {
    name: 'filter gradient whose width taps read only padding (the sweep: 27×1 input, left padding 2, a 3×2 filter, stride 3)',
    run: () =>
      tf.grad((w: tf.Tensor) =>
        tf.conv2d(seeded([4, 27, 1, 15], 31), w as tf.Tensor4D, 3, [
          [0, 0],
          [1, 0],
          [2, 1],
          [0, 0],
        ]),
      )(seeded([3, 2, 15, 56], 32)),
  },
];

async function valuesOf(run: () => tf.Tensor): Promise<{ shape: number[]; values: number[] }> {
  const result = tf.tidy(run);
  const out = { shape: result.shape, values: Array.from(await result.data()) };
  result.dispose();
  return out;
}

describe('convolution kernels on the shapes a differential check and the sweep found wrong (against the CPU backend)', () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });

  for (const { name, run } of cases) {
    it(name, async () => {
      await activateBackend('cpu');
      const expected = await valuesOf(run);
      await activateBackend('wasm');
      for (const [winograd, native] of [
        ['auto', true],
        [2, true],
        [4, true],
        ['off', true],
        ['auto', false],
      ] as Array<[WinogradMode, boolean]>) {
        setWinogradMode(winograd);
        setNativeKernelsEnabled(native);
        try {
          const before = tf.memory().numTensors;
          const actual = await valuesOf(run);
          expect(tf.memory().numTensors, `tensors leaked (Winograd ${winograd}, native ${native})`).toBe(before);
          expect(actual.shape, `Winograd ${winograd}, native ${native}`).toEqual(expected.shape);
          for (let i = 0; i < expected.values.length; i++)
            expect(
              Math.abs(actual.values[i] - expected.values[i]),
              `Winograd ${winograd}, native ${native}: value ${i} is ${actual.values[i]}, not ${expected.values[i]}`,
            ).toBeLessThan(1e-4 * (1 + Math.abs(expected.values[i])));
        } finally {
          setWinogradMode('auto');
          setNativeKernelsEnabled(true);
        }
      }
    });
  }
});
