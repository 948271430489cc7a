import { describe, expect, it } from 'vitest';
import { buildNetworkSpec } from './build-network-spec.js';
import { parseModelName } from './presets.js';
import { forwardFlopsPerImage } from './flops.js';

describe('buildNetworkSpec', () => {
  it('resnet-20 has 9 basic units, projections at the width changes, and the paper depth', () => {
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 3, inputShape: [28, 28, 1] });
    expect(spec.name).toBe('resnet-20');
    expect(spec.units).toHaveLength(9);
    expect(spec.units.map((u) => u.shortcut)).toEqual(['identity', 'identity', 'identity', 'projection', 'identity', 'identity', 'projection', 'identity', 'identity']);
    expect(spec.units.map((u) => u.outputSize[0])).toEqual([28, 28, 28, 14, 14, 14, 7, 7, 7]);
    expect(spec.spectralTargets).toHaveLength(0);
    expect(spec.head.channels).toBe(64);
  });

  it('resnet bottleneck: the first unit widens 16 → 64 with a stride-1 projection', () => {
    const spec = buildNetworkSpec({ family: 'resnet', block: 'bottleneck', n: 2 });
    const first = spec.units[0];
    expect([first.inChannels, first.midChannels, first.outChannels, first.stride, first.shortcut]).toEqual([16, 16, 64, 1, 'projection']);
    expect(first.convolutions.map((c) => c.kernelSize)).toEqual([1, 3, 1]);
  });

  it('procresnet has transitions as units, identity shortcuts only, and stem + transitions as spectral targets', () => {
    const spec = buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 3 });
    expect(spec.name).toBe('procresnet-22');
    expect(spec.units.map((u) => u.kind)).toEqual([
      'residual',
      'residual',
      'residual',
      'transition',
      'residual',
      'residual',
      'residual',
      'transition',
      'residual',
      'residual',
      'residual',
    ]);
    expect(spec.units.filter((u) => u.kind === 'residual').every((u) => u.shortcut === 'identity')).toBe(true);
    expect(spec.spectralTargets.map((c) => [c.name, c.outputSize[0]])).toEqual([
      ['stem/conv/kernel', 32],
      ['units/3/conv/kernel', 16],
      ['units/7/conv/kernel', 8],
    ]);
    expect(spec.stem.batchNorm).toBe(false);
  });

  it('plain units have no shortcut at all', () => {
    const spec = buildNetworkSpec(parseModelName('plain-20'));
    expect(spec.units.every((u) => u.kind === 'plain' && u.shortcut === 'none')).toBe(true);
    expect(spec.parameters.some((p) => p.name.includes('shortcut'))).toBe(false);
  });

  it('uses the weight names of ARCHITECTURES.md', () => {
    const names = buildNetworkSpec(parseModelName('resnet-20')).parameters.map((p) => p.name);
    expect(names).toContain('stem/conv/kernel');
    expect(names).toContain('stem/bn/moving_variance');
    expect(names).toContain('units/0/bn1/gamma');
    expect(names).toContain('units/0/conv2/kernel');
    expect(names).toContain('units/3/shortcut/bn/beta');
    expect(names).toContain('units/3/shortcut/conv/kernel');
    expect(names).toContain('head/fc/kernel');
    expect(names).toContain('head/fc/bias');
    const proc = buildNetworkSpec(parseModelName('procresnet-22')).parameters.map((p) => p.name);
    expect(proc).toContain('units/3/conv/kernel');
    expect(proc.some((n) => n.startsWith('stem/bn'))).toBe(false);
    expect(new Set(names).size).toBe(names.length);
  });

  it('rejects bad configurations with messages that name the problem', () => {
    expect(() => buildNetworkSpec({ family: 'resnet', block: 'basic', n: 0 })).toThrow(/n \(units per stage\) must be a positive integer/);
    expect(() => buildNetworkSpec({ family: 'densenet' as never, block: 'basic', n: 1 })).toThrow(/unknown family 'densenet'.*resnet, plain, procresnet/);
    expect(() => buildNetworkSpec({ family: 'resnet', block: 'wide' as never, n: 1 })).toThrow(/unknown block/);
    expect(() => buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, classes: 1 })).toThrow(/classes must be at least 2/);
  });

  it('counts forward FLOPs from the convolutions (resnet-20 on 32×32×3: about 41 MMAC, as usually quoted)', () => {
    const flops = forwardFlopsPerImage(buildNetworkSpec({ ...parseModelName('resnet-20'), inputShape: [32, 32, 3] }));
    expect(flops / 2 / 1e6).toBeGreaterThan(40);
    expect(flops / 2 / 1e6).toBeLessThan(42);
  });
});
