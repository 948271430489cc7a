import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'cli-spectral-'));
const kernelFile = join(directory, 'k.json');
// A 1×1 kernel [[1, 0], [0, 2]]: its singular values are 1 and 2 at every frequency.
writeFileSync(kernelFile, JSON.stringify({ shape: [1, 1, 2, 2], data: [1, 0, 0, 2] }));

describe('procrustes spectrum / project', () => {
  it('prints the singular values as JSON', () => {
    const { code, stdout } = procrustes('spectrum', '--kernel', kernelFile, '--input-size', '2x2', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).singularValues.map((v: number) => Number(v.toFixed(9)))).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    const strided = JSON.parse(procrustes('spectrum', '--kernel', kernelFile, '--input-size', '4x4', '--stride', '2', '--json').stdout);
    expect(strided.singularValues).toHaveLength(4 * 2);
  });

  it('projects onto a Procrustes or clipped spectrum', () => {
    const procrustesResult = JSON.parse(procrustes('project', '--kernel', kernelFile, '--input-size', '2x2', '--mode', 'procrustes', '--scale', '1.5', '--json').stdout);
    expect(procrustesResult.kernel.shape).toEqual([1, 1, 2, 2]);
    expect(procrustesResult.kernel.data.map((v: number) => Number(v.toFixed(9)))).toEqual([1.5, 0, 0, 1.5]);
    const clipped = JSON.parse(procrustes('project', '--kernel', kernelFile, '--input-size', '2x2', '--mode', 'clip', '--max', '1.2', '--json').stdout);
    expect(clipped.kernel.data.map((v: number) => Number(v.toFixed(9)))).toEqual([1, 0, 0, 1.2]);
  });

  it('explains malformed kernels and sizes with exit code 2', () => {
    const bad = join(directory, 'bad.json');
    writeFileSync(bad, JSON.stringify({ shape: [3, 3, 2], data: [1] }));
    const cases: Array<[string[], RegExp]> = [
      [['spectrum', '--kernel', bad, '--input-size', '4x4'], /shape \[kh, kw, cin, cout\]/],
      [['spectrum', '--kernel', join(directory, 'missing.json'), '--input-size', '4x4'], /cannot read kernel file/],
      [['spectrum', '--kernel', kernelFile, '--input-size', '4'], /'4' is not NxM/],
      [['spectrum', '--kernel', kernelFile, '--input-size', '5x5', '--stride', '2'], /must be divisible by the stride 2/],
      [['project', '--kernel', kernelFile, '--input-size', '2x2', '--mode', 'clip'], /--mode clip needs --max/],
      [['spectrum'], /needs --kernel FILE --input-size NxM, or --checkpoint RUN/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = procrustes(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('train on a procresnet runs the regularizer by default and spectrum --checkpoint reports the transitions at √2', () => {
    const out = join(directory, 'run');
    const flags = '--model procresnet-10 --width 4 --dataset fashion-mnist-subset --limit-train 64 --limit-test 32 --batch 32 --epochs 1 --regul-freq 1 --quiet';
    const trained = procrustes('train', ...flags.split(' '), '--out', out);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/plugin {4}spectral-regularizer \{"probability":1/);
    const report = JSON.parse(procrustes('spectrum', '--checkpoint', out, '--json').stdout);
    const transition = report.convolutions.find((c: { name: string }) => c.name === 'units/1/conv/kernel');
    expect(transition.largest).toBeCloseTo(Math.SQRT2, 5);
    const plain = procrustes('train', '--model', 'resnet-8', '--regul-freq', '0.5', '--out', join(directory, 'r2'));
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/has no spectral targets .* --spectral-targets all/);
  }, 120_000);
});
