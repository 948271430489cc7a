// Keep the spectrum of every Conv2D of a @tensorflow/tfjs-layers model bounded during fit:
// spectralClip as the layers' kernelConstraint, and constraintsCallback, without which
// tfjs-layers ignores every constraint in fit.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { constraintsCallback, layerOperatorNorm, spectralClip } from '@procrustes/layers';

await wasmBackendPlugin.activate();
const conv = (options) => tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelConstraint: spectralClip({ max: 1 }), ...options });
const model = tfl.sequential({
  layers: [
    conv({ inputShape: [8, 8, 1], kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.6, seed: 1 }) }),
    conv({ strides: 2, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.6, seed: 2 }) }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) }),
  ],
});
model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
const convolutions = model.layers.filter((layer) => layer.getClassName() === 'Conv2D');
// The largest singular value of each layer's operator as tfjs computes it (its padding and stride).
const largest = async () => Promise.all(convolutions.map((layer) => layerOperatorNorm(layer)));
const before = await largest();

const tensorsAfterEpoch = [];
const x = tf.randomNormal([32, 8, 8, 1], 0, 3, 'float32', 1);
const labels = tf.tensor1d(
  Array.from({ length: 32 }, (_, i) => i % 2),
  'int32',
);
const y = tf.oneHot(labels, 2);
await model.fit(x, y, {
  epochs: 4,
  batchSize: 8,
  verbose: 0,
  shuffle: false,
  callbacks: [constraintsCallback(), new tfl.CustomCallback({ onEpochEnd: async () => void tensorsAfterEpoch.push(tf.memory().numTensors) })],
});
const after = await largest();
for (const [i, layer] of convolutions.entries()) {
  console.log(`${layer.name}: largest singular value ${before[i].toFixed(3)} before fit, ${after[i].toFixed(3)} after (bound 1, tolerance 1 %)`);
}
console.log(`tensors after each epoch: ${tensorsAfterEpoch.join(' ')}`);
tf.dispose([x, labels, y]);
// tfjs-layers' fit itself keeps one tensor per epoch; the constraints add none.
if (tensorsAfterEpoch.some((count, i) => i > 0 && count - tensorsAfterEpoch[i - 1] > 1)) process.exit(1);
if (after.some((value) => value > 1.01)) process.exit(1);
