import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../register-gradients.js';
import { createRandomState, fillNormal } from '../random.js';
import { buildNetworkSpec } from './build-network-spec.js';
import { disposeLossAndGradients, lossAndGradients } from './loss-and-gradients.js';
import { disposeParameters, initializeParameters } from './parameters.js';
import type { Family } from './spec.js';

function normals(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  fillNormal(createRandomState(seed), out);
  return out;
}

function maxRelativeDifference(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let scale = 0;
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
  }
  return difference / Math.max(scale, 1e-30);
}

describe("units' own backward pass against tfjs's autodiff", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const family of ['resnet', 'plain', 'procresnet'] as Family[]) {
    for (const block of ['basic', 'bottleneck'] as const) {
      it(`${family} ${block}: the same loss, gradients and running statistics, and no tensor left behind`, () => {
        const spec = buildNetworkSpec({ family, block, n: 2, width: 4, inputShape: [8, 8, 3], classes: 5 });
        const parameters = initializeParameters(spec, 3);
        const x = tf.tensor4d(normals(3 * 8 * 8 * 3, 4), [3, 8, 8, 3]);
        const labels = tf.tensor1d([0, 4, 2], 'int32');
        const before = tf.memory().numTensors;
        const own = lossAndGradients(spec, parameters, x, labels);
        const autodiff = lossAndGradients(spec, parameters, x, labels, { autodiffUnits: true });
        expect(own.loss.dataSync()[0]).toBeCloseTo(autodiff.loss.dataSync()[0], 6);
        const trainable = spec.parameters.filter((p) => p.trainable);
        expect(Object.keys(own.gradients).sort()).toEqual(trainable.map((p) => p.name).sort());
        for (const p of trainable) {
          const difference = maxRelativeDifference(own.gradients[p.name].dataSync(), autodiff.gradients[p.name].dataSync());
          expect(difference, p.name).toBeLessThan(1e-5);
        }
        expect([...own.statistics.keys()].sort()).toEqual([...autodiff.statistics.keys()].sort());
        for (const [name, value] of own.statistics) {
          expect(maxRelativeDifference(value.dataSync(), autodiff.statistics.get(name)!.dataSync()), name).toBeLessThan(1e-6);
        }
        disposeLossAndGradients(own);
        disposeLossAndGradients(autodiff);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, labels]);
        disposeParameters(parameters);
      });
    }
  }

  it('holds less at its peak than autodiff, which keeps every gradient until the pass ends', async () => {
    const spec = buildNetworkSpec({ family: 'resnet', block: 'bottleneck', n: 6, width: 4, inputShape: [8, 8, 3], classes: 5 });
    const parameters = initializeParameters(spec, 3);
    const x = tf.tensor4d(normals(8 * 8 * 8 * 3, 4), [8, 8, 8, 3]);
    const labels = tf.tensor1d([0, 4, 2, 1, 3, 0, 1, 2], 'int32');
    const peak = async (autodiffUnits: boolean) => {
      const profile = await tf.profile(() => disposeLossAndGradients(lossAndGradients(spec, parameters, x, labels, { autodiffUnits })));
      return profile.peakBytes;
    };
    const autodiffPeak = await peak(true);
    const ownPeak = await peak(false);
    // Measured here: 2.57 MB against 4.99 MB.
    expect(ownPeak).toBeLessThan(0.7 * autodiffPeak);
    tf.dispose([x, labels]);
    disposeParameters(parameters);
  });
});
