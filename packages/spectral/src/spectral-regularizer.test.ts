import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetworkSpec, initializeParameters, parseModelName, tf } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { convSingularValues } from './conv-singular-values.js';
import { createSpectralRegularizer, projectTargets, spectralTargetsOf } from './spectral-regularizer.js';

describe('spectral regularizer', () => {
  beforeAll(async () => {
    await wasmBackendPlugin.activate();
  });

  it('targets the stem and transitions of a procresnet at their output size with scale √(cout/cin)', () => {
    const spec = buildNetworkSpec({ ...parseModelName('procresnet-22'), inputShape: [32, 32, 3] });
    const targets = spectralTargetsOf(spec);
    expect(targets.map((t) => [t.name, t.dftSize.join('x'), (t.target as { scale: number }).scale])).toEqual([
      ['stem/conv/kernel', '32x32', Math.sqrt(16 / 3)],
      ['units/3/conv/kernel', '16x16', Math.sqrt(2)],
      ['units/7/conv/kernel', '8x8', Math.sqrt(2)],
    ]);
    expect(spectralTargetsOf(spec, { targets: 'all', mode: 'clip' })).toHaveLength(1 + 9 * 2 + 2);
  });

  it('after one projection the transitions’ singular values all equal √(cout/cin) (checked by convSingularValues)', async () => {
    const spec = buildNetworkSpec({ ...parseModelName('procresnet-166'), inputShape: [32, 32, 3] });
    const parameters = initializeParameters(spec, 4);
    const targets = spectralTargetsOf(spec);
    const deviation = async (t: (typeof targets)[number]) => {
      const values = await convSingularValues(parameters[t.name], t.dftSize);
      const scale = (t.target as { scale: number }).scale;
      return Math.max(...Array.from(values, (v) => Math.abs(v - scale) / scale));
    };
    const [stem, ...transitions] = targets;
    const stemBefore = await deviation(stem);
    await projectTargets(parameters, targets);
    for (const t of transitions) expect(await deviation(t), t.name).toBeLessThan(1e-4);
    // A 3×3 stem cannot be exact after the cut back to its support, but moves toward the target.
    expect(await deviation(stem)).toBeLessThan(stemBefore);
  }, 120_000);

  it('projects with the seeded probability and restores its generator from saved state', async () => {
    const spec = buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 1, width: 2, inputShape: [8, 8, 1], classes: 2 });
    const run = async (plugin: ReturnType<typeof createSpectralRegularizer>, steps: number) => {
      const parameters = initializeParameters(spec, 1);
      const hits: boolean[] = [];
      for (let step = 0; step < steps; step++) {
        // Perturb so that a projection is visible.
        parameters['units/1/conv/kernel'].assign(tf.add(parameters['units/1/conv/kernel'], 0.1));
        const before = parameters['units/1/conv/kernel'].dataSync().slice();
        await plugin.afterUpdate!({ network: spec, parameters, epoch: 0, step });
        hits.push(parameters['units/1/conv/kernel'].dataSync().some((v, i) => Math.abs(v - before[i]) > 1e-6));
      }
      return hits;
    };
    const plugin = createSpectralRegularizer({ probability: 0.5, seed: 3 });
    const hits = await run(plugin, 40);
    expect(hits.filter(Boolean).length).toBeGreaterThan(10);
    expect(hits.filter(Boolean).length).toBeLessThan(30);
    // The same seed replays the same decisions; a restored state continues them.
    const again = createSpectralRegularizer({ probability: 0.5, seed: 3 });
    const first = await run(again, 20);
    const saved = again.saveState!();
    const resumed = createSpectralRegularizer({ probability: 0.5, seed: 99 });
    resumed.restoreState!(saved);
    expect([...first, ...(await run(resumed, 20))]).toEqual(hits);
    expect(await run(createSpectralRegularizer({ probability: 0 }), 5)).toEqual([false, false, false, false, false]);
    expect(() => createSpectralRegularizer({ probability: 2 })).toThrow(/probability must be in \[0, 1\]/);
  }, 60_000);
});
