import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, buildNetworkSpec, createRandomState, randomInteger, registerBackendPlugin, type RandomState } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import type { RunConfig } from '@procrustes/train';
import { hasCheckpoint, loadCheckpoint, reproducibleRunFiles } from '@procrustes/train/node';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
// The long variant (PROCRUSTES_LONG_TESTS=1) kills 100 times instead of 12.
const KILLS = process.env.PROCRUSTES_LONG_TESTS ? 100 : 12;
// procresnet: the regularizer runs and writes spectra.jsonl; the probes write probes.jsonl.
const args = '--model procresnet-10 --width 4 --dataset fashion-mnist-subset --limit-train 96 --limit-test 32 --batch 16 --epochs 4 --probe-every 2 --quiet'.split(' ');

function run(
  extra: string[],
  killAfterMs?: number,
  signal: NodeJS.Signals = 'SIGKILL',
  killWhen?: RegExp,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'train', ...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (killWhen && !sent && killWhen.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill(signal), killAfterMs);
    child.on('exit', (code, received) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal: received, stdout, stderr });
    });
  });
}

async function finalWeights(out: string): Promise<Record<string, number[]>> {
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as RunConfig;
  const { parameters, state } = await loadCheckpoint(out, buildNetworkSpec(config.network));
  expect(state.epoch).toBe(4);
  const weights = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.from(v.dataSync())]));
  Object.values(parameters).forEach((p) => {
    p.dispose();
  });
  return weights;
}

describe('fault injection: the training process killed at random moments', () => {
  beforeAll(async () => {
    registerBackendPlugin(cpuBackendPlugin);
    await activateBackend('cpu');
  });

  it(`SIGKILL ${KILLS} times (in steps, evaluation, checkpoint and record writes): every checkpoint verifies, the dead process's lock is taken over, and every file of the resumed run equals the uninterrupted run's`, async () => {
    const reference = join(mkdtempSync(join(tmpdir(), 'fault-ref-')), 'run');
    const clean = await run(['--out', reference]);
    expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
    await finalWeights(reference);
    const expected = reproducibleRunFiles(reference);

    let state: RandomState = createRandomState(2024);
    let kills = 0;
    let runs = 0;
    let staleLocks = 0;
    let filesCompared = 0;
    while (kills < KILLS) {
      const out = join(mkdtempSync(join(tmpdir(), 'fault-')), 'run');
      runs++;
      for (let attempt = 0; attempt < 200; attempt++) {
        const drawn = randomInteger(state, 2500);
        state = drawn.state;
        // Killed before its first checkpoint, a run has nothing to resume (resume says so): start it over.
        const started = existsSync(join(out, 'config.json')) && hasCheckpoint(out);
        // On a machine loaded enough that no attempt gets past its start in 150 tries, the rest finish.
        const result = await run(started ? ['--out', out, '--resume'] : ['--out', out, '--force'], attempt < 150 ? 300 + drawn.value : undefined);
        if (result.signal === 'SIGKILL') {
          kills++;
          if (existsSync(join(out, 'lock'))) {
            // The killed process could not clean up: the next writer takes its lock over, saying so.
            if (staleLocks++ === 0 && existsSync(join(out, 'config.json')) && hasCheckpoint(out)) {
              const next = await run(['--out', out, '--resume'], undefined, 'SIGKILL', /notice .*took over/);
              expect(next.stdout).toMatch(/notice {4}.*: took over the lock of process \d+ on .*: it no longer runs/);
            }
          }
          // Whatever the moment, a checkpoint that exists must verify and load.
          if (existsSync(join(out, 'config.json')) && hasCheckpoint(out)) {
            const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as RunConfig;
            const loaded = await loadCheckpoint(out, buildNetworkSpec(config.network));
            Object.values(loaded.parameters).forEach((p) => {
              p.dispose();
            });
          }
          continue;
        }
        expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
        break;
      }
      await finalWeights(out);
      const actual = reproducibleRunFiles(out);
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
      for (const name of Object.keys(expected)) expect(actual[name], `${out}: ${name}`).toBe(expected[name]);
      filesCompared += Object.keys(expected).length;
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    console.log(
      `${kills} kills over ${runs} runs (${staleLocks} stale locks); every run finished with every file equal to the uninterrupted run's (${filesCompared} files compared)`,
    );
  }, 900_000);

  it('SIGTERM saves a checkpoint mid-epoch and exits 143; --resume finishes with the same weights', async () => {
    const reference = join(mkdtempSync(join(tmpdir(), 'term-ref-')), 'run');
    expect((await run(['--out', reference])).code).toBe(0);
    const out = join(mkdtempSync(join(tmpdir(), 'term-')), 'run');
    // Sent as soon as epoch 1 is reported, i.e. while epoch 2 runs.
    const stopped = await run(['--out', out], undefined, 'SIGTERM', /epoch 1:/);
    expect(stopped.code, stopped.stdout).toBe(143);
    expect(stopped.stdout).toMatch(/stopped {3}by SIGTERM: checkpoint saved in epoch \d after \d+ batches; continue with: procrustes train --out .* --resume/);
    expect((await run(['--out', out, '--resume'])).code).toBe(0);
    expect(await finalWeights(out)).toEqual(await finalWeights(reference));
  }, 120_000);
});
