import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../register-gradients.js';
import { batchNorm } from './batch-norm.js';

describe('batchNorm (PyTorch semantics)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const x = () => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13], [3, 2, 1, 2]);
  const parameters = () => ({
    gamma: tf.tensor1d([2, 1]),
    beta: tf.tensor1d([0.5, -1]),
    movingMean: tf.tensor1d([1, 1]),
    movingVariance: tf.tensor1d([2, 3]),
  });

  it('training normalises with the biased batch variance and updates running statistics with the unbiased one', () => {
    const result = batchNorm(x(), parameters(), { training: true });
    // Channel 0 holds 1,3,5,7,9,11: mean 6, biased variance 35/3, unbiased 14.
    const channel0 = Array.from(result.y.dataSync()).filter((_, i) => i % 2 === 0);
    const expected = [1, 3, 5, 7, 9, 11].map((v) => (2 * (v - 6)) / Math.sqrt(35 / 3 + 1e-5) + 0.5);
    channel0.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 5);
    });
    expect(result.movingMean!.dataSync()[0]).toBeCloseTo(0.9 * 1 + 0.1 * 6, 6);
    expect(result.movingVariance!.dataSync()[0]).toBeCloseTo(0.9 * 2 + 0.1 * 14, 5);
  });

  it('evaluation uses the running statistics and returns none', () => {
    const result = batchNorm(x(), parameters(), { training: false });
    expect(result.movingMean).toBeUndefined();
    expect(result.y.dataSync()[0]).toBeCloseTo((2 * (1 - 1)) / Math.sqrt(2 + 1e-5) + 0.5, 6);
    expect(result.y.dataSync()[1]).toBeCloseTo((2 - 1) / Math.sqrt(3 + 1e-5) - 1, 6);
  });

  it("training gradients, with and without the fused ReLU, equal autodiff through tfjs's own moments, batchNorm and relu (CPU reference)", () => {
    const shape: [number, number, number, number] = [4, 3, 2, 3];
    const size = shape.reduce((a, b) => a * b);
    // A channel mean far from zero checks that the centred form does not lose precision.
    const xValues = Array.from({ length: size }, (_, i) => Math.sin(i * 1.7) * 2 + (i % 3) * 5);
    const weights = tf.tensor4d(
      Array.from({ length: size }, (_, i) => Math.cos(i * 0.9)),
      shape,
    );
    const input = tf.tensor4d(xValues, shape);
    const gamma = tf.tensor1d([1.5, -0.7, 0.3]);
    const beta = tf.tensor1d([0.1, 0.2, -0.3]);
    for (const relu of [false, true]) {
      const ours = tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            batchNorm(xi as tf.Tensor4D, { gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D, movingMean: tf.zeros([3]), movingVariance: tf.ones([3]) }, { training: true, relu }).y,
            weights,
          ),
        ),
      )([input, gamma, beta]);
      const reference = tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(xi, [0, 1, 2]);
        const normalized = tf.batchNorm(xi as tf.Tensor4D, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5);
        return tf.sum(tf.mul(relu ? tf.relu(normalized) : normalized, weights));
      })([input, gamma, beta]);
      for (let k = 0; k < 3; k++) {
        const a = ours[k].dataSync();
        const r = reference[k].dataSync();
        const scale = Math.max(...Array.from(r, Math.abs));
        const worst = Math.max(...Array.from(a, (v, i) => Math.abs(v - r[i])));
        expect(worst / scale, `${relu ? 'with' : 'without'} ReLU, gradient ${k}`).toBeLessThan(1e-4);
      }
    }
  });
});
