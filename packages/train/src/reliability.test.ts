import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { tf } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { readEmbeddedDataset } from '@procrustes/data/node';
import { CheckpointWriteError, hasCheckpoint, loadCheckpoint } from './checkpoint.js';
import type { RunConfig } from './run-config.js';
import { NonFiniteError, trainNetwork } from './trainer.js';

const config: RunConfig = {
  model: 'procresnet-10',
  network: { family: 'procresnet', block: 'basic', n: 1, width: 4, inputShape: [28, 28, 1], classes: 10 },
  dataset: 'fashion-mnist-subset',
  limitTrain: 96,
  limitTest: 32,
  epochs: 2,
  batchSize: 16,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: { kind: 'constant' },
  augmentation: { pad: 2, flip: true },
  seed: 11,
  backend: 'wasm',
  plugins: [],
};
const weightsOf = (parameters: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.from(v.dataSync())]));

// The embedded subset, read once for the file.
const dataset = await readEmbeddedDataset();

describe('training reliability', () => {
  beforeAll(async () => {
    await wasmBackendPlugin.activate();
  });

  it('an abort mid-epoch saves a checkpoint there; resuming ends exactly like an uninterrupted run', async () => {
    const whole = await trainNetwork({ config, dataset });
    const directory = mkdtempSync(join(tmpdir(), 'run-abort-'));
    const abort = new AbortController();
    const first = await trainNetwork({
      config,
      dataset,
      runDirectory: directory,
      signal: abort.signal,
      onProgress: (p) => p.kind === 'step' && p.epoch === 1 && p.step === 2 && abort.abort(),
    });
    expect(first.interrupted).toEqual({ epoch: 1, batchesDone: 2 });
    const resumed = await trainNetwork({ config, dataset, runDirectory: directory, resume: true });
    expect(weightsOf(resumed.parameters)).toEqual(weightsOf(whole.parameters));
    expect(resumed.history.map((m) => m.trainLoss)).toEqual(whole.history.map((m) => m.trainLoss));
  }, 120_000);

  it('a non-finite loss stops the run naming the step, keeping the last good checkpoint; skip mode skips updates', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'run-nan-'));
    const exploding = { ...config, learningRate: 1e12, epochs: 3 };
    await expect(trainNetwork({ config: exploding, dataset, runDirectory: directory })).rejects.toThrow(NonFiniteError);
    await expect(trainNetwork({ config: exploding, dataset })).rejects.toThrow(
      /non-finite values at step \d+ \(epoch \d, batch \d\): (the loss|gradient of '.*' holds (NaN|-?Infinity))/,
    );
    if (hasCheckpoint(directory)) {
      const { state } = await loadCheckpoint(directory, (await trainNetwork({ config: { ...config, epochs: 0 }, dataset })).spec);
      expect(state.history.every((m) => Number.isFinite(m.trainLoss))).toBe(true);
    }
    // Skipping updates does not make a success of a model that computes NaN: the epoch is not saved.
    const skippedDirectory = mkdtempSync(join(tmpdir(), 'run-nan-skip-'));
    await expect(trainNetwork({ config: { ...exploding, divergenceFactor: 0 }, dataset, runDirectory: skippedDirectory, onNonFinite: 'skip' })).rejects.toThrow(
      /after epoch \d the model is not finite \(test loss [^;]*; \d+ of \d+ updates skipped\); the run stopped (before its first checkpoint|and its last good checkpoint in .* is kept)\. Lower the learning rate$/,
    );
    if (hasCheckpoint(skippedDirectory)) {
      const { state } = await loadCheckpoint(skippedDirectory, (await trainNetwork({ config: { ...config, epochs: 0 }, dataset })).spec);
      expect(state.history.every((m) => Number.isFinite(m.testLoss))).toBe(true);
    }
  }, 120_000);

  it('a full disk while saving leaves the last good checkpoint intact and stops with a clear message', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'run-full-'));
    const first = await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, stopAfterEpoch: 1 });
    process.env.PROCRUSTES_FAILPOINTS = 'checkpoint-write';
    try {
      await expect(trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true })).rejects.toThrow(CheckpointWriteError);
      await expect(trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true })).rejects.toThrow(
        /could not write a checkpoint in .* \(the disk is full\); the previous checkpoint is intact/,
      );
    } finally {
      delete process.env.PROCRUSTES_FAILPOINTS;
    }
    const { state, parameters } = await loadCheckpoint(directory, first.spec);
    expect(state.epoch).toBe(1);
    expect(weightsOf(parameters)).toEqual(weightsOf(first.parameters));
  }, 120_000);
});
