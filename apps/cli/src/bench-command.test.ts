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
      // Each step waits for its slowest worker, so that worker's median is at most the step's.
      if (extra.includes('--workers')) expect(result.workerMsMedian).toBeGreaterThan(0);
      if (extra.includes('--workers')) expect(result.workerMsMedian).toBeLessThanOrEqual(result.stepMsMedian);
      else expect(result.workerMsMedian).toBeUndefined();
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
    expect(peerArguments({ model: 'resnet-20', input: [28, 28, 1], batch: 128, steps: 10 }, 2)).toEqual([
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
      '10',
      '--warmup',
      '3',
    ]);
    expect(peerArguments({ model: 'procresnet-22', input: [28, 28, 1], batch: 128, steps: 10 }, 1)).toContain('3');
    expect(peerArguments({ model: 'resnet-164', input: [32, 32, 3], batch: 64, steps: 3 }, 2).slice(0, 7)).toEqual([
      'bench',
      '--model',
      'resnet',
      '--block',
      'bottleneck',
      '--n',
      '18',
    ]);
    expect(peerArguments({ model: 'procresnet-166', input: [32, 32, 3], batch: 64, steps: 3 }, 2).slice(0, 7)).toEqual([
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

describe('procrustes bench --profile', () => {
  it('prints kernel time by kernel for one step, the convolutions among them', () => {
    const { code, stdout, stderr } = procrustes(
      'bench',
      '--model',
      'resnet-8',
      '--width',
      '4',
      '--input',
      '8x8x1',
      '--batch',
      '4',
      '--steps',
      '1',
      '--warmup',
      '1',
      '--profile',
      '--json',
    );
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    const kernels = result.profile.kernels.map((k: { kernel: string }) => k.kernel);
    expect(kernels).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(result.profile.kernels.every((k: { calls: number; milliseconds: number }) => k.calls > 0 && k.milliseconds >= 0)).toBe(true);
  });

  it('refuses --workers, whose kernels run on other threads', () => {
    const { code, stderr } = procrustes('bench', '--model', 'resnet-8', '--width', '4', '--input', '8x8x1', '--batch', '4', '--steps', '1', '--workers', '2', '--profile');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--profile times the kernels of this thread: use it without --workers/);
  });
});

describe('procrustes bench-kernels', () => {
  it('times every pass in every mode and names what the rule picks', async () => {
    const { benchmarkKernels, kernelTable } = await import('./commands/bench-kernels.js');
    (await import('./backends.js')).registerCliBackends();
    const shapes = [
      { batch: 2, size: 6, inChannels: 1, outChannels: 4, of: 'a stem' },
      { batch: 2, size: 6, inChannels: 8, outChannels: 8, of: 'a stage' },
    ];
    const timings = await benchmarkKernels(shapes, 1);
    expect(timings).toHaveLength(6);
    for (const t of timings) for (const mode of ['off', '2', '4'] as const) expect(t.milliseconds[mode]).toBeGreaterThan(0);
    expect(timings.find((t) => t.shape.of === 'a stem' && t.pass === 'forward')?.auto).toBe('off');
    expect(timings.find((t) => t.shape.of === 'a stage' && t.pass === 'filter-gradient')?.auto).toBe('4');
    expect(kernelTable(timings, true).split('\n')).toHaveLength(8);
  }, 60_000);
});
