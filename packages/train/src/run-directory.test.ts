import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type TrainingPlugin } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { channelStatistics, takeFirst } from '@procrustes/data';
import { readEmbeddedDataset } from '@procrustes/data/node';
import { hasCheckpoint, loadCheckpoint } from './checkpoint.js';
import { reproducibleRunFiles } from './reproducible-files.js';
import type { RunConfig } from './run-config.js';
import { readRunConfig } from './read-run.js';
import { DivergenceError, trainNetwork } from './trainer.js';

const config: RunConfig = {
  model: 'resnet-8',
  network: { family: 'resnet', block: 'basic', n: 1, width: 4, inputShape: [28, 28, 1], classes: 10 },
  dataset: 'fashion-mnist-subset',
  limitTrain: 96,
  limitTest: 32,
  epochs: 3,
  batchSize: 16,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: { kind: 'constant' },
  augmentation: { pad: 2, flip: false },
  seed: 5,
  backend: 'wasm',
  plugins: [],
};
const weightsOf = (parameters: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.from(v.dataSync())]));
const fresh = (label: string) => join(mkdtempSync(join(tmpdir(), `run-${label}-`)), 'run');

/** A plugin that records every step and every epoch end, like the probes and the regularizer do. */
function recordingPlugin(): TrainingPlugin {
  return {
    name: 'recorder',
    records: ['steps', 'epochs'],
    afterUpdate: (context) => [{ stream: 'steps', record: { step: context.step, weight: context.parameters['head/fc/bias'].dataSync()[0] } }],
    onEpochEnd: (context) => [{ stream: 'epochs', record: { epoch: context.epoch, loss: context.metrics.trainLoss } }],
  };
}

// The embedded subset, read once for the file.
const dataset = await readEmbeddedDataset();

