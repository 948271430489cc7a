import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { probeRecordsPanel } from '@procrustes/report';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientRatios } from './gradient-ratios.js';
import { gradientRatiosCallback } from './gradient-ratios-callback.js';
import { residualBoundaries } from './model-graph.js';

beforeAll(async () => {
  await cpuBackendPlugin.activate();
});

const init = (seed: number) => tfl.initializers.glorotNormal({ seed });

// A residual MLP: stem, two blocks x + W·relu(x), a head; small enough to differentiate by hand.
function residualMlp() {
  const input = tfl.input({ shape: [6] });
  const stem = tfl.layers.dense({ units: 8, kernelInitializer: init(1), name: 'stem' }).apply(input) as tfl.SymbolicTensor;
  let x = stem;
  for (const block of [1, 2]) {
    const branch = tfl.layers.dense({ units: 8, kernelInitializer: init(10 + block), name: `branch${block}` }).apply(tfl.layers.reLU().apply(x)) as tfl.SymbolicTensor;
    x = tfl.layers.add({ name: `add${block}` }).apply([x, branch]) as tfl.SymbolicTensor;
  }
  // tanh before the head: a ReLU there can zero a sample's gradient, whose ratio is then 0/0.
  const output = tfl.layers
    .dense({ units: 3, activation: 'softmax', kernelInitializer: init(3), name: 'head' })
    .apply(tfl.layers.activation({ activation: 'tanh' }).apply(x)) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

// The same network in plain tfjs ops from the layers' weights, from boundary l on: the reference.
function referenceRatios(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number[] {
  const weights = (name: string) => model.getLayer(name).getWeights() as [tf.Tensor2D, tf.Tensor1D];
  const dense = (name: string, v: tf.Tensor) => tf.add(tf.matMul(v as tf.Tensor2D, weights(name)[0]), weights(name)[1]);
  const block = (index: number, v: tf.Tensor) => tf.add(v, dense(`branch${index}`, tf.relu(v)));
  const rest = (from: number) => (v: tf.Tensor) => {
    let h = v;
    for (let b = from + 1; b <= 2; b++) h = block(b, h);
    const p = tf.softmax(dense('head', tf.tanh(h)));
    return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1)));
  };
  const boundaries = [dense('stem', x)];
  boundaries.push(block(1, boundaries[0]!), block(2, block(1, boundaries[0]!)));
  const norms = boundaries.map((v, l) => tf.norm(tf.grad(rest(l))(v), 'euclidean', 1).arraySync() as number[]);
  return [0, 1].map((l) => norms[l]!.reduce((sum, n, i) => sum + n / norms[l + 1]![i]!, 0) / x.shape[0]);
}

describe('gradientRatios on any LayersModel', () => {
  it('finds the residual blocks from the Add layers and gives the ratios of the network differentiated by hand', async () => {
    const model = residualMlp();
    expect(residualBoundaries(model).map((b) => `${b.tensor.sourceLayer.name}:${b.name}`)).toEqual(['stem:add1', 'add1:add2', 'add2:output']);
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 4);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    const before = tf.memory().numTensors;
    const record = await gradientRatios(model, x, y);
    expect(tf.memory().numTensors).toBe(before);
    const reference = referenceRatios(model, x, y);
    expect(record.units.map((u) => u.name)).toEqual(['add1', 'add2']);
    for (const [l, unit] of record.units.entries()) expect(Math.abs(unit.ratioMean / reference[l]! - 1)).toBeLessThan(1e-5);
    expect(record.units.every((u) => u.ratioMean !== 1)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("takes pre-activation units' boundaries before their batch norm, flags downsampling, leaves batch norm's statistics as they were, and draws as the report's heatmap", async () => {
    const input = tfl.input({ shape: [8, 8, 1] });
    const stem = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(1), name: 'stem' }).apply(input) as tfl.SymbolicTensor;
    let x = stem;
    for (const [index, stride] of [
      [1, 1],
      [2, 2],
    ] as const) {
      const activated = tfl.layers.reLU().apply(tfl.layers.batchNormalization({ name: `bn${index}` }).apply(x)) as tfl.SymbolicTensor;
      const branch = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: stride, padding: 'same', kernelInitializer: init(20 + index) }).apply(activated) as tfl.SymbolicTensor;
      const shortcut = stride === 1 ? x : (tfl.layers.conv2d({ filters: 4, kernelSize: 1, strides: 2, kernelInitializer: init(30) }).apply(activated) as tfl.SymbolicTensor);
      x = tfl.layers.add({ name: `unit${index}` }).apply([shortcut, branch]) as tfl.SymbolicTensor;
    }
    const output = tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(4) }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    // The projection unit's shortcut and branch part after its BN-ReLU: its input is unit 1's output, as in the paper.
    expect(residualBoundaries(model).map((b) => b.tensor.sourceLayer.name)).toEqual(['stem', 'unit1', 'unit2']);
    const x0 = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 5);
    const y0 = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const movingMean = model.getLayer('bn1').getWeights(false)[2]!.dataSync().slice();
    const callback = gradientRatiosCallback({ x: x0, y: y0, every: 2 });
    await model.fit(x0, y0, { epochs: 2, batchSize: 2, verbose: 0, shuffle: false, callbacks: [callback] });
    expect(callback.records.map((r) => [r.step, r.epoch])).toEqual([
      [0, 0],
      [2, 0],
      [4, 1],
    ]);
    const record = callback.records[0]!;
    expect(record.units.map((u) => [u.name, u.downsamples ?? false])).toEqual([
      ['unit1', false],
      ['unit2', true],
    ]);
    for (const unit of record.units) expect(unit.ratioMean).toBeGreaterThan(0);
    // fit moved the moving mean, the probes did not: a probe pass alone leaves it as it is.
    const afterFit = model.getLayer('bn1').getWeights(false)[2]!.dataSync().slice();
    expect(afterFit).not.toEqual(movingMean);
    await gradientRatios(model, x0, y0);
    expect(model.getLayer('bn1').getWeights(false)[2]!.dataSync().slice()).toEqual(afterFit);
    const panel = probeRecordsPanel(callback.records);
    expect(panel.columns).toEqual(['0', '2', '4']);
    expect(panel.rows).toEqual(['0', '1 ↓']);
    tf.dispose([x0, y0]);
    model.dispose();
  });

  it('takes named boundaries in a model without Add layers, and names what is wrong', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 6, activation: 'tanh', name: 'a', kernelInitializer: init(1) }),
        tfl.layers.dense({ units: 6, activation: 'tanh', name: 'b', kernelInitializer: init(2) }),
        tfl.layers.dense({ units: 2, activation: 'softmax', name: 'c', kernelInitializer: init(3) }),
      ],
    });
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 6);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1], 'int32'), 2);
    await expect(gradientRatios(model, x, y)).rejects.toThrow(/not compiled: compile it with a loss, or pass loss/);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(gradientRatios(model, x, y)).rejects.toThrow(/no Add layer \(no residual block\): name the layers/);
    await expect(gradientRatios(model, x, y, { boundaries: ['a', 'z'] })).rejects.toThrow(/no layer 'z' \(its layers: a, b, c\)/);
    const record = await gradientRatios(model, x, y, { boundaries: ['a', 'b', 'c'] });
    expect(record.units.map((u) => u.name)).toEqual(['a', 'b']);
    tf.dispose([x, y]);
    model.dispose();
  });
});
