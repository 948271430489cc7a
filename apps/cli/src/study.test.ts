import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

const definition = {
  name: 'tiny',
  version: 1,
  description: 'two small models for a few steps, and probes at initialisation',
  defaults: {
    dataset: 'fashion-mnist-subset',
    limitTrain: 96,
    limitTest: 32,
    batch: 16,
    width: 4,
    epochs: 3,
    lr: 0.05,
    schedule: 'constant',
    probeEvery: 2,
    spectraEvery: 2,
    seed: 1,
  },
  runs: [
    { name: 'resnet-8', kind: 'train', model: 'resnet-8' },
    { name: 'procresnet-10', kind: 'train', model: 'procresnet-10' },
    { name: 'init-resnet-8', kind: 'initialization', model: 'resnet-8', batch: 8 },
    { name: 'init-resnet-14', kind: 'initialization', model: 'resnet-14', batch: 8 },
    { name: 'init-plain-14', kind: 'initialization', model: 'plain-14', batch: 8 },
  ],
};

/** Runs `study` until its output matches `killWhen`, then sends it `signal` (once). */
function studyKilledWhen(args: string[], killWhen: RegExp, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'study', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      output += d;
      if (!sent && killWhen.test(output)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code) => resolve({ output, code }));
  });
}

const withoutTimings = (text: string) => text.replace(/"(seconds|imagesPerSecond|peakRssMegabytes)": ?[-\d.e+]+/g, '"$1":0');

