// Clip the spectrum of every Conv2D of a @tensorflow/tfjs-layers model after each batch of fit.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { convSingularValues, projectConvSpectrum } from '@procrustes/spectral';

await wasmBackendPlugin.activate();
const model = tfl.sequential({
  layers: [
    tfl.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }),
    }),
    tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) }),
  ],
});
model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
const convolutions = model.layers.filter((layer) => layer.getClassName() === 'Conv2D');

const tensorsAfterBatch = []; // per epoch
const clipAfterBatch = new tfl.CustomCallback({
  onEpochBegin: async () => {
    tensorsAfterBatch.push([]);
  },
  onBatchEnd: async () => {
    for (const layer of convolutions) {
      const [kernel] = layer.getWeights(); // the layer's own variable: not to be disposed
      // One clip per batch, as Sedghi et al.; the cut back to 3×3 leaves it approximate (see the
      // largest singular values printed below; projectConvSpectrumRepeated gets within a tolerance).
      const clipped = await projectConvSpectrum(kernel, [8, 8], { mode: 'clip', max: 1 });
      layer.setWeights([clipped]); // copies the values into the variable…
      clipped.dispose(); // …so the projected tensor is ours to free
    }
    tensorsAfterBatch.at(-1).push(tf.memory().numTensors);
  },
});

const x = tf.randomNormal([32, 8, 8, 1], 0, 3, 'float32', 1);
const labels = tf.tensor1d(
  Array.from({ length: 32 }, (_, i) => i % 2),
  'int32',
);
const y = tf.oneHot(labels, 2);
await model.fit(x, y, { epochs: 4, batchSize: 8, callbacks: [clipAfterBatch], verbose: 0, shuffle: false });
for (const layer of convolutions) {
  const values = await convSingularValues(layer.getWeights()[0], [8, 8]);
  console.log(`${layer.name}: largest singular value ${values[0].toFixed(3)}`);
}
console.log(`tensors after each batch, per epoch: ${tensorsAfterBatch.map((epoch) => epoch.join(' ')).join(' | ')}`);
tf.dispose([x, labels, y]);
// Flat within every epoch: the projections leave nothing behind. (tfjs-layers' fit itself keeps
// one tensor per epoch, with or without this callback.)
if (tensorsAfterBatch.some((epoch) => new Set(epoch).size !== 1)) process.exit(1);
