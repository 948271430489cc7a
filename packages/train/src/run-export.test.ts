import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunConfig } from './create-run-config.js';
import { readRecordStream, readRun } from './read-run.js';
import { configText, type EpochMetrics } from './run-config.js';
import { runFiles } from './run-export.js';

const directory = mkdtempSync(join(tmpdir(), 'run-export-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('runFiles', () => {
  it('is a run directory as the trainer writes it: the readers read back the config and every stream', () => {
    const config = createRunConfig({ model: 'resnet-8', dataset: 'fashion-mnist-subset', epochs: 2, batchSize: 32, probeEvery: 1 });
    const metrics = [{ epoch: 1, learningRate: 0.1, trainLoss: 2, trainAccuracy: 0.2, testLoss: 2.1, testAccuracy: 0.25, seconds: 1, imagesPerSecond: 10 }] as EpochMetrics[];
    const probes = [
      { step: 0, units: [{ ratioMean: 1.1 }] },
      { step: 1, units: [{ ratioMean: 0.9 }] },
    ];
    const files = runFiles({ config, metrics, streams: { probes }, weights: { modelJson: { format: 'x' }, shard: new Uint8Array([1, 2, 3, 4]).subarray(1, 3) } });
    expect(files.map((f) => f.name)).toEqual(['config.json', 'model.json', 'weights.bin', 'metrics.jsonl', 'probes.jsonl']);
    for (const file of files) writeFileSync(join(directory, file.name), typeof file.data === 'string' ? file.data : new Uint8Array(file.data));
    expect(files[0].data).toBe(configText(config));
    expect(readRun(directory)).toEqual({ directory, config, metrics });
    expect(readRecordStream(directory, 'probes')).toEqual(probes);
    expect([...new Uint8Array(files[2].data as ArrayBuffer)]).toEqual([2, 3]);
  });
});
