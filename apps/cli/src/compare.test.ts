import { describe, expect, it } from 'vitest';
import { buildNetworkSpec, parseModelName } from '@procrustes/core';
import { compareMarkdown, modelAtDepth, summarizeRun } from './compare-runs.js';
import { procrustes } from './run-built-cli.js';

const probe = (epoch: number, ratios: number[], kinds: string[]) => ({
  step: epoch * 10,
  epoch,
  loss: 1,
  delta: 0.5 + epoch,
  units: ratios.map((r, index) => ({ index, kind: kinds[index], ratioMean: r, median: r, p5: r, p95: r, delta: Math.abs(1 - r), forwardMean: 1 })),
});

describe('compare', () => {
  it('pairs ResNet depths with procresnet two layers deeper', () => {
    expect(['resnet', 'procresnet', 'plain'].map((f) => modelAtDepth(f as never, 20))).toEqual(['resnet-20', 'procresnet-22', 'plain-20']);
  });

  it('summarises the last epoch: |log r| over residual units and over transitions (stride-2 units of a ResNet)', () => {
    const spec = buildNetworkSpec({ ...parseModelName('resnet-8'), inputShape: [28, 28, 1] });
    const kinds = spec.units.map((u) => u.kind);
    const probes = [probe(0, [9, 9, 9], kinds), probe(1, [Math.E, Math.exp(2), Math.exp(-4)], kinds)];
    const row = summarizeRun(
      spec,
      probes,
      [{ epoch: 2, learningRate: 0.1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.6, seconds: 3, imagesPerSecond: 1 }],
      'r',
      'resnet',
      8,
    );
    expect(row.residualLogRatio).toBeCloseTo(1, 10);
    expect(row.transitionLogRatio).toBeCloseTo(3, 10);
    expect(row.delta).toBe(1.5);
    expect(row.testAccuracy).toBe(0.6);
    // The column says which depth it is: procresnet-10 is compared at ResNet depth 8.
    expect(compareMarkdown([row])).toMatch(/^\| model \| ResNet depth \|/);
    expect(compareMarkdown([row])).toMatch(/\| resnet-8 \| 8 \| 1\.0000 \| 3\.0000 \| 1\.500 \| 60\.00 % \| 3 s \|/);
  });

  it('refuses bad families and depths before training anything', () => {
    const families = procrustes('compare', '--families', 'resnet,vgg', '--out', '/tmp/never');
    expect(families.code).toBe(2);
    expect(families.stderr).toMatch(/unknown family 'vgg' in --families/);
    const depths = procrustes('compare', '--depths', '21', '--out', '/tmp/never');
    expect(depths.code).toBe(2);
    expect(depths.stderr).toMatch(/depth 21 is not of the form/);
  });
});
