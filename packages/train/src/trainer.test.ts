import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { readEmbeddedDataset } from '@procrustes/data/node';
import { loadCheckpoint } from './checkpoint.js';
import type { RunConfig } from './run-config.js';
import { trainNetwork } from './trainer.js';

const config: RunConfig = {
  model: 'procresnet-10',
  network: { family: 'procresnet', block: 'basic', n: 1, width: 4, inputShape: [28, 28, 1], classes: 10 },
  dataset: 'fashion-mnist-subset',
  limitTrain: 96,
  limitTest: 64,
  epochs: 3,
  batchSize: 16,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: { kind: 'multistep', milestones: [2], gamma: 0.1 },
  augmentation: { pad: 2, flip: false },
  seed: 7,
  backend: 'wasm',
  plugins: [],
};

const weightsOf = (parameters: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.from(v.dataSync())]));

// The embedded subset, read once for the file.
const dataset = await readEmbeddedDataset();

describe('trainNetwork', () => {
  beforeAll(async () => {
    await wasmBackendPlugin.activate();
  });

  it('a run stopped after epoch 2 and resumed ends with exactly the weights of an uninterrupted run', async () => {
    const whole = await trainNetwork({ config, dataset, runDirectory: mkdtempSync(join(tmpdir(), 'run-whole-')) });
    const directory = mkdtempSync(join(tmpdir(), 'run-resumed-'));
    const first = await trainNetwork({ config, dataset, runDirectory: directory, stopAfterEpoch: 2 });
    expect(first.history).toHaveLength(2);
    const resumed = await trainNetwork({ config, dataset, runDirectory: directory, resume: true });
    expect(resumed.startEpoch).toBe(2);
    expect(resumed.history.map((m) => m.testAccuracy)).toEqual(whole.history.map((m) => m.testAccuracy));
    expect(weightsOf(resumed.parameters)).toEqual(weightsOf(whole.parameters));
    const lines = readFileSync(join(directory, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(lines[2].learningRate).toBeCloseTo(0.005, 10);
  }, 120_000);

  it('learns: training loss falls and tensors do not accumulate across epochs', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await trainNetwork({
      config: { ...config, limitTrain: 256, epochs: 3, schedule: { kind: 'constant' } },
      dataset,
      onProgress: (p) => p.kind === 'epoch' && progress.push(p.metrics.trainLoss),
    });
    expect(progress[2]).toBeLessThan(progress[0]);
    expect(result.history[2].testAccuracy).toBeGreaterThan(0.2);
    const parameterCount = Object.keys(result.parameters).length;
    expect(tf.memory().numTensors - before).toBe(parameterCount);
  }, 120_000);

  it('refuses a corrupt checkpoint', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'run-corrupt-'));
    const result = await trainNetwork({ config: { ...config, epochs: 1 }, dataset, runDirectory: directory });
    const path = join(directory, 'checkpoint', 'weights.bin');
    const bytes = readFileSync(path);
    bytes[10] ^= 0xff;
    writeFileSync(path, bytes);
    await expect(loadCheckpoint(directory, result.spec)).rejects.toThrow(/weights\.bin was changed or damaged/);
  }, 60_000);
});
