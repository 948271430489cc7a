import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

// A one-node Slurm cluster, as .ci/run starts one (../shared/docs/SLURM-LOCAL.md).
function slurmProblem(): string | undefined {
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  if (sinfo.error) return 'sinfo was not found: no Slurm here (.ci/slurm-up starts a one-node cluster as root)';
  if (!/idle|mixed|allocated/.test(sinfo.stdout)) return `Slurm has no usable node (sinfo: ${(sinfo.stdout + sinfo.stderr).trim() || 'nothing'})`;
  return undefined;
}
const problem = slurmProblem();

const definition = {
  name: 'tiny-cluster',
  version: 1,
  description: 'two small models, two seeds each, as a job array',
  defaults: { dataset: 'fashion-mnist-subset', limitTrain: 256, limitTest: 32, batch: 16, width: 4, epochs: 4, lr: 0.05, schedule: 'constant', probeEvery: 4, checkpointEvery: 4 },
  runs: [
    { name: 'resnet-8', kind: 'train', model: 'resnet-8', seeds: [0, 1] },
    { name: 'plain-8', kind: 'train', model: 'plain-8', seeds: [0, 1] },
  ],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jobState = (job: string) => /JobState=(\w+)/.exec(execFileSync('scontrol', ['show', 'job', job], { encoding: 'utf8' }))?.[1];
async function until<T>(what: string, check: () => T | undefined, seconds: number): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await sleep(100)) {
    const value = check();
    if (value !== undefined) return value;
  }
  throw new Error(`waited ${seconds} s for ${what}`);
}
/** A summary without what differs between two runs of the same computation (timings, memory). */
const withoutTimings = (text: string) => text.replace(/"(seconds|imagesPerSecond|peakRssMegabytes)": ?[-\d.e+]+/g, '"$1":0');

describe.skipIf(problem !== undefined)(`procrustes study --slurm${problem ? ` (skipped: ${problem})` : ''}`, () => {
  it('runs every run as an array task, survives a task killed with SIGKILL and requeued, and its summaries equal the one-process study’s', async () => {
    const root = mkdtempSync(join(tmpdir(), 'study-slurm-'));
    const file = join(root, 'tiny-cluster.json');
    writeFileSync(file, JSON.stringify(definition));
    const here = { out: join(root, 'here-runs'), results: join(root, 'here-results') };
    const cluster = { out: join(root, 'cluster-runs'), results: join(root, 'cluster-results') };
    const local = procrustes('study', file, '--out', here.out, '--results', here.results);
    expect(local.code, local.stderr).toBe(0);

    const dry = procrustes('study', file, '--slurm', '--dry-run', '--time', '0:10:00', '--out', cluster.out, '--results', cluster.results);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/#SBATCH --array=0,1,2,3\n/);
    expect(dry.stdout).toMatch(/#SBATCH --time=0:10:00/);
    expect(dry.stdout).toMatch(/study '.*tiny-cluster\.json' --run-index "\$TASK_INDEX"/);
    expect(existsSync(cluster.out)).toBe(false);

    const submitted = procrustes('study', file, '--slurm', '--out', cluster.out, '--results', cluster.results);
    expect(submitted.code, submitted.stderr).toBe(0);
    const [, arrayJob, afterJob] = /as job array (\d+) .* the report as job (\d+) after it/.exec(submitted.stdout) ?? [];
    expect(arrayJob).toBeDefined();

    // Task 0 (resnet-8, seed 0) is killed with SIGKILL once it has written an epoch, then requeued.
    const run = join(cluster.out, 'resnet-8-seed0');
    const pid = await until(
      'task 0 to finish an epoch',
      () => {
        if (!existsSync(join(run, 'metrics.jsonl')) || !existsSync(join(run, 'lock'))) return undefined;
        return JSON.parse(readFileSync(join(run, 'lock'), 'utf8')).pid as number;
      },
      240,
    );
    process.kill(pid, 'SIGKILL');
    await until('the killed task to end', () => (/FAILED|CANCELLED|COMPLETED/.test(jobState(`${arrayJob}_0`) ?? '') ? true : undefined), 60);
    expect(jobState(`${arrayJob}_0`)).toBe('FAILED');
    execFileSync('scontrol', ['requeue', `${arrayJob}_0`]);
    // Slurm holds a requeued job for about two minutes before it is eligible; the test need not wait.
    execFileSync('scontrol', ['update', `JobId=${arrayJob}_0`, 'StartTime=now']);

    await until('the report job', () => (jobState(afterJob) === 'COMPLETED' ? true : undefined), 420);
    for (const task of [0, 1, 2, 3]) expect(jobState(`${arrayJob}_${task}`)).toBe('COMPLETED');
    const log = readFileSync(join(cluster.out, 'slurm', `${arrayJob}_0.out`), 'utf8');
    expect(log).toMatch(/took over the lock of process \d+ on .*: it no longer runs/);

    const names = readdirSync(join(here.results, 'summaries')).sort();
    expect(names).toEqual(['plain-8-seed0.json', 'plain-8-seed1.json', 'resnet-8-seed0.json', 'resnet-8-seed1.json']);
    expect(readdirSync(join(cluster.results, 'summaries')).sort()).toEqual(names);
    for (const name of names) {
      expect(withoutTimings(readFileSync(join(cluster.results, 'summaries', name), 'utf8'))).toBe(withoutTimings(readFileSync(join(here.results, 'summaries', name), 'utf8')));
    }
    expect(readFileSync(join(cluster.results, 'README.md'), 'utf8')).toMatch(/Over seeds/);

    // Submitted again, nothing is left to run.
    const again = procrustes('study', file, '--slurm', '--out', cluster.out, '--results', cluster.results);
    expect(again.stdout).toMatch(/every run is summarised .*nothing to submit/);
  }, 900_000);
});
