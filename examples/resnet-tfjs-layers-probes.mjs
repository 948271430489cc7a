// A Keras-style functional ResNet in @tensorflow/tfjs-layers: Procrustes constraints on the
// projection shortcuts (the convolutions where the resolution halves), gradient norm ratios of
// its residual blocks recorded during fit, and the model saved and loaded again with its constraints.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { constraintsCallback, gradientRatiosCallback, procrustes } from '@procrustes/layers';

await wasmBackendPlugin.activate();
const seed = { value: 0 };
const init = () => tfl.initializers.heNormal({ seed: ++seed.value });

function residualBlock(x, filters, stride, name) {
  const activated = tfl.layers.reLU().apply(tfl.layers.batchNormalization({ name: `${name}_bn1` }).apply(x));
  let h = tfl.layers.conv2d({ filters, kernelSize: 3, strides: stride, padding: 'same', useBias: false, kernelInitializer: init() }).apply(activated);
  h = tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(h));
  h = tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init() }).apply(h);
  const shortcut =
    stride === 1
      ? x
      : tfl.layers
          .conv2d({ filters, kernelSize: 1, strides: stride, useBias: false, kernelInitializer: init(), kernelConstraint: procrustes({ scale: 1 }), name: `${name}_shortcut` })
          .apply(activated);
  return tfl.layers.add({ name }).apply([shortcut, h]);
}

const input = tfl.input({ shape: [16, 16, 1] });
let x = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(), name: 'stem' }).apply(input);
x = residualBlock(x, 8, 1, 'block1');
x = residualBlock(x, 16, 2, 'block2');
x = residualBlock(x, 16, 1, 'block3');
x = tfl.layers.globalAveragePooling2d({}).apply(tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(x)));
const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }).apply(x) });
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });

const images = tf.randomNormal([64, 16, 16, 1], 0, 1, 'float32', 1);
const labels = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 4),
    'int32',
  ),
  4,
);
const probeX = tf.slice(images, 0, 16);
const probeY = tf.slice(labels, 0, 16);
const ratios = gradientRatiosCallback({ x: probeX, y: probeY, every: 4 });
await model.fit(images, labels, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [constraintsCallback(), ratios] });
for (const record of [ratios.records[0], ratios.records.at(-1)]) {
  console.log(`step ${record.step}: ${record.units.map((u) => `${u.name}${u.downsamples ? ' ↓' : ''} r=${u.ratioMean.toFixed(3)}`).join(', ')}`);
}
// The shortcut's 1×1 kernel is an orthogonal matrix after fit, within the tolerance: every singular value 1.
const shortcut = tf.reshape(model.getLayer('block2_shortcut').getWeights()[0], [8, 16]);
const gram = tf.matMul(shortcut, shortcut, false, true);
console.log(
  `block2_shortcut: max |WWᵀ − I| = ${tf
    .max(tf.abs(tf.sub(gram, tf.eye(8))))
    .dataSync()[0]
    .toExponential(1)} (projected when off by more than the tolerance, 1 %)`,
);

// Save (model.json and weights, as a file:// handler would write them) and load again.
const directory = join(process.argv[2] ?? 'runs', 'resnet-tfjs-layers');
mkdirSync(directory, { recursive: true });
await model.save(
  tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(join(directory, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs }));
    writeFileSync(join(directory, 'weights.bin'), Buffer.from(artifacts.weightData));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);
const saved = JSON.parse(readFileSync(join(directory, 'model.json'), 'utf8'));
const weights = readFileSync(join(directory, 'weights.bin'));
const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ ...saved, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }));
const constraint = loaded.getLayer('block2_shortcut').getConfig().kernelConstraint;
console.log(`loaded: block2_shortcut keeps its constraint ${constraint.className} ${JSON.stringify(constraint.config)}`);
const difference = tf.max(tf.abs(tf.sub(model.predict(probeX), loaded.predict(probeX)))).dataSync()[0];
console.log(`loaded: predictions differ by ${difference}`);
tf.dispose([images, labels, probeX, probeY, shortcut, gram]);
