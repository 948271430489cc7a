import { parseModelName, trainingPluginDefaults, usageError, type Initialization } from '@procrustes/core';
import { DATASET_SHAPES, type Augmentation } from '@procrustes/data';
import { DEFAULT_DIVERGENCE_FACTOR, type RunConfig } from './run-config.js';
import { parseSchedule } from './schedule.js';

/**
 * The defaults of a run, in one place: the README's recipe (batch 128, lr 0.1, momentum 0.9,
 * weight decay 1e-4, multistep ×0.1 at ½ and ¾ of training), 10 epochs, seed 0, the wasm
 * backend, base width 16. The CLI, the studies and the page take theirs from here.
 */
export const RUN_DEFAULTS = {
  model: 'resnet-20',
  dataset: 'fashion-mnist',
  width: 16,
  epochs: 10,
  batchSize: 128,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: 'multistep',
  gamma: 0.1,
  seed: 0,
  backend: 'wasm',
  workers: 1,
  divergenceFactor: DEFAULT_DIVERGENCE_FACTOR,
  /** The regularizer's probability where it is on by default (procresnet), as in the paper. */
  regularizerProbability: 0.5,
} as const;

/** The spectral regularizer's options as a run gives them; its factory's defaults fill the rest. */
export type RegularizerChoice = { probability?: number; targets?: string } & Record<string, unknown>;

/** What `createRunConfig` needs: a model; everything else has `RUN_DEFAULTS`. */
export type RunConfigOptions = { model: string } & Partial<Omit<RunConfig, 'model' | 'network' | 'schedule' | 'augmentation'>> & {
    /** Base width of the network (default 16). */
    width?: number;
    /**
     * [height, width, channels] of one image and the number of classes: required for a dataset of
     * your own (a name the data catalogue does not know; trainNetwork takes its images), taken
     * from the catalogue otherwise.
     */
    inputShape?: [number, number, number];
    classes?: number;
    /** How the convolutions are initialised (default he-fan-out; recorded in the network config only when chosen). */
    initialization?: Initialization;
    /** 'multistep' (default: ×gamma at ½ and ¾ of training), 'cosine' or 'constant'. */
    schedule?: 'multistep' | 'cosine' | 'constant';
    milestones?: number[];
    gamma?: number;
    /** Random-crop padding and flips (default: pad 4 with flips on CIFAR, pad 2 without otherwise). */
    augmentation?: Partial<Augmentation>;
    /**
     * The spectral regularizer (when `plugins` is not given): on for procresnet with probability
     * 0.5, or wherever `targets: 'all'` is chosen; `probability: 0` turns it off.
     */
    regularizer?: RegularizerChoice;
    /** Record probes every k steps (probes.jsonl). */
    probeEvery?: number;
    /** Record spectra every k steps as well as at epoch ends (0 = epoch ends only; on at epoch ends with the regularizer). */
    spectraEvery?: number;
  };

/**
 * A complete run configuration from the fields a user cares about, with `RUN_DEFAULTS`; the
 * input shape and classes come from the data catalogue. Training plugins follow the paper's
 * recipe unless `plugins` is given: the spectral regularizer for procresnet (with the spectral
 * monitor at epoch ends), probes with `probeEvery`. The regularizer's plugin must be
 * registered where it is on (its factory's defaults are recorded).
 */
