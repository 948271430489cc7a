import {
  randomInteger,
  createRandomState,
  type tf,
  usageError,
  type NetworkSpec,
  type RandomState,
  type TrainingContext,
  type TrainingPlugin,
  type TrainingPluginFactory,
} from '@procrustes/core';
import { projectConvSpectrum, type ProjectionOptions, type SpectrumTarget } from './project-conv-spectrum.js';

/** One convolution to project: its weight name, the DFT size, and where its spectrum goes. */
export interface SpectralTarget {
  name: string;
  dftSize: [number, number];
  target: SpectrumTarget;
}

export interface SpectralRegularizerOptions extends ProjectionOptions {
  /** Probability of projecting after an update (the paper's regulFreq; default 0.5; 0 disables). */
  probability?: number;
  seed?: number;
  /**
   * Which convolutions: 'spectral-targets' (default: the network's, i.e. the stem and
   * transitions of a procresnet), 'all' (every convolution), or explicit targets.
   */
  targets?: 'spectral-targets' | 'all' | SpectralTarget[];
  /** For the built-in target sets: 'procrustes' (default, scale √(cout/cin)) or 'clip' at `max`. */
  mode?: 'procrustes' | 'clip';
  /** Procrustes scale for the built-in target sets (default √(cout/cin) per convolution). */
  scale?: number;
  /** Clip bound for the built-in target sets (default 1). */
  max?: number;
}

/** The targets a network's spec implies, with the DFT size equal to each layer's output size, as in the paper. */
export function spectralTargetsOf(spec: NetworkSpec, options: SpectralRegularizerOptions = {}): SpectralTarget[] {
  if (Array.isArray(options.targets)) return options.targets;
  const convolutions =
    options.targets === 'all'
      ? [spec.stem.convolution, ...spec.units.flatMap((u) => [...u.convolutions, ...(u.shortcutConvolution ? [u.shortcutConvolution] : [])])]
      : spec.spectralTargets;
  return convolutions.map((c) => ({
    name: c.name,
    dftSize: c.outputSize,
    target:
      (options.mode ?? 'procrustes') === 'procrustes'
        ? { mode: 'procrustes' as const, scale: options.scale ?? Math.sqrt(c.outChannels / c.inChannels) }
        : { mode: 'clip' as const, max: options.max ?? 1 },
  }));
}

/** Projects every target kernel of the network in place (variables are assigned). */
export async function projectTargets(parameters: Record<string, tf.Variable>, targets: SpectralTarget[], options: ProjectionOptions = {}): Promise<void> {
  for (const t of targets) {
    const variable = parameters[t.name];
    if (!variable) throw usageError(`spectral target '${t.name}' is not a parameter of the network`);
    const projected = await projectConvSpectrum(variable, t.dftSize, t.target, options);
    variable.assign(projected);
    projected.dispose();
  }
}

/**
 * The singular-value regularizer as a training plugin: after an optimizer update, with
 * probability p (seeded; its generator is saved in checkpoints), project the target
 * convolutions onto their spectra.
 */
export function createSpectralRegularizer(options: SpectralRegularizerOptions = {}): TrainingPlugin {
  const probability = options.probability ?? 0.5;
  if (!(probability >= 0 && probability <= 1)) throw usageError(`regularizer probability must be in [0, 1], got ${probability}`);
  let state: RandomState = createRandomState(options.seed ?? 0);
  let targets: SpectralTarget[] | undefined;
  return {
    name: 'spectral-regularizer',
    async afterUpdate(context: TrainingContext) {
      if (probability === 0) return;
      const drawn = randomInteger(state, 1_000_000);
      state = drawn.state;
      if (drawn.value >= probability * 1_000_000) return;
      targets ??= spectralTargetsOf(context.network, options);
      await projectTargets(context.parameters, targets, options);
    },
    saveState: () => ({ state }),
    restoreState(saved: unknown) {
      state = (saved as { state: RandomState }).state;
    },
  };
}

export const spectralRegularizerFactory: TrainingPluginFactory<SpectralRegularizerOptions> = {
  name: 'spectral-regularizer',
  description: 'projects chosen convolutions onto a spectrum after updates (Procrustes: all singular values equal; clip: capped)',
  // What a run records when these are not chosen: the paper's projection, solved exactly, on the network's targets.
  defaults: { mode: 'procrustes', method: 'exact', targets: 'spectral-targets' },
  create: createSpectralRegularizer,
};
