import { usageError, type NetworkSpec, type PluginRecord, type TrainingContext, type TrainingPlugin, type TrainingPluginFactory } from '@procrustes/core';
import { convSingularValues } from './conv-singular-values.js';
import { spectralTargetsOf, type SpectralTarget } from './spectral-regularizer.js';

export interface SpectralMonitorOptions {
  /** Record every k-th step as well as at epoch ends (default 0: epoch ends only). */
  every?: number;
  /**
   * Which convolutions: 'auto' (default: the network's spectral targets — a procresnet's stem and
   * transitions — or else the stem and the projection shortcuts), or either set by name.
   */
  targets?: 'auto' | 'spectral-targets' | 'shortcuts';
}

/** The stream the spectral monitor writes: `<run>/spectra.jsonl`. */
export const SPECTRA_STREAM = 'spectra';

/** One line of spectra.jsonl: the singular values of each watched convolution at its DFT size. */
export interface SpectrumRecord {
  epoch: number;
  step: number;
  targets: Array<{ name: string; largest: number; median: number; smallest: number; target?: number }>;
}

/** The convolutions a monitor watches, at the regularizer's DFT size (the layer's output size, stride 1). */
export function monitoredConvolutions(spec: NetworkSpec, which: SpectralMonitorOptions['targets'] = 'auto'): SpectralTarget[] {
  const useTargets = which === 'spectral-targets' || (which === 'auto' && spec.spectralTargets.length > 0);
  if (useTargets) return spectralTargetsOf(spec);
  const shortcuts = spec.units.flatMap((u) => (u.shortcutConvolution ? [u.shortcutConvolution] : []));
  return [spec.stem.convolution, ...shortcuts].map((c) => ({
    name: c.name,
    dftSize: c.outputSize,
    target: { mode: 'procrustes' as const, scale: Math.sqrt(c.outChannels / c.inChannels) },
  }));
}

/**
 * Records the singular values (largest, median, smallest) of chosen convolutions every k steps
 * and at each epoch end, in the `spectra` stream: how far the regularizer keeps a procresnet's
 * transitions at √(cout/cin), and where a ResNet's projection shortcuts drift without it.
 */
export function createSpectralMonitor(options: SpectralMonitorOptions = {}): TrainingPlugin {
  const every = options.every ?? 0;
  if (!Number.isInteger(every) || every < 0) throw usageError(`spectral monitor: every must be a non-negative integer, got ${every}`);
  let targets: SpectralTarget[] | undefined;
  const record = async (context: TrainingContext): Promise<PluginRecord[]> => {
    targets ??= monitoredConvolutions(context.network, options.targets);
    const entry: SpectrumRecord = { epoch: context.epoch, step: context.step, targets: [] };
    for (const t of targets) {
      const values = await convSingularValues(context.parameters[t.name], t.dftSize);
      entry.targets.push({
        name: t.name,
        largest: values[0],
        median: values[Math.floor(values.length / 2)],
        smallest: values[values.length - 1],
        target: t.target.mode === 'procrustes' ? t.target.scale : t.target.max,
      });
    }
    return [{ stream: SPECTRA_STREAM, record: { ...entry } }];
  };
  return {
    name: 'spectral-monitor',
    records: [SPECTRA_STREAM],
    afterUpdate: (context) => (every > 0 && context.step % every === 0 ? record(context) : undefined),
    onEpochEnd: (context) => record(context),
  };
}

export const spectralMonitorFactory: TrainingPluginFactory<SpectralMonitorOptions> = {
  name: 'spectral-monitor',
  description: 'records the singular values of the stem and transitions (or projection shortcuts) every k steps and at epoch ends (spectra.jsonl)',
  create: createSpectralMonitor,
};
