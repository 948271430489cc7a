import { describe, expect, it } from 'vitest';
import { peerArguments } from './commands/bench-suite.js';
import { procrustes } from './run-built-cli.js';

describe('procrustes bench', () => {
  for (const extra of [[], ['--recompute-units'], ['--workers', '2', '--recompute-units']]) {
    it(`--json ${extra.join(' ')} prints one configuration's throughput, memory and tensor drift`, () => {
      const { code, stdout, stderr } = procrustes(
        'bench',
        '--model',
        'procresnet-10',
        '--width',
        '4',
        '--input',
        '8x8x1',
        '--batch',
        '8',
        '--steps',
        '3',
        '--warmup',
        '1',
        '--probes',
        '--regularizer',
        'exact',
        '--json',
        ...extra,
      );
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(result.model).toBe('procresnet-10');
      expect(result.recomputeUnits).toBe(extra.includes('--recompute-units'));
      expect(result.workers).toBe(extra.includes('--workers') ? 2 : 1);
      expect(result.imagesPerSecond).toBeCloseTo((1000 * 8) / result.stepMsMedian, 6);
      expect(result.gflops).toBeGreaterThan(0);
      expect(result.tensorDrift).toBe(0);
      expect(result.peakRssMegabytes).toBeGreaterThan(20);
      expect(result.probes.overhead).toBeGreaterThan(0);
      expect(result.regularizer[0].method).toBe('exact');
    });
  }
});

describe('the suite asks the PyTorch peer for the same network', () => {
  it('maps our depth names to the peer’s units per stage and block', () => {
    expect(peerArguments({ model: 'resnet-20', input: [28, 28, 1], batch: 128 }, 2)).toEqual([
      'bench',
      '--model',
      'resnet',
      '--block',
      'basic',
      '--n',
      '3',
      '--input',
      '28x28x1',
      '--batch',
      '128',
      '--threads',
      '2',
      '--steps',
      '5',
    ]);
    expect(peerArguments({ model: 'procresnet-22', input: [28, 28, 1], batch: 128 }, 1)).toContain('3');
    expect(peerArguments({ model: 'resnet-164', input: [32, 32, 3], batch: 64 }, 2).slice(0, 7)).toEqual(['bench', '--model', 'resnet', '--block', 'bottleneck', '--n', '18']);
    expect(peerArguments({ model: 'procresnet-166', input: [32, 32, 3], batch: 64 }, 2).slice(0, 7)).toEqual([
      'bench',
      '--model',
      'procresnet',
      '--block',
      'bottleneck',
      '--n',
      '18',
    ]);
  });
});
