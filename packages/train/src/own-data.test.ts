import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandomState, fillNormal } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import type { ImageDataset, ImageSet } from '@procrustes/data';
import { createRunConfig } from './create-run-config.js';
import { runConfigOptionsOf } from './run-config-options.js';
import { trainNetwork } from './trainer.js';

// A user's own tensors: float values far from [0, 1], an image shape and a class count the
// catalogue does not have.
function floatSet(count: number, seed: number): ImageSet {
  const images = new Float32Array(count * 10 * 12 * 2);
  fillNormal(createRandomState(seed), images, 30);
  for (let i = 0; i < images.length; i++) images[i]! += 100;
  const labels = new Int32Array(count).map((_, i) => (i * 3 + seed) % 7);
  return { images, labels, count, shape: [10, 12, 2] };
}
const dataset = (train = floatSet(48, 1)): ImageDataset => ({ name: 'my-tensors', classes: 7, train, test: floatSet(16, 2), source: 'memory' });
const options = {
  model: 'resnet-8',
  width: 4,
  dataset: 'my-tensors',
  inputShape: [10, 12, 2] as [number, number, number],
  classes: 7,
  epochs: 1,
  batchSize: 8,
  workers: 1,
  schedule: 'constant' as const,
};

describe('training on your own tensors', () => {
  beforeAll(async () => {
    await wasmBackendPlugin.activate();
  });

  it('trains a network on float images of any shape and class count, records them, and resumes only on the same data', async () => {
    const config = createRunConfig(options);
    expect(config.network).toMatchObject({ inputShape: [10, 12, 2], classes: 7 });
    expect(config.augmentation).toEqual({ pad: 0, flip: false });
    expect(createRunConfig(runConfigOptionsOf(config))).toEqual(config);
    const directory = mkdtempSync(join(tmpdir(), 'own-data-'));
    const first = await trainNetwork({ config, dataset: dataset(), runDirectory: directory });
    expect(Number.isFinite(first.history[0]!.trainLoss)).toBe(true);
    expect(JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8'))).toMatchObject({ dataset: 'my-tensors', network: { inputShape: [10, 12, 2], classes: 7 } });
    const longer = createRunConfig({ ...options, epochs: 2 });
    const changed = floatSet(48, 1);
    changed.images[5] = 0;
    await expect(trainNetwork({ config: longer, dataset: dataset(changed), runDirectory: directory, resume: true })).rejects.toThrow(
      /the train data of my-tensors is not the data this run was trained on/,
    );
    const resumed = await trainNetwork({ config: longer, dataset: dataset(), runDirectory: directory, resume: true });
    expect(resumed.startEpoch).toBe(1);
    expect(resumed.history).toHaveLength(2);
  }, 120_000);

  it('names what does not fit: an unknown dataset without a shape, a shape or classes other than the data, labels outside the classes', async () => {
    expect(() => createRunConfig({ model: 'resnet-8', dataset: 'my-tensors' })).toThrow(
      /unknown dataset 'my-tensors': choose one of .*, or, for data of your own, give inputShape \[height, width, channels\] and classes/,
    );
    expect(() => createRunConfig({ model: 'resnet-8', dataset: 'mnist', classes: 5 })).toThrow(/mnist has 28×28×1 images in 10 classes, not 28×28×1 in 5/);
    const directory = () => mkdtempSync(join(tmpdir(), 'own-data-'));
    await expect(trainNetwork({ config: createRunConfig({ ...options, inputShape: [12, 10, 2] }), dataset: dataset(), runDirectory: directory() })).rejects.toThrow(
      /the my-tensors images are 10×12×2, the network takes 12×10×2: create the run config with inputShape \[10,12,2\]/,
    );
    const outside = floatSet(48, 1);
    outside.labels[3] = 7;
    await expect(trainNetwork({ config: createRunConfig(options), dataset: dataset(outside), runDirectory: directory() })).rejects.toThrow(
      /label 7 of image 3 is not a class in \[0, 7\)/,
    );
    const nonFinite = floatSet(48, 1);
    nonFinite.images[250] = Number.NaN;
    await expect(trainNetwork({ config: createRunConfig(options), dataset: dataset(nonFinite), runDirectory: directory() })).rejects.toThrow(
      /image 1 has a non-finite value \(NaN\)/,
    );
  }, 60_000);
});
