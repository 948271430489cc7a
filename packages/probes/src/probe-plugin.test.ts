import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { createProbePlugin } from './probe-plugin.js';

describe('probe plugin', () => {
  it('records the ratios of every k-th training step into probes.jsonl', async () => {
    await wasmBackendPlugin.activate();
    const { trainNetwork } = await import('@procrustes/train/node');
    const { readEmbeddedDataset } = await import('@procrustes/data/node');
    const directory = mkdtempSync(join(tmpdir(), 'probes-'));
    await trainNetwork({
      config: {
        model: 'resnet-8',
        network: { family: 'resnet', block: 'basic', n: 1, width: 4, inputShape: [28, 28, 1], classes: 10 },
        dataset: 'fashion-mnist-subset',
        limitTrain: 64,
        limitTest: 16,
        epochs: 2,
        batchSize: 16,
        learningRate: 0.05,
        momentum: 0.9,
        weightDecay: 1e-4,
        schedule: { kind: 'constant' },
        augmentation: { pad: 0, flip: false },
        seed: 0,
        backend: 'wasm',
        plugins: [],
      },
      dataset: await readEmbeddedDataset(),
      runDirectory: directory,
      plugins: [createProbePlugin({ every: 3 })],
    });
    const records = readFileSync(join(directory, 'probes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.step)).toEqual([0, 3, 6]);
    expect(records[0].units).toHaveLength(3);
    expect(records[0].units.map((u: { kind: string }) => u.kind)).toEqual(['residual', 'residual', 'residual']);
    for (const r of records) for (const u of r.units) expect(u.ratioMean).toBeGreaterThan(0);
  }, 60_000);
});
