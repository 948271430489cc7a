import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const small = ['--model', 'procresnet-10', '--width', '4', '--dataset', 'fashion-mnist-subset', '--limit-train', '128', '--limit-test', '64', '--batch', '32', '--epochs', '2', '--quiet'];

describe('procrustes train / eval', () => {
  it('trains, writes the run directory, evaluates the checkpoint, and refuses to overwrite without --force', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-run-')), 'run');
    const trained = procrustes('train', ...small, '--out', out, '--probe-every', '2');
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/backend   wasm: CPU, WebAssembly/);
    expect(trained.stdout).toMatch(/epoch 2: train loss [\d.]+ acc [\d.]+% \| test loss/);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics).toHaveLength(2);
    const probes = readFileSync(join(out, 'probes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
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
      [['train', '--backend', 'tpu', ...small, '--out', join(tmpdir(), `cli-x-${process.pid}`)], /unknown backend 'tpu': choose one of wasm, node-gpu, cpu/],
      [['train', '--data-dir', '/nonexistent', '--out', join(tmpdir(), `cli-y-${process.pid}`)], /data directory \/nonexistent does not exist/],
      [['eval', '--checkpoint', '/nonexistent'], /not a run directory/],
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
});
