import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { idxFile } from './idx-test-files.js';
import { procrustes } from './run-built-cli.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const tiny = ['--model', 'resnet-8', '--width', '4', '--dataset', 'fashion-mnist-subset', '--batch', '16', '--limit-train', '64', '--seed', '5', '--quiet'];

describe('what train and report say about unusual input', () => {
  const root = mkdtempSync(join(tmpdir(), 'messages-'));

  it('a one-epoch run: no empty milestone list, singular epochs, a test limit larger than the set said, more workers than cores noticed', () => {
    const workers = String(availableParallelism() + 1);
    const result = procrustes('train', ...tiny, '--epochs', '1', '--limit-test', '100000', '--workers', workers, '--out', join(root, 'one-epoch'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/recipe {4}1 epoch, batch 16, lr 0\.1 \(multistep, no milestone within the run\)/);
    expect(result.stdout).toMatch(/test 1000 \(all: the limit 100000 is larger\)/);
    expect(result.stdout).toMatch(new RegExp(`notice {4}${workers} workers on ${availableParallelism()} cores: .*--workers ${availableParallelism()} is faster here`));
    expect(result.stdout).toMatch(/done {6}test accuracy [\d.]+% after 1 epoch;/);
  }, 120_000);

  it('a directory holding files but no run is not called a run; an empty data set is not answered with --batch 0', () => {
    const notes = join(root, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'notes.txt'), 'mine');
    const refused = procrustes('train', ...tiny, '--out', notes);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out .*notes is not empty \(it holds notes\.txt\) and holds no run: choose a new or empty directory, or pass --force/);
    const data = join(root, 'empty-data');
    mkdirSync(data);
    writeFileSync(join(data, 'train-images-idx3-ubyte'), idxFile([0, 28, 28], new Uint8Array(0)));
    writeFileSync(join(data, 'train-labels-idx1-ubyte'), idxFile([0], new Uint8Array(0)));
    writeFileSync(join(data, 't10k-images-idx3-ubyte'), idxFile([1, 28, 28], new Uint8Array(784)));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte'), idxFile([1], new Uint8Array(1)));
    const empty = procrustes('train', '--model', 'resnet-8', '--dataset', 'mnist', '--data-dir', data, '--quiet', '--out', join(root, 'empty-run'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/the training set of mnist \(.*empty-data\) has no images: check its files/);
    expect(empty.stderr).not.toMatch(/--batch 0/);
  }, 120_000);

  it('a model left non-finite by skipped updates does not end as a success, and a full disk says how to go on', () => {
    const out = join(root, 'nonfinite');
    const result = procrustes('train', ...tiny, '--epochs', '2', '--on-nonfinite', 'skip', '--lr', '1e12', '--divergence-factor', '0', '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /after epoch 1 the model is not finite \(test loss NaN.*updates skipped\); the run stopped before its first checkpoint\. Lower the learning rate\n/,
    );
    expect(result.stderr).not.toMatch(/--debug|--on-nonfinite skip/);
    expect(result.stdout).not.toMatch(/done|acc NaN/);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
    const full = join(root, 'full');
    const run = spawnSync(process.execPath, [bin, 'train', ...tiny, '--epochs', '1', '--out', full], {
      encoding: 'utf8',
      env: { ...process.env, PROCRUSTES_FAILPOINTS: 'checkpoint-write' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`\\(the disk is full\\); the previous checkpoint is intact: free space, then continue with: procrustes train --out ${full} --resume`));
  }, 120_000);

  it("report refuses to write into the run's own working directories", () => {
    const out = join(root, 'reported');
    expect(procrustes('train', ...tiny, '--epochs', '1', '--out', out).code).toBe(0);
    for (const inside of ['checkpoint.tmp', 'checkpoint', join('checkpoint.previous', 'x')]) {
      const result = procrustes('report', out, '--out', join(out, inside));
      expect(result.code, inside).toBe(2);
      expect(result.stderr).toMatch(/lies in .*, which the run's next writer replaces or removes: choose a directory outside it/);
    }
    expect(procrustes('report', out, '--out', join(out, 'figures')).code).toBe(0);
  }, 120_000);
});
