import { afterAll, describe, expect, it } from 'vitest';
import { registerTrainingPlugin, unregisterTrainingPlugin } from '@procrustes/core';
import { createRunConfig } from './create-run-config.js';
import { runConfigOptionsOf } from './run-config-options.js';

describe('createRunConfig', () => {
  afterAll(() => unregisterTrainingPlugin('spectral-regularizer'));

  it("fills the CLI's defaults around a model name", () => {
    const config = createRunConfig({ model: 'resnet-20', epochs: 4 });
    expect(config).toMatchObject({
      model: 'resnet-20',
      network: { family: 'resnet', block: 'basic', n: 3, width: 16, inputShape: [28, 28, 1], classes: 10 },
      dataset: 'fashion-mnist',
      epochs: 4,
      batchSize: 128,
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 1e-4,
      schedule: { kind: 'multistep', milestones: [2, 3], gamma: 0.1 },
      augmentation: { pad: 2, flip: false },
      backend: 'wasm',
      plugins: [],
    });
  });

  it('takes CIFAR shapes and augmentation from the dataset, and any field given', () => {
    const config = createRunConfig({ model: 'resnet-164', dataset: 'cifar-100', batchSize: 64, schedule: 'cosine' });
    expect(config.network).toMatchObject({ block: 'bottleneck', inputShape: [32, 32, 3], classes: 100 });
    expect(config.augmentation).toEqual({ pad: 4, flip: true });
    expect(config.batchSize).toBe(64);
    expect(config.schedule).toEqual({ kind: 'cosine' });
  });

  it('names the problem in bad input', () => {
    expect(() => createRunConfig({ model: 'resnet-21' })).toThrow(/depth 21 is not of the form resnet/);
    expect(() => createRunConfig({ model: 'resnet-20', dataset: 'imagenet' })).toThrow(/unknown dataset 'imagenet': choose one of/);
    expect(() => createRunConfig({ model: 'resnet-20', epochs: 2, milestones: [5] })).toThrow(/milestone 5/);
  });

  it("gives procresnet the paper's regularizer with the plugin factory's recorded defaults, and the monitor with it", () => {
    expect(() => createRunConfig({ model: 'procresnet-22', regularizer: { mode: 'clip' } })).toThrow(/'spectral-regularizer' is not registered: register its factory first/);
    registerTrainingPlugin({
      name: 'spectral-regularizer',
      description: 'a stand-in with recorded defaults',
      defaults: { mode: 'procrustes', method: 'exact', targets: 'spectral-targets' },
      create: () => ({ name: 'spectral-regularizer' }),
    });
    const config = createRunConfig({ model: 'procresnet-22', seed: 3, regularizer: { method: 'newton-schulz', iterations: 5 }, probeEvery: 10 });
    expect(config.plugins).toEqual([
      { name: 'spectral-regularizer', options: { probability: 0.5, seed: 3, mode: 'procrustes', method: 'newton-schulz', targets: 'spectral-targets', iterations: 5 } },
      { name: 'spectral-monitor', options: { every: 0 } },
      { name: 'probes', options: { every: 10 } },
    ]);
    expect(createRunConfig({ model: 'procresnet-22', regularizer: { probability: 0 } }).plugins).toEqual([]);
    expect(() => createRunConfig({ model: 'resnet-20', regularizer: { probability: 0.5 } })).toThrow(/resnet-20 has no spectral targets/);
    expect(() => createRunConfig({ model: 'procresnet-22', regularizer: { probability: 2 } })).toThrow(/must be in \[0, 1\]/);
  });

  it('turns back into the options it was made from: the same config, field for field and byte for byte', () => {
    for (const config of [
      createRunConfig({ model: 'procresnet-22', epochs: 7, milestones: [3], learningRate: 0.05, probeEvery: 5, spectraEvery: 20, limitTrain: 100 }),
      createRunConfig({ model: 'resnet-164', dataset: 'cifar-10', schedule: 'cosine', augmentation: { flip: false }, workers: 2, recomputeUnits: true }),
      createRunConfig({ model: 'plain-20', plugins: [{ name: 'my-plugin', options: { x: 1 } }] }),
    ]) {
      expect(JSON.stringify(createRunConfig(runConfigOptionsOf(config)))).toBe(JSON.stringify(config));
    }
  });
});