export function createRunConfig(options: RunConfigOptions): RunConfig {
  const dataset = options.dataset ?? RUN_DEFAULTS.dataset;
  const shape = datasetShape(dataset, options);
  const name = parseModelName(options.model);
  const epochs = options.epochs ?? RUN_DEFAULTS.epochs;
  const seed = options.seed ?? RUN_DEFAULTS.seed;
  const cifar = dataset.startsWith('cifar');
  const own = DATASET_SHAPES[dataset] === undefined;
  // Fields in the order config.json has always had them (JSON leaves out the unset ones).
  return {
    model: options.model,
    network: { ...name, width: options.width ?? RUN_DEFAULTS.width, ...shape, ...(options.initialization ? { initialization: options.initialization } : {}) },
    dataset,
    dataDirectory: options.dataDirectory,
    limitTrain: options.limitTrain,
    limitTest: options.limitTest,
    epochs,
    batchSize: options.batchSize ?? RUN_DEFAULTS.batchSize,
    learningRate: options.learningRate ?? RUN_DEFAULTS.learningRate,
    momentum: options.momentum ?? RUN_DEFAULTS.momentum,
    weightDecay: options.weightDecay ?? RUN_DEFAULTS.weightDecay,
    schedule: parseSchedule(options.schedule ?? RUN_DEFAULTS.schedule, options.milestones, options.gamma ?? RUN_DEFAULTS.gamma, epochs),
    // Your own data is not cropped or flipped unless you say so: only you know whether it is images.
    augmentation: { pad: options.augmentation?.pad ?? (own ? 0 : cifar ? 4 : 2), flip: options.augmentation?.flip ?? cifar },
    seed,
    backend: options.backend ?? RUN_DEFAULTS.backend,
    workers: options.workers ?? RUN_DEFAULTS.workers,
    recomputeUnits: options.recomputeUnits ?? false,
    divergenceFactor: options.divergenceFactor ?? RUN_DEFAULTS.divergenceFactor,
    plugins: options.plugins ?? recipePlugins(options.model, name.family, seed, options),
    ...(options.dataFingerprint ? { dataFingerprint: options.dataFingerprint } : {}),
  };
}

/** The input shape and classes of a catalogue dataset, or of your own as given. */
function datasetShape(dataset: string, options: RunConfigOptions): { inputShape: [number, number, number]; classes: number } {
  const known = DATASET_SHAPES[dataset];
  const { inputShape, classes } = options;
  if (known !== undefined) {
    if ((inputShape !== undefined && inputShape.join('x') !== known.inputShape.join('x')) || (classes !== undefined && classes !== known.classes)) {
      throw usageError(
        `${dataset} has ${known.inputShape.join('×')} images in ${known.classes} classes, not ${inputShape?.join('×') ?? known.inputShape.join('×')} in ${classes ?? known.classes}: leave out inputShape and classes, or give your data its own name`,
      );
    }
    return known;
  }
  if (inputShape === undefined || classes === undefined) {
    throw usageError(
      `unknown dataset '${dataset}': choose one of ${Object.keys(DATASET_SHAPES).join(', ')}, or, for data of your own, give inputShape [height, width, channels] and classes`,
    );
  }
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw usageError(`inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(inputShape)}`);
  }
  if (!Number.isInteger(classes) || classes < 2) throw usageError(`classes must be an integer of at least 2, got ${classes}`);
  return { inputShape: [...inputShape], classes };
}

/** The paper's plugins for a run: the regularizer (procresnet, or targets 'all'), the spectral monitor with it or when asked, probes when asked. */
function recipePlugins(model: string, family: string, seed: number, options: RunConfigOptions): RunConfig['plugins'] {
  const { probability: chosen, ...choices } = options.regularizer ?? {};
  const everyConvolution = choices.targets === 'all';
  const probability = chosen ?? (family === 'procresnet' || everyConvolution ? RUN_DEFAULTS.regularizerProbability : 0);
  if (!(probability >= 0 && probability <= 1)) throw usageError(`the regularizer's probability (--regul-freq) ${probability} must be in [0, 1]`);
  if (probability > 0 && family !== 'procresnet' && !everyConvolution) {
    throw usageError(`${model} has no spectral targets (only procresnet has them): pass --spectral-targets all to regularize every convolution, or --regul-freq 0`);
  }
  const plugins: RunConfig['plugins'] = [];
  if (probability > 0) {
    const given = Object.fromEntries(Object.entries(choices).filter(([, value]) => value !== undefined));
    plugins.push({ name: 'spectral-regularizer', options: { probability, seed, ...trainingPluginDefaults('spectral-regularizer'), ...given } });
  }
  if (probability > 0 || options.spectraEvery !== undefined) plugins.push({ name: 'spectral-monitor', options: { every: options.spectraEvery ?? 0 } });
  if (options.probeEvery) plugins.push({ name: 'probes', options: { every: options.probeEvery } });
  return plugins;
}
