import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNetworkSpec } from '@procrustes/core';
import { studyHeatmap, studyRatioPerBlock } from './study-report.js';
import { summarizeTraining } from './summaries.js';

const network = { family: 'plain', block: 'basic', n: 1, width: 4, inputShape: [28, 28, 1], classes: 10 } as const;

describe('study summaries of a run whose gradient vanished', () => {
  it('keep a 0/0 ratio (null in probes.jsonl) as undefined, and the figures leave it blank', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'summary-'));
    const units = buildNetworkSpec(network).units;
    writeFileSync(join(directory, 'config.json'), JSON.stringify({ network, seed: 0 }));
    const probe = (step: number, vanished: boolean) =>
      JSON.stringify({
        step,
        epoch: 0,
        loss: 2.3,
        delta: 1,
        units: units.map((u, i) => ({ index: u.index, kind: u.kind, downsamples: false, ratioMean: vanished && i > 0 ? null : 1.5, delta: 0.5 })),
      });
    writeFileSync(join(directory, 'probes.jsonl'), `${probe(0, false)}\n${probe(20, true)}\n`);
    const summary = await summarizeTraining({ name: 'test', version: 1 }, { name: 'plain' }, directory);
    expect(summary.probes[1].ratios.slice(1).every(Number.isNaN)).toBe(true);
    expect(summary.probes[1].ratios[0]).toBe(1.5);
    expect(Number.isFinite(summary.residualLogRatio[1])).toBe(true);
    // Read back as a committed summary is: NaN written as null.
    const committed = JSON.parse(JSON.stringify(summary));
    for (const figure of [studyHeatmap([committed]), studyRatioPerBlock([committed])]) {
      expect(figure.svg).not.toMatch(/NaN|Infinity/);
    }
  });
});
