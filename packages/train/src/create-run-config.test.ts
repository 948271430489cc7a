import { describe, expect, it } from 'vitest';
import { createRunConfig } from './create-run-config.js';

describe('createRunConfig', () => {
  it("fills the CLI's defaults around a model name", () => {
    const config = createRunConfig({ model: 'procresnet-22', epochs: 4 });
    expect(config).toMatchObject({
      model: 'procresnet-22',
      network: { family: 'procresnet', block: 'basic', n: 3, width: 16, inputShape: [28, 28, 1], classes: 10 },
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
});
