import * as tf from '@tensorflow/tfjs-core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { convSingularValues } from '@procrustes/spectral';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConvGeometry, circularGridSize } from './conv-geometry.js';
import { procrustes, SpectralConstraint, spectralClip } from './spectral-constraint.js';
import { denseSingularValues, explicitOperatorSingularValues } from './test-support/explicit-operator.js';

beforeAll(async () => {
  await cpuBackendPlugin.activate();
});

const kernel = (shape: [number, number, number, number], std: number, seed: number) => tf.randomNormal(shape, 0, std, 'float32', seed) as tf.Tensor4D;

// Odd and even sizes, strides 1 and 2 ('same' pads 1/1 on odd sizes and 0/1 on even ones at stride 2), 'valid'.
const GEOMETRIES: Array<[string, ConvGeometry, [number, number, number, number]]> = [
  ['7×7, stride 2, same (pads 1/1)', { inputSize: [7, 7], strides: [2, 2], padding: 'same' }, [3, 3, 2, 3]],
  ['8×8, stride 2, same (pads 0/1)', { inputSize: [8, 8], strides: [2, 2], padding: 'same' }, [3, 3, 2, 2]],
  ['6×5, stride 1, same', { inputSize: [6, 5], strides: [1, 1], padding: 'same' }, [3, 3, 2, 2]],
  ['9×9, stride 1, valid, 5×5 kernel', { inputSize: [9, 9], strides: [1, 1], padding: 'valid' }, [5, 5, 1, 2]],
];

describe('spectralClip on a Conv2D kernel', () => {
  it.each(GEOMETRIES)('%s: bounds the operator tfjs computes (explicit matrix) by max·(1 + tolerance)', (_, geometry, shape) => {
    const w = kernel(shape, 0.8, 3);
    const before = explicitOperatorSingularValues(w, geometry);
    expect(before[0]).toBeGreaterThan(1.5); // the bound has work to do
    const constraint = spectralClip({ max: 1, ...geometry, tolerance: 0.01 });
    const clipped = constraint.apply(w) as tf.Tensor4D;
    const after = explicitOperatorSingularValues(clipped, geometry);
    expect(after[0]).toBeLessThanOrEqual(1.01 + 1e-5);
    expect(constraint.lastProjection).toMatchObject({ operator: 'convolution', grid: circularGridSize(geometry, [shape[0], shape[1]]), converged: true });
    expect(constraint.lastProjection!.largest).toBeLessThanOrEqual(1.01);
    expect(constraint.lastProjection!.largest).toBeGreaterThanOrEqual(after[0]! - 1e-5); // the circular bound holds
    tf.dispose([w, clipped]);
  });

  it("is needed on the padded grid: clipping the circular operator at the input's own size does not bound tfjs's 'same' operator", async () => {
    const geometry: ConvGeometry = { inputSize: [8, 8], strides: [2, 2], padding: 'same' };
    const w = kernel([3, 3, 2, 2], 0.8, 5);
    // The circular operator at 8×8 with stride 2 (what convSingularValues measures) against tfjs's.
    const circularAtInput = await convSingularValues(w, [8, 8], { stride: 2 });
    const explicit = explicitOperatorSingularValues(w, geometry);
    expect(Math.abs(circularAtInput[0]! - explicit[0]!) / explicit[0]!).toBeGreaterThan(0.01);
    w.dispose();
  });

  it("given only the input size, bounds the layer whatever its stride and padding (the grid n + k − 1 contains every geometry's operator)", () => {
    const w = kernel([3, 3, 2, 2], 0.8, 9);
    const clipped = spectralClip({ max: 1, inputSize: 8 }).apply(w) as tf.Tensor4D;
    for (const geometry of [
      { inputSize: [8, 8], strides: [2, 2], padding: 'same' },
      { inputSize: [8, 8], strides: [1, 1], padding: 'valid' },
      { inputSize: [8, 8], strides: [3, 3], padding: 'same' },
    ] as ConvGeometry[]) {
      expect(explicitOperatorSingularValues(w, geometry)[0]).toBeGreaterThan(1.2);
      expect(explicitOperatorSingularValues(clipped, geometry)[0], JSON.stringify(geometry)).toBeLessThanOrEqual(1.01 + 1e-5);
    }
    tf.dispose([w, clipped]);
  });

  it('leaves a kernel already within the bound as it is', () => {
    const geometry: ConvGeometry = { inputSize: [7, 7], strides: [1, 1], padding: 'same' };
    const w = kernel([3, 3, 2, 2], 0.05, 7);
    const constraint = spectralClip({ max: 1, ...geometry });
    const same = constraint.apply(w);
    expect(constraint.lastProjection!.rounds).toBe(0);
    expect(tf.max(tf.abs(tf.sub(same, w))).dataSync()[0]).toBe(0);
    tf.dispose([w, same]);
  });
});

