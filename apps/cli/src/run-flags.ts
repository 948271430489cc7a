import { createRunConfig, resumeContradictions, RUN_DEFAULTS, runConfigOptionsOf, type RunConfig, type RunConfigOptions } from '@procrustes/train';
import { usageError, type Initialization } from '@procrustes/core';

/** The flags of `procrustes train` (and of a study's runs, which name the same settings); unset ones take `RUN_DEFAULTS`. */
export interface TrainFlags {
  model?: string;
  dataset?: string;
  dataDir?: string;
  epochs?: number;
  batch?: number;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: 'multistep' | 'cosine' | 'constant';
  milestones?: number[];
  gamma?: number;
  pad?: number;
  flip?: boolean;
  width?: number;
  init?: Initialization;
  backend?: string;
  out?: string;
  seed?: number;
  resume?: boolean;
  force?: boolean;
  limitTrain?: number;
  limitTest?: number;
  quiet?: boolean;
  regulFreq?: number;
  spectralMode?: 'procrustes' | 'clip';
  spectralMethod?: 'exact' | 'newton-schulz';
  spectralCompat?: 'reference-code';
  spectralTargets?: 'spectral-targets' | 'all';
  spectralScale?: number;
  spectralMax?: number;
  spectralIterations?: number;
  onNonfinite?: 'stop' | 'skip';
  probeEvery?: number;
  workers?: number;
  recomputeUnits?: boolean;
  previousCheckpoint?: boolean;
  divergenceFactor?: number;
  spectraEvery?: number;
  breakStaleLock?: boolean;
  checkpointEvery?: number;
}

const defined = <T extends object>(object: T): Partial<T> => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;

/** The run options the flags set (only those set: the rest come from `createRunConfig`'s defaults or the run being resumed). */
export function runConfigOptionsFromFlags(flags: TrainFlags): Partial<RunConfigOptions> {
  const regularizer = defined({
    probability: flags.regulFreq,
    mode: flags.spectralMode,
    method: flags.spectralMethod,
    targets: flags.spectralTargets,
    compat: flags.spectralCompat,
    scale: flags.spectralScale,
    max: flags.spectralMax,
    iterations: flags.spectralIterations,
  });
  const augmentation = defined({ pad: flags.pad, flip: flags.flip });
  return defined({
    model: flags.model,
    width: flags.width,
    initialization: flags.init,
    dataset: flags.dataset,
    dataDirectory: flags.dataDir,
    limitTrain: flags.limitTrain,
    limitTest: flags.limitTest,
    epochs: flags.epochs,
    batchSize: flags.batch,
    learningRate: flags.lr,
    momentum: flags.momentum,
    weightDecay: flags.weightDecay,
    schedule: flags.schedule,
    milestones: flags.milestones,
    gamma: flags.gamma,
    augmentation: Object.keys(augmentation).length > 0 ? augmentation : undefined,
    seed: flags.seed,
    backend: flags.backend,
    workers: flags.workers,
    recomputeUnits: flags.recomputeUnits,
    divergenceFactor: flags.divergenceFactor,
    regularizer: Object.keys(regularizer).length > 0 ? regularizer : undefined,
    probeEvery: flags.probeEvery,
    spectraEvery: flags.spectraEvery,
  });
}

/** The run config of a new run with these flags. */
export function runConfigFromFlags(flags: TrainFlags): RunConfig {
  const options = runConfigOptionsFromFlags(flags);
  return createRunConfig({ ...options, model: options.model ?? RUN_DEFAULTS.model });
}

