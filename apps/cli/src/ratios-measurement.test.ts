import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const ratiosOf = (...extra: string[]) => {
  const result = procrustes('ratios', '--model', 'resnet-8', '--width', '8', '--input', '16x16x1', '--batch', '4', '--seed', '2', '--json', ...extra);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { units: Array<{ ratioMean: number }> }).units.map((u) => u.ratioMean);
};
const worst = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));

describe('ratios are measured with the direct kernels by default', () => {
  it('agree with the CPU backend (the reference) within float32 precision, more closely than with Winograd tiles', () => {
    const reference = ratiosOf('--backend', 'cpu');
    const direct = ratiosOf();
    const winograd = ratiosOf('--winograd', '4');
    expect(worst(direct, reference)).toBeLessThan(1e-5);
    expect(worst(winograd, reference)).toBeGreaterThan(worst(direct, reference));
    expect(procrustes('ratios', '--winograd', '3').stderr).toMatch(/--winograd 3: use off \(the direct kernels\), auto \(as in training\), 2 or 4/);
  }, 120_000);
});
