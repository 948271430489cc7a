import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { randomValues, relativeError } from '@procrustes/backend-conformance';
import { batchNormPasses } from './batch-norm-passes.js';
import { wasmBackendPlugin } from './index.js';

/**
 * A property-based sweep over the shapes users send: convolution geometries drawn at random
 * (odd sizes and sizes smaller than a tile, prime channel counts and multiples of 4, 1×1 to 5×5
 * filters, strides 1–3, 'same', 'valid' and explicit padding), the forward convolution, its
 * input and filter gradients and the batch-norm training kernels checked against the CPU
 * backend. Fixed seed and 150 draws in CI; PROCRUSTES_LONG_TESTS=1 draws 3,000 (PROCRUSTES_SWEEP_RUNS and
 * PROCRUSTES_SWEEP_SEED choose others). Counterexamples
 * found are kept as regular tests (gradient-kernel-shapes.test.ts).
 */
const RUNS = Number(process.env.PROCRUSTES_SWEEP_RUNS ?? (process.env.PROCRUSTES_LONG_TESTS ? 3000 : 150));
const SEED = Number(process.env.PROCRUSTES_SWEEP_SEED ?? 26);
/** Relative error (‖a − b‖ / ‖b‖) allowed: float32 sums in another order, Winograd F(4×4) within 4e-6. */
const TOLERANCE = 2e-5;

const channels = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(4, 8, 16, 32, 64), fc.constantFrom(7, 13, 31, 37, 67), fc.integer({ min: 1, max: 70 }));
const padding = fc.oneof(
  fc.constantFrom<'same' | 'valid'>('same', 'valid'),
  fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)).map(
    ([t, b, l, r]) =>
      [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ] as [[number, number], [number, number], [number, number], [number, number]],
  ),
);
const geometry = fc
  .record({
    batch: fc.integer({ min: 1, max: 5 }),
    height: fc.integer({ min: 1, max: 33 }),
    width: fc.integer({ min: 1, max: 33 }),
    inChannels: channels,
    outChannels: channels,
    filterHeight: fc.constantFrom(1, 2, 3, 5),
    filterWidth: fc.constantFrom(1, 2, 3, 5),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: padding,
  })
  // Geometries tfjs accepts (an output of at least one position) and that the CPU reference
  // computes in reasonable time.
  .filter((g) => {
    const padded = (size: number, filter: number, before: number, after: number) => (g.pad === 'same' ? size : size + before + after - filter + 1);
    const [t, b] = Array.isArray(g.pad) ? g.pad[1] : [0, 0];
    const [l, r] = Array.isArray(g.pad) ? g.pad[2] : [0, 0];
    const work = g.batch * g.height * g.width * g.inChannels * g.outChannels * g.filterHeight * g.filterWidth;
    return padded(g.height, g.filterHeight, t, b) >= 1 && padded(g.width, g.filterWidth, l, r) >= 1 && work <= 4e6;
  });
type Geometry = typeof geometry extends fc.Arbitrary<infer T> ? T : never;

async function convolutionPasses(g: Geometry): Promise<Record<string, Float32Array>> {
  const x = tf.tensor4d(randomValues(g.batch * g.height * g.width * g.inChannels, 1), [g.batch, g.height, g.width, g.inChannels]);
  const w = tf.tensor4d(randomValues(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, 2), [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  const y = tf.conv2d(x, w, g.stride, g.pad);
  const dy = tf.tensor4d(randomValues(y.size, 3), y.shape as [number, number, number, number]);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.stride, g.pad), dy)))([x, w]);
  const out = { forward: (await y.data()) as Float32Array, inputGradient: (await dx.data()) as Float32Array, filterGradient: (await dw.data()) as Float32Array };
  tf.dispose([x, w, y, dy, dx, dw]);
  return out;
}

/** The largest relative error of any output, WASM against CPU, and whether WASM left tensors behind. */
async function againstCpu(compute: () => Promise<Record<string, Float32Array>>): Promise<{ worst: string; error: number; leaked: number }> {
  await activateBackend('cpu');
  const expected = await compute();
  await activateBackend('wasm');
  const before = tf.memory().numTensors;
  const actual = await compute();
  const leaked = tf.memory().numTensors - before;
  let worst = '';
  let error = 0;
  for (const key of Object.keys(expected)) {
    const e = relativeError(actual[key], expected[key]);
    if (!(e <= error)) [worst, error] = [key, e];
  }
  return { worst, error, leaked };
}

describe(`a property-based sweep of the WASM kernels against the CPU backend (${RUNS} geometries, seed ${SEED})`, () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });

  it('convolution: forward, input gradient and filter gradient', async () => {
    await fc.assert(
      fc.asyncProperty(geometry, async (g) => {
        const { worst, error, leaked } = await againstCpu(() => convolutionPasses(g));
        expect(error, `${worst} off by ${error}`).toBeLessThan(TOLERANCE);
        expect(leaked).toBe(0);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);

  it('batch-norm training kernels: output and gradients', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), channels), fc.boolean(), async (shape, relu) => {
        // At least 16 positions per channel: with fewer, dx is a difference of nearly equal terms
        // (with 2 positions its size is proportional to ε) and neither float32 implementation, the
        // kernels' or core's composition on the CPU, is accurate to 1e-4 of it.
        fc.pre(shape[0] * shape[1] * shape[2] >= 16);
        // Centred data: with channel means in the hundreds, y lands within float32 noise of 0
        // often enough that the ReLU mask differs between two correct implementations (the
        // offset case is batch-norm-training.test.ts's, on chosen shapes).
        const { worst, error, leaked } = await againstCpu(() => batchNormPasses(shape, relu, 0));
        expect(error, `${worst} off by ${error}`).toBeLessThan(1e-4);
        expect(leaked).toBe(0);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
