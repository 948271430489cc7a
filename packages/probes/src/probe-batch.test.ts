import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetworkSpec, initializeParameters, tf } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { probeBatch } from './probe-batch.js';
import { summarize } from './norm-ratios.js';

describe('probeBatch', () => {
  beforeAll(async () => {
    await wasmBackendPlugin.activate();
  });

  it('reports a ratio per unit with kinds, leaves no tensor behind and changes no parameter', async () => {
    const spec = buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 2, width: 4, inputShape: [8, 8, 1], classes: 3 });
    const parameters = initializeParameters(spec, 2);
    const inputs = tf.randomNormal([6, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const snapshot = parameters['stem/conv/kernel'].dataSync().slice();
    const before = tf.memory().numTensors;
    const ratios = await probeBatch(spec, parameters, inputs, labels);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(parameters['stem/conv/kernel'].dataSync())).toEqual(Array.from(snapshot));
    expect(ratios.units.map((u) => u.kind)).toEqual(['residual', 'residual', 'transition', 'residual', 'residual', 'transition', 'residual', 'residual']);
    for (const u of ratios.units) {
      expect(u.ratioMean).toBeGreaterThan(0);
      expect(u.gradient.p5).toBeLessThanOrEqual(u.gradient.median);
      expect(u.gradient.median).toBeLessThanOrEqual(u.gradient.p95);
    }
    expect(ratios.delta).toBe(Math.max(...ratios.units.map((u) => u.gradient.delta)));
  });

  it('summaries: mean, median, percentiles and δ = max |1 − r|', () => {
    const s = summarize([0.5, 1, 1.5, 2, 1]);
    expect(s.mean).toBeCloseTo(1.2);
    expect(s.median).toBe(1);
    expect(s.delta).toBe(1);
    expect(s.p5).toBeCloseTo(0.6);
  });
});
