import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idxFile } from './idx-test-files.js';
import { procrustes } from './run-built-cli.js';

function writeDataset(directory: string, labelShift: number): void {
  mkdirSync(directory, { recursive: true });
  const pixels = (count: number) => Uint8Array.from({ length: count * 784 }, (_, i) => (i * 31) % 256);
  const labels = (count: number) => Uint8Array.from({ length: count }, (_, i) => (i + labelShift) % 10);
  writeFileSync(join(directory, 'train-images-idx3-ubyte'), idxFile([64, 28, 28], pixels(64)));
  writeFileSync(join(directory, 'train-labels-idx1-ubyte'), idxFile([64], labels(64)));
  writeFileSync(join(directory, 't10k-images-idx3-ubyte'), idxFile([16, 28, 28], pixels(16)));
  writeFileSync(join(directory, 't10k-labels-idx1-ubyte'), idxFile([16], labels(16)));
}

describe("a run's data is fingerprinted", () => {
  it('resume and eval refuse data replaced under the same --data-dir, naming the split', () => {
    const root = mkdtempSync(join(tmpdir(), 'data-identity-'));
    const data = join(root, 'data');
    const run = join(root, 'run');
    writeDataset(data, 0);
    const trained = procrustes('train', '--model', 'resnet-8', '--width', '4', '--dataset', 'mnist', '--data-dir', data, '--batch', '16', '--epochs', '1', '--quiet', '--out', run);
    expect(trained.code, trained.stderr).toBe(0);
    expect(procrustes('eval', '--checkpoint', run).code).toBe(0);
    writeDataset(data, 3); // other labels, same files
    const resumed = procrustes('train', '--out', run, '--resume', '--epochs', '2', '--quiet');
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/cannot resume .*: the train data of mnist in .*data is not the data this run was trained on .*restore the run's data, or start a new run/);
    const evaluated = procrustes('eval', '--checkpoint', run);
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr).toMatch(/cannot evaluate .*: the test data of mnist in .*data is not the data this run was trained on/);
    writeDataset(data, 0); // restored: both work again
    expect(procrustes('eval', '--checkpoint', run).code).toBe(0);
    expect(procrustes('train', '--out', run, '--resume', '--epochs', '2', '--quiet').code).toBe(0);
  }, 120_000);
});
