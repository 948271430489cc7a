// The cost of this package's mechanisms in a tfjs-layers fit, on one WASM thread: a step of a
// small functional ResNet (32×32×3, widths 16/32/64, two blocks per stage, batch 64) without
// them, with every 3×3 convolution wrapped in spectralNormalization, and with Procrustes on its
// shortcuts applied after every step, and with spectralClip on every 3×3 convolution under the
// callback's default schedule ('auto', 10 %) over a longer fit; one application of constraints to
// the whole model. (One exact clip of a single large convolution: @procrustes/spectral's bench.)
// Run it alone on the machine: `pnpm --filter @procrustes/layers bench`.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { applyConstraints, bindConstraints, constraintsCallback, gradientRatiosCallback, procrustes, spectralClip, spectralNormalization } from '../dist/index.js';

const device = (await wasmBackendPlugin.activate()).device;
const BATCH = 64;
const STEPS = Number(process.env.STEPS ?? 12);

function resnet({ wrap = false, shortcutConstraint, convolutionConstraint } = {}) {
  let seed = 0;
  const conv = (options) => {
    const layer = tfl.layers.conv2d({
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: ++seed }),
      kernelConstraint: convolutionConstraint?.(),
      ...options,
    });
    return wrap && options.kernelSize === undefined ? spectralNormalization({ layer }) : layer;
  };
  const preActivation = (x) => tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(x));
  const input = tfl.input({ shape: [32, 32, 3] });
  let x = conv({ filters: 16 }).apply(input);
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const activated = preActivation(x);
      const h = conv({ filters }).apply(preActivation(conv({ filters, strides: stride }).apply(activated)));
      const shortcut =
        stride === 1
          ? x
          : tfl.layers
              .conv2d({
                filters,
                kernelSize: 1,
                strides: 2,
                useBias: false,
                kernelInitializer: tfl.initializers.heNormal({ seed: ++seed }),
                kernelConstraint: shortcutConstraint?.(),
              })
              .apply(activated);
      x = tfl.layers.add().apply([shortcut, h]);
    }
  }
  const output = tfl.layers.dense({ units: 10, activation: 'softmax' }).apply(tfl.layers.globalAveragePooling2d({}).apply(preActivation(x)));
  const model = tfl.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

const x = tf.randomNormal([BATCH * STEPS, 32, 32, 3], 0, 1, 'float32', 1);
const y = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: BATCH * STEPS }, (_, i) => i % 10),
    'int32',
  ),
  10,
);

/** Seconds per fit step, after one warm-up epoch of the same steps. */
async function stepSeconds(model, callbacks = () => []) {
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, shuffle: false, callbacks: callbacks() });
  const start = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, shuffle: false, callbacks: callbacks() });
  return (performance.now() - start) / 1000 / STEPS;
}

const rows = [];
// The process's first fit runs slower (measured 1.51 s against 1.16 s a step): one is thrown away.
await stepSeconds(resnet());
const baseline = await stepSeconds(resnet());
rows.push(['no constraints', baseline]);
rows.push(['spectralNormalization on every 3×3 convolution', await stepSeconds(resnet({ wrap: true }))]);
const probeX = tf.slice(x, 0, 16);
const probeY = tf.slice(y, 0, 16);
rows.push(['gradientRatiosCallback on 16 images, every 10 steps', await stepSeconds(resnet(), () => [gradientRatiosCallback({ x: probeX, y: probeY, every: 10 })])]);
rows.push([
  'procrustes on the 1×1 shortcuts, applied after every step',
  await stepSeconds(resnet({ shortcutConstraint: () => procrustes() }), () => [constraintsCallback({ every: 1 })]),
]);

// The default schedule over 4 epochs of the same steps, against the same fit without constraints:
// its first application (the projection of the He-initialised kernels into the constraints) and
// the one at the end (to the constraints' tolerance) are one-offs, reported apart.
async function defaultScheduleOverhead() {
  const epochs = 4;
  const fit = async (model, callbacks) => {
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, shuffle: false });
    const start = performance.now();
    await model.fit(x, y, { epochs, batchSize: BATCH, verbose: 0, shuffle: false, callbacks });
    return (performance.now() - start) / 1000;
  };
  const plain = await fit(resnet(), []);
  const callback = constraintsCallback();
  const constrained = await fit(resnet({ convolutionConstraint: () => spectralClip({ max: 1 }), shortcutConstraint: () => procrustes() }), [callback]);
  const statistics = callback.statistics();
  return { steps: epochs * STEPS, plain, constrained, statistics };
}
const schedule = await defaultScheduleOverhead();
const scheduleSteps = schedule.steps;
const { applications: scheduled, firstApplicationSeconds, endApplicationSeconds } = schedule.statistics;
rows.push([
  `spectralClip(1) on every 3×3 convolution and procrustes on the shortcuts, default schedule (${scheduled - 2} applications of one round in ${scheduleSteps} steps; the first, projecting the initial kernels, ${firstApplicationSeconds.toFixed(1)} s, and the one at the end, to 1 %, ${endApplicationSeconds.toFixed(1)} s, left out)`,
  (schedule.constrained - firstApplicationSeconds - endApplicationSeconds) / scheduleSteps,
  schedule.plain / scheduleSteps,
]);

// One application of the constraints to every layer (what constraintsCallback does at an
// applied step), bound to the layers' geometry, after one epoch of training.
async function applicationSeconds(model) {
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, shuffle: false });
  bindConstraints(model);
  const start = performance.now();
  applyConstraints(model);
  return (performance.now() - start) / 1000;
}
const applications = [
  ['procrustes on the 1×1 shortcuts', await applicationSeconds(resnet({ shortcutConstraint: () => procrustes() }))],
  ['spectralClip(1) on every 3×3 convolution, one round', await applicationSeconds(resnet({ convolutionConstraint: () => spectralClip({ max: 1, maxRounds: 1 }) }))],
  ['spectralClip(1) on every 3×3 convolution, repeated to 1 % (the default)', await applicationSeconds(resnet({ convolutionConstraint: () => spectralClip({ max: 1 }) }))],
];

console.log(
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, ${device}; ${STEPS} steps of batch ${BATCH} after as many warm-up steps.\n`,
);
console.log('| fit step of the example ResNet | seconds | × no constraints |\n| --- | ---: | ---: |');
for (const [name, seconds, reference = baseline] of rows) console.log(`| ${name} | ${seconds.toFixed(3)} | ${(seconds / reference).toFixed(2)} |`);
console.log('\n| one application of the constraints to the model | seconds | steps between applications for ≤ 10 % overhead |\n| --- | ---: | ---: |');
for (const [name, seconds] of applications) console.log(`| ${name} | ${seconds.toFixed(3)} | ${Math.max(1, Math.ceil(seconds / (0.1 * baseline)))} |`);
tf.dispose([x, y, probeX, probeY]);
