import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, registerBackendPlugin, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { randomValues, relativeError } from '@procrustes/backend-conformance';
import { setWinogradMode, wasmBackendPlugin, winogradTileSize } from './index.js';

type Padding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  input: [number, number, number, number];
  outChannels: number;
  pad: Padding;
}

// Stride 1, 3×3: 'same', 'valid' and explicit (also uneven and wider than the filter) padding;
// odd sizes that leave partial tiles; channel counts that are not multiples of 4.
const explicit: Padding[] = [
  [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ],
  [
    [0, 0],
    [2, 0],
    [0, 3],
    [0, 0],
  ],
];
const cases: Case[] = [];
for (const pad of ['same', 'valid', ...explicit] as Padding[]) {
  cases.push({ input: [2, 7, 9, 3], outChannels: 5, pad });
  cases.push({ input: [3, 8, 8, 16], outChannels: 16, pad });
  cases.push({ input: [1, 11, 6, 6], outChannels: 21, pad });
}
cases.push({ input: [2, 5, 5, 33], outChannels: 7, pad: 'same' });
cases.push({ input: [1, 3, 3, 4], outChannels: 4, pad: 'valid' });

/**
 * Relative error (‖a − b‖ / ‖b‖) allowed against the CPU backend's direct float32 convolution,
 * per tile size: F(4×4,3×3)'s transforms carry larger constants (up to 8 and 1/24), which
 * amplify rounding. Measured over these cases: at most 3.4e-7 for F(2×2,3×3), 1.2e-6 for F(4×4,3×3).
 */
const TOLERANCE: Record<2 | 4, number> = { 2: 1e-6, 4: 5e-6 };

async function compute(c: Case): Promise<Record<string, Float32Array>> {
  const filter: [number, number, number, number] = [3, 3, c.input[3], c.outChannels];
  const x = tf.tensor4d(
    randomValues(
      c.input.reduce((a, b) => a * b),
      11,
    ),
    c.input,
  );
  const w = tf.tensor4d(
    randomValues(
      filter.reduce((a, b) => a * b),
      12,
    ),
    filter,
  );
  const y = tf.conv2d(x, w, 1, c.pad);
  const dy = tf.tensor4d(randomValues(y.size, 13), y.shape as [number, number, number, number]);
  const attrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const filterGradient = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter } as never) as tf.Tensor;
  const inputGradient = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.input } as never) as tf.Tensor;
  const out = {
    forward: (await y.data()) as Float32Array,
    filterGradient: (await filterGradient.data()) as Float32Array,
    inputGradient: (await inputGradient.data()) as Float32Array,
  };
  tf.dispose([x, w, y, dy, filterGradient, inputGradient]);
  return out;
}

describe('Winograd 3×3 stride-1 convolutions on WASM against the CPU backend', () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });
  afterEach(() => setWinogradMode('auto'));

  for (const m of [2, 4] as const) {
    it.each(cases.map((c) => [`F(${m}×${m},3×3) input [${c.input}] → ${c.outChannels} channels, pad ${JSON.stringify(c.pad)}`, c] as const))('%s', async (_, c) => {
      await activateBackend('cpu');
      const expected = await compute(c);
      await activateBackend('wasm');
      setWinogradMode(m);
      const before = tf.memory();
      const actual = await compute(c);
      const after = tf.memory();
      for (const key of Object.keys(expected)) expect(relativeError(actual[key], expected[key]), key).toBeLessThan(TOLERANCE[m]);
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
    });
  }

  it("'off' leaves every convolution to XNNPACK and the direct kernels, with the same results", async () => {
    await activateBackend('wasm');
    const c: Case = { input: [2, 10, 10, 16], outChannels: 16, pad: 'same' };
    setWinogradMode(4);
    const winograd = await compute(c);
    setWinogradMode('off');
    expect(winogradTileSize('forward', { inChannels: 16, outChannels: 16, outHeight: 10, outWidth: 10 })).toBeUndefined();
    const direct = await compute(c);
    for (const key of Object.keys(direct)) {
      expect(relativeError(winograd[key], direct[key]), key).toBeLessThan(TOLERANCE[4]);
      // Not bit for bit: the two modes really ran different algorithms.
      expect(Array.from(winograd[key]), key).not.toEqual(Array.from(direct[key]));
    }
  });

  it('refuses a mode that is not one, naming the choices', () => {
    expect(() => setWinogradMode(3 as never)).toThrow(/not a Winograd mode: use 'auto', 'off', 2 or 4/);
  });
});
