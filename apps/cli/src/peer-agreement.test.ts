import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

// Agreement with an independent implementation of the same graph: the PyTorch peer in
// ../shared/peers (beside the repository), given our exported weights and batch.
const peer = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'peers', 'torch_resnet.py');
const python = '/usr/bin/python3';
const torchAvailable = existsSync(peer) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const why = !existsSync(peer) ? `the peer ${peer} is not present` : 'python3-torch is not installed (apt-get install -y python3-torch)';

const cases: Array<{ model: string; family: string; block: string; n: number }> = [
  { model: 'resnet-20', family: 'resnet', block: 'basic', n: 3 },
  { model: 'plain-20', family: 'plain', block: 'basic', n: 3 },
  { model: 'procresnet-22', family: 'procresnet', block: 'basic', n: 3 },
  { model: 'resnet-11', family: 'resnet', block: 'bottleneck', n: 1 },
  { model: 'plain-11', family: 'plain', block: 'bottleneck', n: 1 },
  { model: 'procresnet-13', family: 'procresnet', block: 'bottleneck', n: 1 },
];

describe.skipIf(!torchAvailable)(`gradient norm ratios agree with the PyTorch peer${torchAvailable ? '' : ` (skipped: ${why})`}`, () => {
  it.each(cases.map((c) => [c.model, c] as const))(
    '%s (width 8, 28×28×1, batch 8) to 1e-3 relative per unit',
    (_, c) => {
      const directory = mkdtempSync(join(tmpdir(), `peer-${c.model}-`));
      const ours = procrustes('ratios', '--model', c.model, '--width', '8', '--input', '28x28x1', '--batch', '8', '--seed', '3', '--export', directory, '--json');
      expect(ours.code, ours.stderr).toBe(0);
      const units = JSON.parse(ours.stdout).units as Array<{ index: number; kind: string; ratioMean: number }>;
      const theirs = spawnSync(python, [peer, 'ratios', '--model', c.family, '--block', c.block, '--n', String(c.n), '--width', '8', '--input', '28x28x1', '--load', directory], {
        encoding: 'utf8',
      });
      expect(theirs.status, theirs.stderr).toBe(0);
      const reference = JSON.parse(theirs.stdout.trim().split('\n').pop()!) as { ratio_mean_per_unit: number[]; transitions: number[] };
      expect(units.length).toBe(reference.ratio_mean_per_unit.length);
      expect(units.filter((u) => u.kind === 'transition').map((u) => u.index)).toEqual(reference.transitions);
      units.forEach((u, i) => {
        expect(Math.abs(u.ratioMean - reference.ratio_mean_per_unit[i]) / reference.ratio_mean_per_unit[i], `unit ${i}`).toBeLessThan(1e-3);
      });
    },
    120_000,
  );
});
