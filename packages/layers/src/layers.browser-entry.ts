// The page side of layers.browser.test.ts: a user's tfjs-layers model in the browser with
// spectralClip constraints applied during fit, its gradient ratios, and a save and load.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { constraintsCallback, gradientRatios, spectralClip } from './index.js';
import { saveToMemory } from './test-support/save-to-memory.js';

export async function runInPage(): Promise<{ largest: number; converged: boolean; ratios: number[]; loadedConstraint: string; tensorsLeft: number }> {
  await cpuBackendPlugin.activate();
  const clip = spectralClip({ max: 1 });
  const input = tfl.input({ shape: [7, 7, 1] });
  const stem = tfl.layers
    .conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: 1 }), kernelConstraint: clip, name: 'stem' })
    .apply(input) as tfl.SymbolicTensor;
  const branch = tfl.layers
    .conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) })
    .apply(tfl.layers.reLU().apply(stem)) as tfl.SymbolicTensor;
  const added = tfl.layers.add({ name: 'block' }).apply([stem, branch]) as tfl.SymbolicTensor;
  const output = tfl.layers
    .dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) })
    .apply(tfl.layers.flatten().apply(added)) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  // A small step: a sample the model fits exactly has no gradient, and its ratio is 0/0.
  model.compile({ optimizer: tf.train.sgd(0.02), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([8, 7, 7, 1], 0, 2, 'float32', 4);
  const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [constraintsCallback()] });
  // tfjs-layers' fit keeps a tensor per epoch and the optimizer's own: counted from here.
  const before = tf.memory().numTensors;
  const record = await gradientRatios(model, x, y);
  const saved = await saveToMemory(model);
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved));
  const loadedConstraint = JSON.stringify((loaded.getLayer('stem').getConfig() as { kernelConstraint: unknown }).kernelConstraint);
  loaded.dispose();
  const tensorsLeft = tf.memory().numTensors - before;
  tf.dispose([x, y]);
  model.dispose();
  return { largest: clip.lastProjection!.largest, converged: clip.lastProjection!.converged, ratios: record.units.map((u) => u.ratioMean), loadedConstraint, tensorsLeft };
}