/** The flag that sets each field of a run config, for messages. */
const FIELD_FLAGS: Record<string, string> = {
  model: '--model',
  network: '--model',
  'network.width': '--width',
  'network.initialization': '--init',
  dataset: '--dataset',
  dataDirectory: '--data-dir',
  limitTrain: '--limit-train',
  limitTest: '--limit-test',
  batchSize: '--batch',
  learningRate: '--lr',
  momentum: '--momentum',
  weightDecay: '--weight-decay',
  'schedule.kind': '--schedule',
  schedule: '--schedule',
  'schedule.milestones': '--milestones',
  'schedule.gamma': '--gamma',
  'augmentation.pad': '--pad',
  'augmentation.flip': '--flip',
  seed: '--seed',
  backend: '--backend',
  workers: '--workers',
  recomputeUnits: '--recompute-units',
  divergenceFactor: '--divergence-factor',
};
const flagOf = (field: string) => FIELD_FLAGS[field] ?? FIELD_FLAGS[field.split('.')[0]] ?? field;

/** The plugin flags, and where each is in a run's options. */
const PLUGIN_FLAGS: Record<string, (options: Partial<RunConfigOptions>) => unknown> = {
  regulFreq: (o) => o.regularizer?.probability ?? 0,
  spectralMode: (o) => o.regularizer?.mode,
  spectralMethod: (o) => o.regularizer?.method,
  spectralCompat: (o) => o.regularizer?.compat,
  spectralTargets: (o) => o.regularizer?.targets,
  spectralScale: (o) => o.regularizer?.scale,
  spectralMax: (o) => o.regularizer?.max,
  spectralIterations: (o) => o.regularizer?.iterations,
  probeEvery: (o) => o.probeEvery,
  spectraEvery: (o) => o.spectraEvery,
};
/** A train option's flag as the user types it (`spectralMode` → `--spectral-mode`). */
export const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;

/**
 * The run's config for --resume with the flags the user gave laid over it (through the one
 * source of defaults): a flag that contradicts the run is refused, naming it; --epochs larger
 * than the run's extends it.
 */
export function resumedRunConfig(run: RunConfig, flags: TrainFlags, given: ReadonlySet<string>): RunConfig {
  const repeated = Object.fromEntries(Object.entries(flags).filter(([key]) => given.has(key))) as TrainFlags;
  const fromFlags = runConfigOptionsFromFlags(repeated);
  const own = runConfigOptionsOf(run);
  // Fewer epochs than the run's is refused below; the rest is compared at the run's length.
  const epochs = fromFlags.epochs;
  const requested = createRunConfig({
    ...own,
    ...fromFlags,
    epochs: Math.max(epochs ?? run.epochs, run.epochs),
    augmentation: { ...own.augmentation, ...fromFlags.augmentation },
    regularizer: fromFlags.regularizer ? { ...own.regularizer, ...fromFlags.regularizer } : own.regularizer,
  });
  const { differences, shorter } = resumeContradictions(run, requested, epochs ?? run.epochs);
  const contradicting = [...new Map(differences.filter((d) => !d.field.startsWith('plugins')).map((d) => [flagOf(d.field), d])).entries()].map(
    ([flag, d]) => `${flag} ${d.now} (the run has ${d.was === 'unset' ? 'none' : d.was})`,
  );
  // The plugins' entries differ as a whole: named by the plugin flags given that the run does not have.
  if (differences.some((d) => d.field.startsWith('plugins'))) {
    const requestedOptions = runConfigOptionsOf(requested);
    for (const [key, of] of Object.entries(PLUGIN_FLAGS)) {
      if (!given.has(key) || JSON.stringify(of(own)) === JSON.stringify(of(requestedOptions))) continue;
      contradicting.push(`${flagName(key)} ${JSON.stringify(of(requestedOptions))} (the run has ${of(own) === undefined ? 'none' : JSON.stringify(of(own))})`);
    }
  }
  if (shorter) contradicting.push(`--epochs ${epochs} (the run has ${run.epochs}; a run's epochs can only be extended)`);
  if (contradicting.length > 0) {
    throw usageError(`--resume continues the run as configured, but ${contradicting.join('; ')}: drop these flags, or start a new run (another --out, or --force)`);
  }
  return { ...run, epochs: requested.epochs };
}