describe('the run directory', () => {
  beforeAll(async () => {
    await wasmBackendPlugin.activate();
  });

  it('records of a run interrupted mid-epoch and resumed equal an uninterrupted run, file for file; the trainer writes them, not the plugins', async () => {
    const whole = fresh('whole');
    await trainNetwork({ config, dataset, runDirectory: whole, plugins: [recordingPlugin()] });
    const directory = fresh('parts');
    const abort = new AbortController();
    const first = await trainNetwork({
      config,
      dataset,
      runDirectory: directory,
      plugins: [recordingPlugin()],
      signal: abort.signal,
      onProgress: (p) => p.kind === 'step' && p.epoch === 1 && p.step === 3 && abort.abort(),
    });
    expect(first.interrupted).toEqual({ epoch: 1, batchesDone: 3 });
    // What a process killed after the checkpoint would have left behind: records of steps the checkpoint does not hold.
    writeFileSync(join(directory, 'steps.jsonl'), `${readFileSync(join(directory, 'steps.jsonl'), 'utf8')}{"step":9,"weight":0}\n{"step":10,"weight":0}\n`);
    writeFileSync(join(directory, 'metrics.jsonl'), `${readFileSync(join(directory, 'metrics.jsonl'), 'utf8')}{"epoch":2}\n`);
    await trainNetwork({ config, dataset, runDirectory: directory, plugins: [recordingPlugin()], resume: true });
    const expected = reproducibleRunFiles(whole);
    const actual = reproducibleRunFiles(directory);
    // The interrupted run took one more checkpoint (at the interruption): its previous checkpoint is that one.
    for (const files of [expected, actual]) for (const name of Object.keys(files)) if (name.startsWith('checkpoint.previous')) delete files[name];
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) expect(actual[name], name).toBe(expected[name]);
    expect(readFileSync(join(directory, 'steps.jsonl'), 'utf8').trim().split('\n')).toHaveLength(18);
    expect(existsSync(join(directory, 'lock'))).toBe(false);
  }, 120_000);

  it('checkpoints every k steps inside an epoch change nothing computed, and resuming from one ends like an uninterrupted run', async () => {
    const whole = fresh('whole-k');
    const reference = await trainNetwork({ config, dataset, runDirectory: whole, plugins: [recordingPlugin()] });
    const directory = fresh('every-k');
    const periodic = await trainNetwork({ config, dataset, runDirectory: directory, plugins: [recordingPlugin()], checkpointEverySteps: 4 });
    expect(weightsOf(periodic.parameters)).toEqual(weightsOf(reference.parameters));
    // The checkpoint before the last is the one taken inside epoch 3 (after 4 of its 6 batches).
    const previous = await loadCheckpoint(directory, periodic.spec, 'previous');
    expect([previous.state.epoch, previous.state.batchesDone, previous.state.step]).toEqual([2, 4, 16]);
    const resumed = await trainNetwork({ config, dataset, runDirectory: directory, plugins: [recordingPlugin()], resume: true, previousCheckpoint: true });
    expect(weightsOf(resumed.parameters)).toEqual(weightsOf(reference.parameters));
    for (const file of ['metrics.jsonl', 'steps.jsonl', 'epochs.jsonl']) {
      expect(reproducibleRunFiles(directory)[file], file).toBe(reproducibleRunFiles(whole)[file]);
    }
  }, 120_000);

  it('a crash after an epoch’s records but before its checkpoint (a finished run’s last epoch) is repaired on resume', async () => {
    const whole = fresh('finished');
    await trainNetwork({ config, dataset, runDirectory: whole });
    const directory = fresh('crash');
    process.env.PROCRUSTES_FAILPOINTS = 'before-checkpoint-3';
    try {
      await expect(trainNetwork({ config, dataset, runDirectory: directory })).rejects.toThrow(/failpoint 'before-checkpoint-3'/);
    } finally {
      delete process.env.PROCRUSTES_FAILPOINTS;
    }
    expect(readFileSync(join(directory, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect((await loadCheckpoint(directory, (await trainNetwork({ config: { ...config, epochs: 0 }, dataset })).spec)).state.epoch).toBe(2);
    const resumed = await trainNetwork({ config, dataset, runDirectory: directory, resume: true });
    expect(resumed.startEpoch).toBe(2);
    const lines = (dir: string) =>
      readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => ({ ...JSON.parse(l), seconds: 0, imagesPerSecond: 0, peakRssMegabytes: 0 }));
    expect(lines(directory)).toEqual(lines(whole));
  }, 120_000);

  it('is locked while a process writes it: a second writer is refused naming the first; a dead process’s lock is taken over with a notice; locks that cannot be checked are refused with how to clear them', async () => {
    const directory = fresh('lock');
    let second: Promise<unknown> | undefined;
    await trainNetwork({
      config: { ...config, epochs: 1 },
      dataset,
      runDirectory: directory,
      onProgress: (p) => {
        if (p.kind === 'step' && p.step === 1)
          second = trainNetwork({ config: { ...config, epochs: 1 }, dataset, runDirectory: directory, resume: true }).then(
            () => 'it ran',
            (error: Error) => error.message,
          );
      },
    });
    expect(await second).toMatch(new RegExp(`process ${process.pid} on ${hostname()} .* is writing it; wait for it to finish or stop it \\(kill ${process.pid}\\)`));
    expect(existsSync(join(directory, 'lock'))).toBe(false);
    // A lock left by a process that no longer runs is taken over, with a notice.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(directory, 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started: '2026-01-01T00:00:00Z', command: 'train' }));
    const notices: string[] = [];
    const resumed = await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true, onNotice: (m) => notices.push(m) });
    expect(resumed.history).toHaveLength(2);
    expect(notices).toEqual([`${directory}: took over the lock of process ${dead.stdout} on ${hostname()} (started 2026-01-01T00:00:00Z): it no longer runs`]);
    // So is one whose pid now belongs to another process (its start time differs), or from before a restart.
    for (const [lock, why] of [
      [{ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'train', processStart: '1' }, `pid ${process.pid} now belongs to another process`],
      [{ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'train', bootId: 'another-boot' }, 'the machine has restarted since'],
    ] as const) {
      writeFileSync(join(directory, 'lock'), JSON.stringify(lock));
      const told: string[] = [];
      await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true, onNotice: (m) => told.push(m) });
      expect(told.join('\n')).toContain(why);
    }
    // A live process's lock is never taken, --break-stale-lock or not.
    writeFileSync(join(directory, 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'train' }));
    await expect(trainNetwork({ config: { ...config, epochs: 3 }, dataset, runDirectory: directory, resume: true, breakStaleLock: true })).rejects.toThrow(/is writing it/);
    // Another host's lock cannot be checked: refused, saying so, unless --break-stale-lock.
    writeFileSync(join(directory, 'lock'), JSON.stringify({ pid: 4242, host: 'elsewhere', started: '2026-01-01T00:00:00Z', command: 'train' }));
    await expect(trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true })).rejects.toThrow(
      /locked by process 4242 on elsewhere .*another host, which cannot be checked from here; if no process writes this run, remove it \(rm .*lock\) or pass --break-stale-lock/,
    );
    await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true, breakStaleLock: true });
    // An empty or invalid lock (pid -1, 0 or 1) is reported with how to clear it, and never with a kill command.
    for (const [text, why] of [
      ['', 'is empty'],
      [JSON.stringify({ pid: -1, host: hostname(), started: 'x', command: 'train' }), 'names no valid process \\(pid -1\\)'],
      [JSON.stringify({ pid: 0, host: hostname(), started: 'x', command: 'train' }), 'names no valid process \\(pid 0\\)'],
    ]) {
      writeFileSync(join(directory, 'lock'), text);
      const refusal = await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true }).then(
        () => 'it ran',
        (error: Error) => error.message,
      );
      expect(refusal).toMatch(new RegExp(`its lock .*lock ${why}; if no process writes this run, remove it \\(rm .*lock\\) or pass --break-stale-lock`));
      expect(refusal).not.toMatch(/kill/);
      await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory, resume: true, breakStaleLock: true });
      expect(existsSync(join(directory, 'lock'))).toBe(false);
    }
    writeFileSync(join(directory, 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'train' }));
    rmSync(join(directory, 'lock'));
  }, 120_000);

  describe('every checkpoint file is verified on load', () => {
    const spec = () => trainNetwork({ config: { ...config, epochs: 0 }, dataset }).then((r) => r.spec);
    const trained = async (label: string) => {
      const directory = fresh(label);
      await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory });
      return directory;
    };
    const edits: Array<[string, (directory: string) => void, RegExp]> = [
      [
        'model.json edited (shapes still valid)',
        (d) => writeFileSync(join(d, 'checkpoint/model.json'), readFileSync(join(d, 'checkpoint/model.json'), 'utf8').replace('"format"', ' "format"')),
        /model\.json was changed or damaged/,
      ],
      [
        'state.json edited (epoch)',
        (d) => writeFileSync(join(d, 'checkpoint/state.json'), readFileSync(join(d, 'checkpoint/state.json'), 'utf8').replace('"epoch": 2', '"epoch": 1')),
        /state\.json was changed or damaged/,
      ],
      [
        'config.json edited (learning rate)',
        (d) => writeFileSync(join(d, 'config.json'), readFileSync(join(d, 'config.json'), 'utf8').replace('0.05', '0.5')),
        /config\.json was changed after this checkpoint/,
      ],
      ['weights.bin deleted', (d) => rmSync(join(d, 'checkpoint/weights.bin')), /weights\.bin is missing/],
      ['state.json deleted', (d) => rmSync(join(d, 'checkpoint/state.json')), /state\.json is missing/],
      [
        'metrics.jsonl shortened',
        (d) => writeFileSync(join(d, 'metrics.jsonl'), `${readFileSync(join(d, 'metrics.jsonl'), 'utf8').split('\n')[0]}\n`),
        /metrics\.jsonl is shorter/,
      ],
      ['checkpoint/ deleted', (d) => rmSync(join(d, 'checkpoint'), { recursive: true }), /checkpoint cannot be trusted: it does not exist/],
    ];
    for (const [what, edit, message] of edits) {
      it(`${what}: refused, naming the file, and the previous checkpoint is offered`, async () => {
        const directory = await trained(what.split(' ')[0].replace(/\W/g, ''));
        edit(directory);
        const previousOffer = what.startsWith('config.json')
          ? /previous checkpoint does not verify either/
          : /the previous checkpoint \(checkpoint\.previous: epoch 1, step 6\) verifies: pass --previous-checkpoint to use it/;
        await expect(loadCheckpoint(directory, await spec())).rejects.toThrow(message);
        await expect(loadCheckpoint(directory, await spec())).rejects.toThrow(previousOffer);
        // As the CLI resumes: with the run's config.json as it now is.
        await expect(trainNetwork({ config: await readRunConfig(directory), dataset, runDirectory: directory, resume: true })).rejects.toThrow(message);
      }, 60_000);
    }

    it('resuming from the previous checkpoint keeps the rejected one and ends like an uninterrupted run', async () => {
      const whole = await trainNetwork({ config, dataset });
      const directory = await trained('previous');
      writeFileSync(join(directory, 'checkpoint/weights.bin'), Buffer.alloc(8));
      const resumed = await trainNetwork({ config, dataset, runDirectory: directory, resume: true, previousCheckpoint: true });
      expect(resumed.startEpoch).toBe(1);
      expect(weightsOf(resumed.parameters)).toEqual(weightsOf(whole.parameters));
      expect(readdirSync(directory).filter((f) => f.startsWith('checkpoint.rejected-'))).toHaveLength(1);
    }, 120_000);

    it('a run with no checkpoint is not silently restarted under resume', async () => {
      const directory = fresh('nocheckpoint');
      await trainNetwork({ config: { ...config, epochs: 0 }, dataset, runDirectory: directory });
      await expect(trainNetwork({ config, dataset, runDirectory: directory, resume: true })).rejects.toThrow(/cannot resume .*: it has no checkpoint/);
    });
  });

  it('a run killed while its first checkpoint was swapped in resumes from it; one killed while writing it is started over', async () => {
    const whole = await trainNetwork({ config, dataset });
    const directory = fresh('first-swap');
    await trainNetwork({ config: { ...config, epochs: 1 }, dataset, runDirectory: directory });
    // The moment between writing checkpoint.tmp/ and its rename: no checkpoint/, no previous one.
    renameSync(join(directory, 'checkpoint'), join(directory, 'checkpoint.tmp'));
    expect(hasCheckpoint(directory)).toBe(true);
    expect((await loadCheckpoint(directory, whole.spec)).state.epoch).toBe(1);
    const resumed = await trainNetwork({ config, dataset, runDirectory: directory, resume: true });
    expect(resumed.startEpoch).toBe(1);
    expect(weightsOf(resumed.parameters)).toEqual(weightsOf(whole.parameters));
    expect(existsSync(join(directory, 'checkpoint.tmp'))).toBe(false);

    const cut = fresh('first-write');
    await trainNetwork({ config: { ...config, epochs: 1 }, dataset, runDirectory: cut });
    // Cut before the manifest, which is written last: not a checkpoint.
    renameSync(join(cut, 'checkpoint'), join(cut, 'checkpoint.tmp'));
    rmSync(join(cut, 'checkpoint.tmp', 'manifest.json'));
    expect(hasCheckpoint(cut)).toBe(false);
    await expect(trainNetwork({ config, dataset, runDirectory: cut, resume: true })).rejects.toThrow(
      /cannot resume .*: it has no checkpoint \(checkpoint\/ is missing, and the write of its first one was cut\); start it over with --force/,
    );
    expect((await trainNetwork({ config, dataset, runDirectory: cut, overwrite: true })).startEpoch).toBe(0);
  }, 120_000);

  it('resume means resume: a different configuration is refused naming the fields; more epochs extend the run as if it had been asked for them', async () => {
    const directory = fresh('extend');
    await trainNetwork({ config: { ...config, epochs: 2 }, dataset, runDirectory: directory });
    await expect(trainNetwork({ config: { ...config, epochs: 2, learningRate: 0.1, seed: 6 }, dataset, runDirectory: directory, resume: true })).rejects.toThrow(
      /different configuration: learningRate, seed differ from its config\.json/,
    );
    const extended = await trainNetwork({ config, dataset, runDirectory: directory, resume: true });
    const whole = await trainNetwork({ config, dataset });
    expect(weightsOf(extended.parameters)).toEqual(weightsOf(whole.parameters));
    expect(JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8')).epochs).toBe(3);
    // The extended run's checkpoints verify against the new config.json.
    expect((await loadCheckpoint(directory, extended.spec)).state.epoch).toBe(3);
    expect((await loadCheckpoint(directory, extended.spec, 'previous')).state.epoch).toBe(2);
  }, 120_000);

  it('saves the normalisation statistics with the checkpoint, and resumes with them', async () => {
    const directory = fresh('statistics');
    await trainNetwork({ config: { ...config, epochs: 1 }, dataset, runDirectory: directory });
    const { state, parameters } = await loadCheckpoint(directory, (await trainNetwork({ config: { ...config, epochs: 0 }, dataset })).spec);
    expect(state.normalization).toEqual(channelStatistics(takeFirst(dataset.train, config.limitTrain)));
    tf.dispose(Object.values(parameters));
  });

  it('the divergence guard stops a loss that grows past its bound without becoming NaN, keeping the last good checkpoint', async () => {
    const directory = fresh('diverge');
    await trainNetwork({ config: { ...config, epochs: 1 }, dataset, runDirectory: directory });
    // A bound of half the first loss is crossed at once; the default (100×) is not crossed by this recipe.
    await expect(trainNetwork({ config: { ...config, divergenceFactor: 0.5 }, dataset })).rejects.toThrow(DivergenceError);
    await expect(trainNetwork({ config: { ...config, divergenceFactor: 0.5 }, dataset })).rejects.toThrow(
      /the loss diverged at step 1 \(epoch 1, batch 2\): [\d.]+ is above the bound [\d.]+; the run stopped\. .*--divergence-factor/,
    );
    await expect(trainNetwork({ config: { ...config, epochs: 1, learningRate: 1000, divergenceFactor: 100 }, dataset })).rejects.toThrow(/diverged|non-finite/);
    const history = (await trainNetwork({ config: { ...config, epochs: 1 }, dataset })).history;
    expect(history).toHaveLength(1);
  }, 120_000);
});
