import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildNetworkSpec } from '../network/build-network-spec.js';
import { initializeParameters } from '../network/parameters.js';
import { parseModelName } from '../network/presets.js';
import { loadParameters, saveWeights } from './weights-files.js';

describe('weights in TensorFlow.js format', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('round-trips every parameter of procresnet-22 by name', async () => {
    const spec = buildNetworkSpec(parseModelName('procresnet-22'));
    const parameters = initializeParameters(spec, 9);
    const directory = await mkdtemp(join(tmpdir(), 'procrustes-weights-'));
    await saveWeights(directory, parameters, { network: spec.config });
    const json = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(spec.parameters.map((p) => p.name));
    const loaded = await loadParameters(directory, spec);
    for (const p of spec.parameters) {
      expect(Array.from(loaded[p.name].dataSync())).toEqual(Array.from(parameters[p.name].dataSync()));
      expect(loaded[p.name].trainable).toBe(p.trainable);
    }
  });

  it('refuses weights of another network and truncated shards with clear errors', async () => {
    const spec = buildNetworkSpec(parseModelName('resnet-20'));
    const directory = await mkdtemp(join(tmpdir(), 'procrustes-weights-'));
    await saveWeights(directory, initializeParameters(spec, 1));
    await expect(loadParameters(directory, buildNetworkSpec(parseModelName('resnet-56')))).rejects.toThrow(
      /weight 'units\/3\/conv1\/kernel' has shape \[3,3,16,32\] but resnet-56 needs \[3,3,16,16\]/,
    );
    const shard = await readFile(join(directory, 'weights.bin'));
    await writeFile(join(directory, 'weights.bin'), shard.subarray(0, shard.length - 8));
    await expect(loadParameters(directory, spec)).rejects.toThrow(/truncated/);
    await expect(loadParameters(join(directory, 'nope'), spec)).rejects.toThrow(/cannot read .*model.json/);
  });
});
