import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRandomState, fillNormal } from '../random.js';
import { buildNetworkSpec } from './build-network-spec.js';
import { forward } from './forward.js';
import { disposeParameters, initializeParameters } from './parameters.js';

describe('forward in inference', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('holds one unit’s activations at a time, not the whole network’s (a 1001-layer network evaluates in the memory of a few units)', () => {
    const values = new Float32Array(2 * 8 * 8);
    fillNormal(createRandomState(3), values);
    for (const n of [2, 12]) {
      const spec = buildNetworkSpec({ family: 'resnet', block: 'bottleneck', n, width: 2, inputShape: [8, 8, 1], classes: 3 });
      const parameters = initializeParameters(spec, 0);
      const x = tf.tensor4d(values, [2, 8, 8, 1]);
      const [live, logits] = tf.tidy(() => {
        const before = tf.memory().numTensors;
        const out = forward(spec, parameters, x, { training: false }).logits;
        // What the call leaves in the caller's scope: the stem's and the head's tensors, whatever the depth.
        return [tf.scalar(tf.memory().numTensors - before), out];
      });
      const count = live.dataSync()[0];
      expect(count, `n = ${n}`).toBeLessThan(16);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([live, logits, x]);
      disposeParameters(parameters);
    }
  });
});
