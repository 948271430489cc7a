import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetworkSpec, initializeParameters, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { createSgdState, sgdUpdate } from './sgd.js';

describe('sgdUpdate', () => {
  beforeAll(async () => {
    await cpuBackendPlugin.activate();
  });

  it('follows PyTorch: d = g + λw; b = μb + d; w = w − lr·b, over two steps', () => {
    const spec = buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 1, width: 1, inputShape: [2, 2, 1], classes: 2 });
    const parameters = initializeParameters(spec, 1);
    const state = createSgdState(spec);
    const name = 'head/fc/bias';
    const w0 = Array.from(parameters[name].dataSync());
    const g = [0.5, -0.25];
    const [lr, mu, wd] = [0.1, 0.9, 1e-2];
    for (let step = 0; step < 2; step++) {
      const gradient = tf.tensor1d(g);
      sgdUpdate(parameters, { [name]: gradient }, state, lr, { momentum: mu, weightDecay: wd });
      gradient.dispose();
    }
    // by hand
    let w = w0.slice();
    let b = [0, 0];
    for (let step = 0; step < 2; step++) {
      const d = w.map((wi, i) => g[i] + wd * wi);
      b = b.map((bi, i) => mu * bi + d[i]);
      w = w.map((wi, i) => wi - lr * b[i]);
    }
    const actual = Array.from(parameters[name].dataSync());
    actual.forEach((v, i) => {
      expect(v).toBeCloseTo(w[i], 6);
    });
    Array.from(state[name].dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(b[i], 6);
    });
  });
});
