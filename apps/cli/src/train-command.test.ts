import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const small = '--model procresnet-10 --width 4 --dataset fashion-mnist-subset --limit-train 128 --limit-test 64 --batch 32 --epochs 2 --quiet'.split(' ');

describe('procrustes train / eval', () => {
  it('trains, writes the run directory, evaluates the checkpoint, and refuses to overwrite without --force', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-run-')), 'run');
    const trained = procrustes('train', ...small, '--out', out, '--probe-every', '2');
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/backend {3}wasm: CPU, WebAssembly/);
    expect(trained.stdout).toMatch(/epoch 2: train loss [\d.]+ acc [\d.]+% \| test loss/);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics).toHaveLength(2);
    const probes = readFileSync(join(out, 'probes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(probes.map((p) => p.step)).toEqual([0, 2, 4, 6]);
    expect(probes[0].units.map((u: { kind: string }) => u.kind)).toContain('transition');
    const evaluated = procrustes('eval', '--checkpoint', out, '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).testAccuracy).toBeCloseTo(metrics[1].testAccuracy, 6);
    const again = procrustes('train', ...small, '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run: pass --resume .* or --force/);
  }, 120_000);

  it('explains bad options with exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['train', '--model', 'resnet-21'], /depth 21 is not of the form/],
      [['train', '--model', 'vgg-16'], /unknown family 'vgg'/],
      [['train', '--dataset', 'imagenet'], /Allowed choices are fashion-mnist, mnist, cifar-10, cifar-100, fashion-mnist-subset/],
      [['train', '--lr', '0'], /'0' is not a positive number/],
      [['train', '--batch', '-1'], /'-1' is not a positive integer/],
      [['train', '--backend', 'tpu', ...small, '--out', join(tmpdir(), `cli-x-${process.pid}`)], /unknown backend 'tpu': choose one of wasm, node-gpu, node, cpu/],
      [['train', '--data-dir', '/nonexistent', '--out', join(tmpdir(), `cli-y-${process.pid}`)], /data directory \/nonexistent does not exist/],
      [['eval', '--checkpoint', '/nonexistent'], /not a run directory/],
      // /proc refuses new entries with ENOENT: Node's recursive mkdir looped there for ever.
      [['train', ...small, '--out', '/proc/procrustes-run'], /cannot create the directory \/proc\/procrustes-run \(ENOENT\): choose a writable path/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = procrustes(...args);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('refuses an unwritable output directory', () => {
    const parent = mkdtempSync(join(tmpdir(), 'cli-ro-'));
    const file = join(parent, 'file');
    writeFileSync(file, 'x');
    const { code, stderr } = procrustes('train', ...small, '--out', join(file, 'run'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot write the run directory/);
    mkdirSync(join(parent, 'ok'));
  });

  it('input errors exit 2 with one line naming the problem and the fix, before any compute', () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-bad-'));
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    writeFileSync(join(root, 'kernel.json'), JSON.stringify({ shape: [3, 3, 1, 1], data: Array(9).fill(0.1) }));
    const cases: Array<[string[], RegExp]> = [
      [['train', ...small, '--out', file], /--out .*file is a file, not a directory: choose another --out/],
      [['train', ...small, '--out', ''], /--out is empty: name the run directory/],
      [['train', ...small, '--batch', '100000', '--out', join(root, 'a')], /--batch 100000 is larger than the training set \(128 images\): use --batch 128 or smaller/],
      [
        ['train', ...small, '--width', '100000', '--out', join(root, 'b')],
        /procresnet-10 at batch 32 cannot be trained: .* more than one tensor can hold .*use a smaller --batch or --width/,
      ],
      [['train', ...small, '--previous-checkpoint', '--out', join(root, 'c')], /--previous-checkpoint .* use it with --resume/],
      [['spectrum', '--kernel', join(root, 'kernel.json'), '--input-size', '100000x100000'], /needs [\d.]+ GiB for the transform \(at most 2 GiB\): use a smaller input size/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = procrustes(...args);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
    }
  }, 120_000);

  it('resume means resume: contradicting flags are refused by name, --epochs extends; broken run files are named', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-resume-')), 'run');
    expect(procrustes('train', ...small, '--out', out, '--lr', '0.05').code).toBe(0);
    const contradicting = procrustes('train', '--out', out, '--resume', '--lr', '0.2', '--seed', '3', '--model', 'procresnet-10');
    expect(contradicting.code).toBe(2);
    expect(contradicting.stderr).toMatch(/--lr 0.2 \(the run has 0.05\); --seed 3 \(the run has 0\): drop these flags, or start a new run/);
    expect(contradicting.stderr).not.toMatch(/--model/);
    const both = procrustes('train', '--out', out, '--resume', '--force');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--resume and --force contradict each other/);
    const shorter = procrustes('train', '--out', out, '--resume', '--epochs', '1');
    expect(shorter.code).toBe(2);
    expect(shorter.stderr).toMatch(/--epochs 1 \(the run has 2; a run's epochs can only be extended\)/);
    const extended = procrustes('train', '--out', out, '--resume', '--epochs', '3', '--quiet');
    expect(extended.code, extended.stderr).toBe(0);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).epochs).toBe(3);
    expect(procrustes('eval', '--checkpoint', out).code).toBe(0);

    rmSync(join(out, 'checkpoint', 'weights.bin'));
    for (const command of [
      ['eval', '--checkpoint', out],
      ['train', '--out', out, '--resume', '--epochs', '4'],
      ['spectrum', '--checkpoint', out],
      ['report', out],
    ]) {
      const refused = procrustes(...command);
      expect(refused.code, command.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(
        /checkpoint cannot be trusted: weights\.bin is missing; the previous checkpoint \(checkpoint\.previous: epoch 2, step 8\) verifies: pass --previous-checkpoint to use it/,
      );
    }
    const previous = procrustes('eval', '--checkpoint', out, '--previous-checkpoint', '--json');
    expect(previous.code, previous.stderr).toBe(0);
    expect(JSON.parse(previous.stdout).epoch).toBe(2);

    writeFileSync(join(out, 'config.json'), '{ "model": ');
    const notJson = procrustes('train', '--out', out, '--resume');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/config\.json is not valid JSON .*: restore it, or start the run over with --force/);
  }, 180_000);

  it('a loss that diverges without becoming NaN stops the run', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-diverge-')), 'run');
    const { code, stderr, stdout } = procrustes('train', ...small, '--out', out, '--lr', '1000');
    expect(code).toBe(1);
    expect(stderr).toMatch(/the loss diverged at step \d+ .* is above the bound|non-finite values at step/);
    expect(stdout).not.toMatch(/epoch 2:/);
  }, 60_000);
});
