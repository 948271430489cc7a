import { describe, expect, it } from 'vitest';
import { Matrix, SVD } from 'ml-matrix';
import { buildNetworkSpec, initializeParameters, tf, unitForward } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { unitJacobianSpectrum } from './unit-jacobian-spectrum.js';

describe('unitJacobianSpectrum', () => {
  it('matches the singular values of the explicit Jacobian of a small unit (evaluation mode)', async () => {
    await wasmBackendPlugin.activate();
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 2, inputShape: [4, 4, 2], classes: 2 });
    const parameters = initializeParameters(spec, 3);
    const unit = spec.units[0]; // 2 → 2 channels on 4×4: a 32×32 Jacobian
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
    const estimate = await unitJacobianSpectrum(unit, parameters, x, { iterations: 300 });
    // The explicit Jacobian, one column per input coordinate, by central differences.
    const n = x.size;
    const jacobian = new Matrix(n, n);
    const f = (v: tf.Tensor4D) => unitForward(unit, parameters, v, { training: false }).y;
    for (let j = 0; j < n; j++) {
      const column = tf.tidy(() => {
        const step = new Float32Array(n);
        step[j] = 1e-2;
        const delta = tf.tensor4d(step, x.shape);
        return tf.div(tf.sub(f(tf.add(x, delta) as tf.Tensor4D), f(tf.sub(x, delta) as tf.Tensor4D)), 2e-2).dataSync();
      });
      for (let i = 0; i < n; i++) jacobian.set(i, j, column[i]);
    }
    const values = new SVD(jacobian).diagonal;
    expect(Math.abs(estimate.largest - values[0]) / values[0]).toBeLessThan(1e-2);
    expect(Math.abs(estimate.smallest - values[values.length - 1])).toBeLessThan(2e-2 * values[0]);
  }, 60_000);
});