describe('procrustes on a Conv2D kernel', () => {
  it('makes every singular value of the circular operator on the padded grid equal to scale within the tolerance, which bounds the layer', () => {
    const geometry: ConvGeometry = { inputSize: [7, 7], strides: [2, 2], padding: 'same' };
    const w = kernel([3, 3, 2, 2], 0.5, 11);
    const constraint = procrustes({ scale: 1, ...geometry, tolerance: 0.05, maxRounds: 400 });
    const projected = constraint.apply(w) as tf.Tensor4D;
    const reached = constraint.lastProjection!;
    expect(reached.converged).toBe(true);
    expect(reached.largest).toBeLessThanOrEqual(1.05);
    expect(reached.smallest).toBeGreaterThanOrEqual(0.95);
    expect(explicitOperatorSingularValues(projected, geometry)[0]).toBeLessThanOrEqual(1.05 + 1e-5);
    tf.dispose([w, projected]);
  });
});

describe('the constraints on a Dense kernel', () => {
  it('clip caps the largest singular value and procrustes sets them all, exactly', () => {
    const w = tf.randomNormal([6, 4], 0, 1, 'float32', 13);
    expect(denseSingularValues(w)[0]).toBeGreaterThan(1.5);
    const clipped = spectralClip({ max: 1 }).apply(w);
    const values = denseSingularValues(clipped);
    expect(values[0]).toBeCloseTo(1, 5);
    const orthogonal = procrustes({ scale: 2 }).apply(w);
    for (const value of denseSingularValues(orthogonal)) expect(value).toBeCloseTo(2, 5);
    tf.dispose([w, clipped, orthogonal]);
  });
});

describe('a kernel written before the input size is known', () => {
  it('is left as it is, said once (tfjs writes every weight when it loads a model): a saved model stays loadable', () => {
    const w = kernel([3, 3, 1, 1], 1, 1);
    const constraint = spectralClip({ max: 1 });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const same = constraint.apply(w);
      constraint.apply(w).dispose();
      expect(tf.max(tf.abs(tf.sub(same, w))).dataSync()[0]).toBe(0);
      same.dispose();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/before the constraint knew its layer's input size, and was left as it is: pass inputSize/);
    expect(constraint.lastProjection).toBeUndefined();
    w.dispose();
  });
});

describe('bad inputs', () => {
  it('names the problem and the fix', () => {
    const w = kernel([3, 3, 1, 1], 1, 1);
    expect(() => spectralClip({ max: -1 })).toThrow(/max must be a non-negative number, got -1/);
    expect(() => procrustes({ scale: 0 })).toThrow(/scale must be a positive number, got 0/);
    expect(() => spectralClip({ max: 1, inputSize: [8, 8], padding: 'causal' as never })).toThrow(/padding 'causal' is not supported/);
    expect(() => spectralClip({ max: 1 }).apply(tf.zeros([3]))).toThrow(/Conv2D kernels \[kh, kw, in, out\] and Dense kernels/);
    expect(() => new SpectralConstraint({ mode: 'unknown' } as never)).toThrow(/needs mode 'clip' or 'procrustes'/);
    const bound = spectralClip({ max: 1, strides: 1 });
    expect(() => bound.bind('conv', { inputSize: [8, 8], strides: [2, 2], padding: 'same' })).toThrow(/on layer 'conv' was given strides 1 \(the layer's are 2×2\)/);
    w.dispose();
  });
});