describe('procrustes study', () => {
  it('runs a definition end to end, resumes it after a kill in the middle, skips what is done, and draws its figures from the summaries', async () => {
    const root = mkdtempSync(join(tmpdir(), 'study-'));
    const file = join(root, 'tiny.json');
    writeFileSync(file, JSON.stringify(definition));
    const whole = procrustes('study', file, '--out', join(root, 'runs-whole'), '--results', join(root, 'whole'));
    expect(whole.code, whole.stderr).toBe(0);
    // Killed while the second training run is under way (its first epoch reported).
    const args = [file, '--out', join(root, 'runs'), '--results', join(root, 'parts')];
    const { output: killed } = await studyKilledWhen(args, /=== procresnet-10[\s\S]*epoch 1:/);
    expect(killed).toMatch(/summary: .*resnet-8\.json/);
    expect(existsSync(join(root, 'parts', 'summaries', 'procresnet-10.json'))).toBe(false);
    // Where it stands, read without training: the killed run's process is gone, and it resumes.
    const status = procrustes('study', ...args, '--status');
    expect(status.code, status.stderr).toBe(0);
    const rows = status.stdout.split('\n');
    expect(rows[0]).toBe('study tiny (version 1): 5 runs; 1 summarised, 1 stopped, 3 not started');
    expect(rows[1]).toMatch(/^ {2}resnet-8 +summarised {3}test accuracy [\d.]+ % after 3 epochs, \d+ s per epoch$/);
    expect(rows[2]).toMatch(
      /^ {2}procresnet-10 +stopped {6}[12] of 3 epochs \(test accuracy [\d.]+ % after epoch [12]\); its process \d+ was stopped \(it no longer runs\); resumes from its checkpoint when the study runs again$/,
    );
    expect(rows.slice(3, 6).map((row) => row.trim().replace(/ +/g, ' '))).toEqual(['init-resnet-8 not started', 'init-resnet-14 not started', 'init-plain-14 not started']);
    // Nothing of procresnet-10 or of the probes is summarised yet to time them by.
    expect(rows[6]).toMatch(
      /^left, untimed: procresnet-10: [12] epochs?; resnet-8: 1 probe; resnet-14: 1 probe; plain-14: 1 probe \(no summarised run of that model to time them by\)$/,
    );
    // The killed run's lock is taken over by the next study, which says so.
    const resumed = procrustes('study', ...args);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/notice {4}.*procresnet-10: took over the lock of process \d+ on .*: it no longer runs/);
    expect(resumed.stdout).toMatch(/=== resnet-8: summarised earlier, skipped ===/);
    expect(resumed.stdout).toMatch(/procresnet-10 \(resuming\)/);
    for (const run of definition.runs) {
      const ours = JSON.parse(withoutTimings(readFileSync(join(root, 'parts', 'summaries', `${run.name}.json`), 'utf8')));
      const reference = JSON.parse(withoutTimings(readFileSync(join(root, 'whole', 'summaries', `${run.name}.json`), 'utf8')));
      // What differs between two runs of the same computation: times and memory.
      if (run.kind === 'initialization') ours.seconds = reference.seconds = 0;
      else ours.peakRssMegabytes = reference.peakRssMegabytes = 0;
      expect(ours, run.name).toEqual(reference);
    }
    const summary = JSON.parse(readFileSync(join(root, 'parts', 'summaries', 'procresnet-10.json'), 'utf8'));
    expect(summary.metrics).toHaveLength(3);
    expect(summary.probes.map((p: { step: number }) => p.step)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16]);
    expect(summary.spectra.length).toBeGreaterThanOrEqual(9);
    expect(summary.units.filter((u: { transition: boolean }) => u.transition).map((u: { kind: string }) => u.kind)).toEqual(['transition', 'transition']);
    // Nothing left to do: a third call skips every run.
    const again = procrustes('study', ...args);
    expect(again.stdout.match(/summarised earlier, skipped/g)).toHaveLength(definition.runs.length);
    expect(procrustes('study', ...args, '--status').stdout).toMatch(/5 runs; 5 summarised\n[\s\S]*\nleft: nothing; every run is summarised\n$/);
    expect(procrustes('study', ...args, '--status', '--report').stderr).toMatch(/--status only reads where the study stands: leave out --report/);

    const report = procrustes('study', file, '--results', join(root, 'parts'), '--report');
    expect(report.code, report.stderr).toBe(0);
    const figures = readdirSync(join(root, 'parts', 'figures')).sort();
    for (const name of ['gradient-ratio-heatmap', 'ratio-per-block', 'mean-log-ratio', 'spectra-resnet-8', 'spectra-procresnet-10', 'depth']) {
      expect(figures, name).toContain(`${name}.svg`);
      expect(figures, name).toContain(`${name}.png`);
    }
    const markdown = readFileSync(join(root, 'parts', 'README.md'), 'utf8');
    expect(markdown).toMatch(/\| procresnet-10 \| procresnet-10 \| 3 \|/);
    expect(markdown).toMatch(/\| plain-14 \| 14 \|/);
    expect(markdown).toMatch(/\| resnet \| he-fan-out \| [\d.]+ · ln L \/ L \(-?[\d.]+, \d+ %\) \| [\d.]+ \/ √L \(-?[\d.]+, \d+ %\) \| [\d.]+ · L\^-?[\d.]+ \(/);
  }, 240_000);

  it('stops after the run in hand, summarised, when SIGINT arrives as a run finishes (its last epoch reported)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'study-stop-'));
    const file = join(root, 'tiny.json');
    writeFileSync(file, JSON.stringify({ ...definition, defaults: { ...definition.defaults, epochs: 1 }, runs: definition.runs.slice(0, 2) }));
    const args = [file, '--out', join(root, 'runs'), '--results', join(root, 'results')];
    const stopped = await studyKilledWhen(args, /=== resnet-8[\s\S]*epoch 1:/, 'SIGINT');
    expect(stopped.code, stopped.output).toBe(130);
    expect(stopped.output).toMatch(/summary: .*resnet-8\.json/);
    expect(stopped.output).toMatch(/study tiny stopped by SIGINT after 'resnet-8'; run the same command again to continue/);
    expect(stopped.output).not.toMatch(/=== procresnet-10/);
    const resumed = procrustes('study', ...args);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/=== resnet-8: summarised earlier, skipped ===/);
    expect(existsSync(join(root, 'results', 'summaries', 'procresnet-10.json'))).toBe(true);
  }, 120_000);

  it('runs one run per seed, and refuses a summary or a run directory made under another definition of its run', () => {
    const root = mkdtempSync(join(tmpdir(), 'study-changed-'));
    const file = join(root, 'tiny.json');
    const base = {
      ...definition,
      defaults: { ...definition.defaults, limitTrain: 32, epochs: 1 },
      runs: [
        { name: 'a', kind: 'train', model: 'resnet-8' },
        { name: 'i', kind: 'initialization', model: 'resnet-8', batch: 4, seeds: [1, 2] },
      ],
    };
    const write = (study: unknown) => writeFileSync(file, JSON.stringify(study));
    const args = [file, '--out', join(root, 'runs'), '--results', join(root, 'results')];
    const summary = (run: string) => JSON.parse(readFileSync(join(root, 'results', 'summaries', `${run}.json`), 'utf8'));
    write(base);
    const first = procrustes('study', ...args);
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(join(root, 'results', 'summaries')).sort()).toEqual(['a.json', 'i-seed1.json', 'i-seed2.json']);
    expect([summary('i-seed1').group, summary('i-seed1').seed, summary('i-seed2').seed]).toEqual(['i', 1, 2]);
    expect(summary('i-seed1').ratios).not.toEqual(summary('i-seed2').ratios);
    expect(summary('a').trainingImages).toBe(32);
    expect(summary('a').peakRssMegabytes).toBeGreaterThan(50);
    // Another seed list: the seed kept is skipped, the new one runs.
    write({ ...base, runs: [base.runs[0], { ...base.runs[1], seeds: [1, 3] }] });
    const reseeded = procrustes('study', ...args);
    expect(reseeded.code, reseeded.stderr).toBe(0);
    expect(reseeded.stdout).toMatch(/=== i-seed1: summarised earlier, skipped ===/);
    expect(reseeded.stdout).toMatch(/=== i-seed3 \(initialization/);
    // A changed rate: the summary of 'a' is refused by name, and left as it was.
    const before = readFileSync(join(root, 'results', 'summaries', 'a.json'), 'utf8');
    write({ ...base, defaults: { ...base.defaults, lr: 0.02 } });
    const changed = procrustes('study', ...args);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/a\.json was made for another definition of run 'a' than study tiny now gives: learningRate \(was 0\.05, now 0\.02\)/);
    expect(readFileSync(join(root, 'results', 'summaries', 'a.json'), 'utf8')).toBe(before);
    // Without the summary, its run directory (trained at the old rate) is not resumed either.
    rmSync(join(root, 'results', 'summaries', 'a.json'));
    const directory = procrustes('study', ...args);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/runs\/a holds a run begun under another definition of 'a' .*learningRate \(was 0\.05, now 0\.02\).*Remove that run directory/);
    // A changed seed of a probe at initialisation, and a changed train default, are refused too.
    write({ ...base, runs: [base.runs[0], { ...base.runs[1], seeds: undefined, seed: 7 }] });
    writeFileSync(join(root, 'results', 'summaries', 'a.json'), before);
    cpSync(join(root, 'results', 'summaries', 'i-seed1.json'), join(root, 'results', 'summaries', 'i.json'));
    const reseed = procrustes('study', ...args);
    expect(reseed.code).toBe(2);
    expect(reseed.stderr).toMatch(/i\.json was made for another definition of run 'i' .*seed \(was 1, now 7\)/);
  }, 120_000);

  it('reports a seeded study over its seeds: intervals and paired differences as computed by hand from the summaries', () => {
    const root = mkdtempSync(join(tmpdir(), 'study-seeds-'));
    const file = join(root, 'seeded.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...definition,
        name: 'seeded',
        defaults: { ...definition.defaults, limitTrain: 32, epochs: 2, probeEvery: 1 },
        runs: [
          { name: 'r8', kind: 'train', model: 'resnet-8', seeds: [1, 2] },
          { name: 'p10', kind: 'train', model: 'procresnet-10', seeds: [1, 2] },
        ],
      }),
    );
    const args = [file, '--out', join(root, 'runs'), '--results', join(root, 'results')];
    const ran = procrustes('study', ...args);
    expect(ran.code, ran.stderr).toBe(0);
    // Seed by seed: both groups' first seed, then their second.
    expect([...ran.stdout.matchAll(/=== (\S+) \(train/g)].map((m) => m[1])).toEqual(['r8-seed1', 'p10-seed1', 'r8-seed2', 'p10-seed2']);
    const report = procrustes('study', file, '--results', join(root, 'results'), '--report');
    expect(report.code, report.stderr).toBe(0);
    const accuracy = (run: string, epoch = 1) => 100 * JSON.parse(readFileSync(join(root, 'results', 'summaries', `${run}.json`), 'utf8')).metrics[epoch].testAccuracy;
    // By hand: two seeds, t(0.975, 1) = 12.706205; sd = |a − b| / √2; half width = t · sd / √2.
    const byHand = (a: number, b: number) => {
      const mean = (a + b) / 2;
      const sd = Math.abs(a - b) / Math.SQRT2;
      const half = (12.706205 * sd) / Math.SQRT2;
      return `${mean.toFixed(2)} ± ${sd.toFixed(2)} [${(mean - half).toFixed(2)}, ${(mean + half).toFixed(2)}]`;
    };
    const markdown = readFileSync(join(root, 'results', 'README.md'), 'utf8');
    expect(markdown).toContain(`| r8 | resnet-8 | 1, 2 | ${byHand(accuracy('r8-seed1'), accuracy('r8-seed2'))} |`);
    expect(markdown).toContain(`| p10 | procresnet-10 | 1, 2 | ${byHand(accuracy('p10-seed1'), accuracy('p10-seed2'))} |`);
    const d1 = accuracy('r8-seed1') - accuracy('p10-seed1');
    const d2 = accuracy('r8-seed2') - accuracy('p10-seed2');
    expect(markdown).toContain(`| r8 − p10 | 1, 2 | ${byHand(d1, d2)} |`);
    // After each epoch: mean [interval] to one decimal, bold where the interval excludes 0.
    const epochCell = (epoch: number) => {
      const [e1, e2] = [1, 2].map((seed) => accuracy(`r8-seed${seed}`, epoch) - accuracy(`p10-seed${seed}`, epoch));
      const mean = (e1 + e2) / 2;
      const half = (12.706205 * Math.abs(e1 - e2)) / 2;
      const cell = `${mean.toFixed(1)} [${(mean - half).toFixed(1)}, ${(mean + half).toFixed(1)}]`;
      return mean - half > 0 || mean + half < 0 ? `**${cell}**` : cell;
    };
    expect(markdown).toContain('| A − B | epoch 1 | epoch 2 |');
    expect(markdown).toContain(`| r8 − p10 | ${epochCell(0)} | ${epochCell(1)} |`);
    expect(readdirSync(join(root, 'results', 'figures'))).toEqual(expect.arrayContaining(['test-accuracy-over-seeds.svg', 'test-accuracy-paired-differences.svg']));
  }, 120_000);

  it('names a study that does not exist and bad definitions, with exit 2', () => {
    const root = mkdtempSync(join(tmpdir(), 'study-bad-'));
    const unknown = procrustes('study', 'no-such-study');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown study 'no-such-study': choose one of .*paper-figure/);
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...definition, runs: [{ name: 'x', kind: 'train', model: 'resnet-8', learningRate: 0.1 }] }));
    const bad = procrustes('study', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/run 'x' has the unknown option 'learningRate'/);
  });
});
