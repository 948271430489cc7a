import { describe, expect, it } from 'vitest';
import { depthLawsMarkdown, depthRows, fitDepthLaws } from './depth-laws.js';
import type { InitializationSummary } from './summaries.js';

describe('depth laws', () => {
  const depths = [20, 56, 110, 164, 272, 632, 1001];

  it('recovers each law from points that follow it exactly, and ranks the others below it', () => {
    const exact = {
      'c · ln L / L': (L: number) => (0.8 * Math.log(L)) / L,
      'c / √L': (L: number) => 0.3 / Math.sqrt(L),
      'a · L^b': (L: number) => 2 * L ** -0.545,
    };
    for (const [law, f] of Object.entries(exact)) {
      const fits = fitDepthLaws(depths.map((depth) => ({ depth, value: f(depth) })));
      const own = fits.find((fit) => fit.law === law)!;
      expect(own.r2).toBeCloseTo(1, 10);
      expect(own.worstRelativeError).toBeLessThan(1e-9);
      for (const depth of depths) expect(own.predict(depth)).toBeCloseTo(f(depth), 10);
    }
    const fits = fitDepthLaws(depths.map((depth) => ({ depth, value: exact['c / √L'](depth) })));
    expect(fits.find((f) => f.law === 'a · L^b')!.formula).toBe('0.300 · L^-0.500');
    expect(fits.find((f) => f.law === 'c · ln L / L')!.r2).toBeLessThan(0.99);
  });

  it('aggregates probes over seeds per family, initialisation and depth, naming the worst residual block', () => {
    const probe = (seed: number, ratios: number[], initialization?: string): InitializationSummary =>
      ({
        family: 'resnet',
        model: 'resnet-20',
        depth: 20,
        seed,
        ratios,
        units: ratios.map((_, index) => ({ index, kind: 'residual', transition: index === 1 })),
        residual: {
          mean: ratios.filter((_, i) => i !== 1).reduce((s, r) => s + Math.abs(Math.log(r)), 0) / (ratios.length - 1),
          max: Math.max(...ratios.filter((_, i) => i !== 1).map((r) => Math.abs(Math.log(r)))),
          undefined: 0,
        },
        delta: seed + 0.5,
        definition: { model: 'resnet-20', width: 16, dataset: 'x', batch: 16, seed, recomputeUnits: false, ...(initialization ? { initialization } : {}) },
      }) as unknown as InitializationSummary;
    const rows = depthRows([probe(0, [Math.E, 100, 1]), probe(1, [1, 100, Math.E ** 2]), probe(0, [1, 1, 1], 'authors')]);
    expect(rows).toHaveLength(2);
    const [authors, fanOut] = rows;
    expect(authors.initialization).toBe('authors');
    expect(fanOut).toMatchObject({ seeds: 2, residual: { mean: 0.75 }, worst: { block: 3, seed: 1 }, deltaMean: 1, deltaMax: 1.5 });
    expect(fanOut.worst!.logRatio).toBeCloseTo(2, 12);
    expect(fanOut.residual.sd).toBeCloseTo(Math.sqrt(2 * 0.25 ** 2), 12);
    // The worst block per seed (|ln r| 1 and 2), over seeds: mean 1.5, sd √½, half width t(0.975, 1) · √½ / √2 = 12.706205 / 2.
    expect(fanOut.residualMax.mean).toBeCloseTo(1.5, 12);
    expect(fanOut.residualMax.halfWidth).toBeCloseTo(12.706205 / 2, 5);
    expect(fanOut.residual.low).toBeCloseTo(0.75 - 12.706205 * 0.25, 5);
    // One seed: its value, no spread.
    expect([Number.isNaN(authors.residual.sd), authors.residualMax.n, Number.isNaN(authors.residualMax.halfWidth)]).toEqual([true, 1, true]);
  });

  it('writes a one-seed depth as its value, and a seeded one as mean ± sd', () => {
    const probe = (seed: number, mean: number) =>
      ({
        family: 'resnet',
        model: 'resnet-20',
        depth: 20,
        seed,
        ratios: [1],
        units: [{ index: 0, kind: 'residual', transition: false }],
        residual: { mean, max: mean, undefined: 0 },
        delta: 1,
      }) as unknown as InitializationSummary;
    expect(depthLawsMarkdown([probe(0, 0.25)]).join('\n')).toMatch(/### Per depth[\s\S]*\| 1 \| 0\.2500 \(one seed\) \|/);
    expect(depthLawsMarkdown([probe(0, 0.25), probe(1, 0.75)]).join('\n')).toMatch(/### Over seeds, per depth[\s\S]*\| 2 \| 0\.5000 ± 0\.3536 \|/);
  });
});
