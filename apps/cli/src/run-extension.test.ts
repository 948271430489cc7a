import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reproducibleRunFiles } from '@procrustes/train/node';
import { createHash } from 'node:crypto';
import { procrustes } from './run-built-cli.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const args = '--model resnet-8 --width 4 --dataset fashion-mnist-subset --limit-train 64 --limit-test 32 --batch 16 --seed 5 --schedule constant --quiet'.split(' ');

/** The CLI with failpoints set (a kill at a named point of the run's code). */
function withFailpoints(failpoints: string, ...cli: string[]) {
  const result = spawnSync(process.execPath, [bin, ...cli], { encoding: 'utf8', env: { ...process.env, PROCRUSTES_FAILPOINTS: failpoints }, timeout: 300_000 });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Rewrites a run's checkpoint manifests as an earlier version wrote them (config.json's whole text sealed). */
function asVersion2(run: string): void {
  const configSha256 = createHash('sha256')
    .update(readFileSync(join(run, 'config.json')))
    .digest('hex');
  for (const slot of ['checkpoint', 'checkpoint.previous']) {
    const path = join(run, slot, 'manifest.json');
    const { definitionSha256: _new, ...manifest } = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...manifest, formatVersion: 2, configSha256 }, null, 1));
  }
}

describe('extending a run (--resume --epochs N) killed at every write of the extension', () => {
  it('leaves a run that evaluates, resumes and ends with the files of a run that was never interrupted, for current and version-2 manifests', () => {
    const root = mkdtempSync(join(tmpdir(), 'extend-'));
    const reference = join(root, 'reference');
    expect(procrustes('train', ...args, '--epochs', '3', '--out', reference).code).toBe(0);
    const twoEpochs = join(root, 'two-epochs');
    expect(procrustes('train', ...args, '--epochs', '2', '--out', twoEpochs).code).toBe(0);
    const points = ['extend-after-upgrade-checkpoint', 'extend-after-upgrade-checkpoint.previous', 'extend-after-config'];
    for (const version of ['current', 'version 2']) {
      for (const point of points) {
        const run = join(root, `${version.replace(' ', '-')}-${point}`);
        cpSync(twoEpochs, run, { recursive: true });
        if (version === 'version 2') asVersion2(run);
        const killed = withFailpoints(`kill:${point}`, 'train', '--out', run, '--resume', '--epochs', '3', '--quiet');
        expect(killed.signal, `${version} ${point}: ${killed.stderr}`).toBe('SIGKILL');
        const evaluated = procrustes('eval', '--checkpoint', run);
        expect(evaluated.code, `${version} ${point}: ${evaluated.stderr}`).toBe(0);
        const resumed = procrustes('train', '--out', run, '--resume', '--epochs', '3', '--quiet');
        expect(resumed.code, `${version} ${point}: ${resumed.stderr}`).toBe(0);
        const ours = reproducibleRunFiles(run);
        const theirs = reproducibleRunFiles(reference);
        for (const file of Object.keys(theirs)) {
          if (file.endsWith('manifest.json') && version === 'version 2' && file.startsWith('checkpoint.previous')) continue; // the epoch-2 checkpoint kept its upgraded manifest
          expect(ours[file], `${version} ${point}: ${file}`).toBe(theirs[file]);
        }
      }
    }
  }, 300_000);
});
