import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { Matrix, SVD } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpectralNormalization, spectralNormalization } from './spectral-normalization.js';
import { explicitOperatorSingularValues } from './test-support/explicit-operator.js';
import { saveToMemory } from './test-support/save-to-memory.js';

beforeAll(async () => {
  await cpuBackendPlugin.activate();
});

function wrappedModel() {
  const conv = tfl.layers.conv2d({
    filters: 3,
    kernelSize: 3,
    strides: 2,
    padding: 'same',
    activation: 'relu',
    kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.7, seed: 1 }),
    name: 'conv',
  });
  const model = tfl.sequential({
    layers: [
      spectralNormalization({ layer: conv, name: 'normalized', inputShape: [8, 8, 2] }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

describe('spectralNormalization', () => {
  it("converges to the operator norm of the convolution tfjs computes (stride 2, 'same' padding 0/1), not the reshaped kernel's", async () => {
    const model = wrappedModel();
    const wrapper = model.getLayer('normalized') as SpectralNormalization;
    const x = tf.randomNormal([8, 8, 8, 2], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0], 'int32'), 2);
    await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, shuffle: false });
    // The estimate follows the kernel as it trains; with the kernel held, its steps converge.
    for (let call = 0; call < 1000; call++) tf.tidy(() => void wrapper.apply(x, { training: true }));
    const kernel = wrapper.layer.getWeights()[0] as tf.Tensor4D;
    const geometry = { inputSize: [8, 8] as [number, number], strides: [2, 2] as [number, number], padding: 'same' as const };
    const exact = explicitOperatorSingularValues(kernel, geometry);
    expect(Math.abs((await wrapper.operatorNorm()) / exact[0]! - 1)).toBeLessThan(1e-4);
    // The normalised kernel's operator has norm 1.
    const normalized = tf.div(kernel, await wrapper.operatorNorm()) as tf.Tensor4D;
    expect(Math.abs(explicitOperatorSingularValues(normalized, geometry)[0]! - 1)).toBeLessThan(1e-4);
    // Keras's and PyTorch's normalisation: the kernel reshaped to [k·k·in, out].
    const reshaped = new SVD(new Matrix(tf.reshape(kernel, [-1, 3]).arraySync() as number[][])).diagonal[0]!;
    expect(Math.abs(reshaped / exact[0]! - 1)).toBeGreaterThan(0.1);
    tf.dispose([x, y, normalized]);
    model.dispose();
  });

  it('has the gradient of W/‖A_W u‖ with u held fixed (finite differences), and leaves the vector alone in inference', () => {
    const model = wrappedModel();
    const wrapper = model.getLayer('normalized') as SpectralNormalization;
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 4);
    const vector = () => wrapper.nonTrainableWeights.at(-1)!.read().dataSync().slice();
    const before = vector();
    const kernel = wrapper.layer.trainableWeights[0]!;
    const loss = () => tf.sum(tf.square(wrapper.apply(x, { training: false }) as tf.Tensor)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, [kernel.read() as tf.Variable]);
    const analytic = Object.values(grads)[0]!.dataSync();
    expect(vector()).toEqual(before);
    const values = kernel.read().dataSync().slice();
    const h = 1e-2;
    for (const index of [0, 7, 20, 41]) {
      const at = (delta: number) => {
        const shifted = values.slice();
        shifted[index]! += delta;
        kernel.write(tf.tensor(shifted, kernel.shape as number[]));
        return loss().dataSync()[0]!;
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(numeric - analytic[index]!), `entry ${index}`).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
    }
    tf.dispose([x, ...Object.values(grads)]);
    model.dispose();
  });

  it('survives save and load: same layer, same vector, same outputs', async () => {
    const model = wrappedModel();
    const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
    const saved = await saveToMemory(model);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved));
    expect(loaded.getLayer('normalized')).toBeInstanceOf(SpectralNormalization);
    const difference = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0];
    expect(difference).toBe(0);
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });

  it('wraps only Conv2D layers, and says so', () => {
    expect(() => spectralNormalization({ layer: tfl.layers.dense({ units: 2 }) })).toThrow(/wraps a Conv2D layer, got Dense/);
    expect(() => spectralNormalization({ layer: tfl.layers.conv2d({ filters: 1, kernelSize: 3 }), iterations: 0 })).toThrow(/iterations must be a positive integer, got 0/);
  });
});
