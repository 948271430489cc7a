import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { buildNetworkSpec, forward, initializeParameters, type NetworkConfig } from '@procrustes/core';
import { probeBatch } from '@procrustes/probes';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientRatios } from './gradient-ratios.js';
import { residualBoundaries } from './model-graph.js';
import { layerNameOf, networkLayersModel } from './network-layers-model.js';
import { saveToMemory } from './test-support/save-to-memory.js';

beforeAll(async () => {
  await cpuBackendPlugin.activate();
});

// The paper's resnet-20 and procresnet-22 (and plain-20), narrow and on small images so that the
// CPU reference runs in seconds; 12×12 makes the stride-2 units pad asymmetrically in tfjs's 'same'.
const NETWORKS: Array<[string, NetworkConfig]> = [
  ['resnet-20', { family: 'resnet', block: 'basic', n: 3, width: 4, inputShape: [12, 12, 1], classes: 3 }],
  ['procresnet-22', { family: 'procresnet', block: 'basic', n: 3, width: 4, inputShape: [12, 12, 1], classes: 3 }],
  ['plain-20', { family: 'plain', block: 'basic', n: 3, width: 4, inputShape: [12, 12, 1], classes: 3 }],
];

describe("the project's networks as tfjs-layers models", () => {
  it.each(NETWORKS)(
    '%s: same logits as core, the same gradient ratios per unit as the project probes on the same batch, and after save and load',
    async (name, config) => {
      const spec = buildNetworkSpec(config);
      expect(spec.name).toBe(name);
      const parameters = initializeParameters(spec, 7);
      const x = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
      const { model, unitBoundaries } = networkLayersModel(spec, parameters);
      expect(unitBoundaries).toHaveLength(spec.units.length + 1);

      // The kernels are the network's, bit for bit, so their spectra are too.
      for (const target of [spec.stem.convolution, ...spec.spectralTargets]) {
        const kernel = model.getLayer(layerNameOf(target.name.replace(/\/kernel$/, ''))).getWeights()[0]!;
        expect(tf.any(tf.notEqual(kernel, parameters[target.name]!)).dataSync()[0]).toBe(0);
      }

      const coreLogits = tf.tidy(() => forward(spec, parameters, x, { training: false }).logits);
      const layersLogits = model.predict(x) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(coreLogits, layersLogits))).dataSync()[0]).toBeLessThan(1e-4);

      const core = await probeBatch(spec, parameters, x, labels);
      const y = tf.oneHot(labels, 3);
      const record = await gradientRatios(model, x, y, { boundaries: unitBoundaries, loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
      expect(record.units).toHaveLength(core.units.length);
      // Where every unit is residual, the blocks found from the Add layers are the network's units.
      if (config.family === 'resnet') expect(residualBoundaries(model).map((b) => b.tensor.sourceLayer.name)).toEqual(unitBoundaries);
      const deviation = Math.max(...record.units.map((u, l) => Math.abs(u.ratioMean / core.units[l]!.ratioMean - 1)));
      console.log(`${name}: ${record.units.length} units, largest relative difference of the mean ratio from the project's probes ${deviation.toExponential(1)}`);
      for (const [l, unit] of record.units.entries()) {
        expect(Math.abs(unit.ratioMean / core.units[l]!.ratioMean - 1), `unit ${l}`).toBeLessThan(1e-4);
        expect(Math.abs(unit.forwardMean / core.units[l]!.forward.mean - 1), `unit ${l} forward`).toBeLessThan(1e-4);
      }

      const saved = await saveToMemory(model);
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved));
      const loadedLogits = loaded.predict(x) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(loadedLogits, layersLogits))).dataSync()[0]).toBe(0);
      tf.dispose([x, labels, y, coreLogits, layersLogits, loadedLogits, ...Object.values(parameters)]);
      model.dispose();
      loaded.dispose();
    },
    120_000,
  );
});
