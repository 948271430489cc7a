import { describe, expect, it } from 'vitest';
import { buildNetworkSpec } from './build-network-spec.js';
import { initialParameterValues } from './parameters.js';
import type { NetworkConfig } from './spec.js';

const config: NetworkConfig = { family: 'procresnet', block: 'basic', n: 1, width: 4, inputShape: [8, 8, 1], classes: 10 };
const valuesOf = (initialization?: NetworkConfig['initialization']) => initialParameterValues(buildNetworkSpec(initialization ? { ...config, initialization } : config), 7).values;

/** The ratio of two draws of one kernel (the same normal draws at two scales), checked constant. */
function scaleBetween(a: Float32Array, b: Float32Array): number {
  const ratio = b[0] / a[0];
  for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i] * ratio, 5);
  return ratio;
}

describe('initialisation schemes', () => {
  const spec = buildNetworkSpec(config);
  const convolutions = spec.parameters.filter((p) => p.initializer === 'he-normal');
  const special = new Set([spec.stem.convolution.name, ...spec.spectralTargets.map((c) => c.name)]);

  it("absent is he-fan-out: the same values, and the config's text unchanged", () => {
    const absent = valuesOf();
    const fanOut = valuesOf('he-fan-out');
    for (const [name, values] of absent) expect(fanOut.get(name)).toEqual(values);
    expect('initialization' in buildNetworkSpec(config).config).toBe(false);
  });

  it('he-fan-in scales each convolution by √(cout/cin), the same draws; the rest is untouched', () => {
    const fanOut = valuesOf('he-fan-out');
    const fanIn = valuesOf('he-fan-in');
    for (const p of convolutions) {
      const [, , cin, cout] = p.shape;
      expect(scaleBetween(fanOut.get(p.name)!, fanIn.get(p.name)!)).toBeCloseTo(Math.sqrt(cout / cin), 5);
    }
    for (const p of spec.parameters.filter((q) => q.initializer !== 'he-normal')) expect(fanIn.get(p.name)).toEqual(fanOut.get(p.name));
  });

  it("'authors' is fan-in with the stem and the procresnet transitions scaled by √½", () => {
    expect(special.size).toBe(3); // the stem and two transitions
    const fanIn = valuesOf('he-fan-in');
    const authors = valuesOf('authors');
    for (const p of convolutions) expect(scaleBetween(fanIn.get(p.name)!, authors.get(p.name)!)).toBeCloseTo(special.has(p.name) ? Math.SQRT1_2 : 1, 5);
  });

  it('draws with the stated standard deviation', () => {
    const big = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 64, inputShape: [8, 8, 3], classes: 10, initialization: 'he-fan-in' });
    const p = big.parameters.find((q) => q.name === 'units/2/conv2/kernel')!;
    const values = initialParameterValues(big, 3).values.get(p.name)!;
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std / Math.sqrt(2 / (9 * p.shape[2]))).toBeCloseTo(1, 1);
  });

  it('refuses an unknown scheme by name', () => {
    expect(() => buildNetworkSpec({ ...config, initialization: 'xavier' as never })).toThrow(/unknown initialization 'xavier': choose one of he-fan-out, he-fan-in, authors/);
  });
});
