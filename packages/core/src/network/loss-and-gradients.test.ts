import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../register-gradients.js';
import { createRandomState, fillNormal } from '../random.js';
import { buildNetworkSpec } from './build-network-spec.js';
import { forward } from './forward.js';
import { softmaxCrossEntropy } from './loss.js';
import { assignStatistics, disposeLossAndGradients, lossAndGradients } from './loss-and-gradients.js';
import { disposeParameters, initializeParameters } from './parameters.js';
import type { Family } from './spec.js';

function normals(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  fillNormal(createRandomState(seed), out);
  return out;
}

describe('lossAndGradients against finite differences', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const family of ['resnet', 'plain', 'procresnet'] as Family[]) {
    for (const block of ['basic', 'bottleneck'] as const) {
      it(`${family} ${block}: the directional derivative matches ⟨gradient, direction⟩`, async () => {
        const spec = buildNetworkSpec({ family, block, n: 1, width: 2, inputShape: [6, 6, 2], classes: 3 });
        const parameters = initializeParameters(spec, 1);
        const x = tf.tensor4d(normals(4 * 6 * 6 * 2, 2), [4, 6, 6, 2]);
        const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
        const before = tf.memory().numTensors;
        const result = lossAndGradients(spec, parameters, x, labels);
        const trainable = spec.parameters.filter((p) => p.trainable);
        const directions = trainable.map((p, i) =>
          normals(
            p.shape.reduce((a, b) => a * b, 1),
            100 + i,
          ),
        );
        // A unit direction, so that the finite-difference step is small for every weight.
        const norm = Math.sqrt(directions.reduce((s, d) => s + d.reduce((t, v) => t + v * v, 0), 0));
        for (const d of directions) for (let k = 0; k < d.length; k++) d[k] /= norm;
        let analytic = 0;
        trainable.forEach((p, i) => {
          const g = result.gradients[p.name].dataSync();
          for (let k = 0; k < g.length; k++) analytic += g[k] * directions[i][k];
        });
        disposeLossAndGradients(result);
        expect(tf.memory().numTensors).toBe(before);

        const lossAt = (t: number): number =>
          tf.tidy(() => {
            const shifted: Record<string, tf.Tensor> = { ...parameters };
            trainable.forEach((p, i) => {
              shifted[p.name] = tf.add(parameters[p.name], tf.mul(tf.tensor(directions[i], p.shape), t));
            });
            const { logits } = forward(spec, shifted, x, { training: true });
            return softmaxCrossEntropy(logits, labels).dataSync()[0];
          });
        // Central differences at a few step sizes: float32 rounding of the loss (≈1e-7·L) limits
        // small steps, ReLU kinks and curvature limit large ones; a correct gradient agrees at
        // some step within both limits.
        const base = lossAt(0);
        const errors = [3e-3, 1e-2, 3e-2].map((h) => {
          const numeric = (lossAt(h) - lossAt(-h)) / (2 * h);
          const roundingLimit = (8 * 1.2e-7 * Math.abs(base)) / h;
          return Math.abs(numeric - analytic) / (2e-2 * Math.abs(analytic) + roundingLimit);
        });
        expect(Math.min(...errors), `analytic ${analytic}, scaled errors ${errors.map((e) => e.toFixed(2))}`).toBeLessThan(1);
        disposeParameters(parameters);
        tf.dispose([x, labels]);
      });
    }
  }

  it('assignStatistics moves the running statistics toward the batch ones', async () => {
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 2, inputShape: [4, 4, 1], classes: 2 });
    const parameters = initializeParameters(spec, 3);
    const x = tf.add(tf.tensor4d(normals(2 * 16, 4), [2, 4, 4, 1]), 5) as tf.Tensor4D;
    const result = lossAndGradients(spec, parameters, x, tf.tensor1d([0, 1], 'int32'));
    const before = parameters['stem/bn/moving_mean'].dataSync().slice();
    assignStatistics(parameters, result.statistics);
    const after = parameters['stem/bn/moving_mean'].dataSync();
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    expect(result.statistics.size).toBe(0);
    disposeLossAndGradients(result);
  });
});

describe('lossAndGradients with units recomputed in the backward pass', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const family of ['resnet', 'plain', 'procresnet'] as Family[]) {
    for (const block of ['basic', 'bottleneck'] as const) {
      it(`${family} ${block}: loss, every gradient and the running statistics equal the plain backward pass; nothing leaks`, () => {
        const spec = buildNetworkSpec({ family, block, n: 2, width: 2, inputShape: [8, 8, 2], classes: 3 });
        const parameters = initializeParameters(spec, 3);
        const x = tf.tensor4d(normals(4 * 8 * 8 * 2, 4), [4, 8, 8, 2]);
        const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
        const before = tf.memory().numTensors;
        const plain = lossAndGradients(spec, parameters, x, labels);
        const recomputed = lossAndGradients(spec, parameters, x, labels, { recomputeUnits: true });
        expect(recomputed.loss.dataSync()[0]).toBeCloseTo(plain.loss.dataSync()[0], 6);
        expect(Object.keys(recomputed.gradients).sort()).toEqual(Object.keys(plain.gradients).sort());
        for (const [name, gradient] of Object.entries(plain.gradients)) {
          const a = gradient.dataSync();
          const b = recomputed.gradients[name].dataSync();
          const scale = Math.max(1e-3, ...Array.from(a, Math.abs));
          const worst = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
          expect(worst / scale, name).toBeLessThan(1e-5);
        }
        expect([...recomputed.statistics.keys()].sort()).toEqual([...plain.statistics.keys()].sort());
        for (const [name, value] of plain.statistics) {
          expect(Array.from(recomputed.statistics.get(name)!.dataSync()), name).toEqual(Array.from(value.dataSync()));
        }
        disposeLossAndGradients(plain);
        disposeLossAndGradients(recomputed);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, labels]);
        disposeParameters(parameters);
      });
    }
  }
});
