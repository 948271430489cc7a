import {
  buildNetworkSpec,
  countTrainableParameters,
  createRandomState,
  initializeParameters,
  disposeParameters,
  parseModelName,
  randomPermutation,
  tf,
  type NetworkSpec,
} from '@procrustes/core';
import { batchTensors, channelStatistics, hostBatches, type ImageDataset, type ImageSet } from '@procrustes/data';
import { isTransitionUnit, logRatioStatistic, probeBatch } from '@procrustes/probes';
import type { EpochRecord, SpectrumRecord } from '@procrustes/report';
import type { RunConfig } from '@procrustes/train';
import type { InitializationDefinition } from './run-definition.js';

/** The statistics of |log r| over a set of units, over the units where r is a positive number. */
export interface LogRatioStatistics {
  mean: number;
  max: number;
  /** Units where r is not a positive number: the gradient underflowed to 0 in float32 (0/0). */
  undefined: number;
}

export interface UnitInfo {
  index: number;
  kind: string;
  /** A unit where the network changes shape (see isTransitionUnit). */
  transition: boolean;
}

interface SummaryBase {
  study: string;
  studyVersion: number;
  run: string;
  /** The run's name in the definition: runs defined with seeds share it (one run per seed). */
  group: string;
  seed: number;
  model: string;
  family: string;
  block: string;
  depth: number;
  parameters: number;
  units: UnitInfo[];
}

/** A network probed at initialisation on one seeded batch of real images. */
export interface InitializationSummary extends SummaryBase {
  kind: 'initialization';
  /** What the probe is of, as the definition resolved it (a changed definition is not reused). */
  definition: InitializationDefinition;
  batch: number;
  dataset: string;
  /** Batch-mean gradient norm ratio per unit (null where the gradient underflowed to 0). */
  ratios: number[];
  /** The batch's Frobenius ratio ‖∂E/∂X_l‖_F / ‖∂E/∂X_{l+1}‖_F per unit. */
  batchRatios?: number[];
  /** The median of the per-sample ratios per unit. */
  medianRatios?: number[];
  /** δ over the units where r is defined. */
  delta: number;
  residual: LogRatioStatistics;
  transitions: LogRatioStatistics;
  seconds: number;
}

/** A trained run: its metrics, its probes over training and its spectra over training. */
export interface TrainingSummary extends SummaryBase {
  kind: 'train';
  config: RunConfig;
  metrics: EpochRecord[];
  /** One entry per probe: the step, the epoch, and r per unit (batch mean of per-sample r; batchRatios: the batch's Frobenius ratio, where recorded). */
  probes: Array<{ step: number; epoch: number; loss: number; delta: number; ratios: number[]; batchRatios?: number[] }>;
  /** Mean |log r| over residual (shape-keeping) units and over transitions, per probe. */
  residualLogRatio: number[];
  transitionLogRatio: number[];
  spectra: SpectrumRecord[];
  /** Training images the run's updates saw (every epoch's, augmented copies counted once each). */
  trainingImages: number;
  /**
   * The run's own peak resident memory (worker threads included), in MB: the largest its epochs
   * recorded, each measured from the start of the process's part of the run.
   */
  peakRssMegabytes: number;
}

export type RunSummary = InitializationSummary | TrainingSummary;

/** A trained run's mean seconds per epoch (0 for a run with no epoch). */
export const secondsPerEpoch = (summary: TrainingSummary) => summary.metrics.reduce((a, m) => a + m.seconds, 0) / Math.max(1, summary.metrics.length);

// Non-finite values (a ratio 0/0 where the gradient vanished) arrive from JSON Lines as null; they stay NaN (null in the summary).
const round = (x: number | null, digits = 6) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(digits)) : Number.NaN);

export function unitInfo(spec: NetworkSpec): UnitInfo[] {
  return spec.units.map((u) => ({ index: u.index, kind: u.kind, transition: isTransitionUnit(u) }));
}

/** Mean and max of |log r| over the units picked (residual or transition units). */
export function logRatioStatistics(ratios: number[], units: UnitInfo[], transitions: boolean): LogRatioStatistics {
  const statistic = logRatioStatistic(ratios.filter((_, i) => units[i].transition === transitions));
  return { mean: round(statistic.mean), max: round(statistic.max), undefined: statistic.undefined };
}

function base(study: { name: string; version: number }, run: { name: string; group?: string }, seed: number, spec: NetworkSpec): SummaryBase {
  return {
    study: study.name,
    studyVersion: study.version,
    run: run.name,
    group: run.group ?? run.name,
    seed,
    model: spec.name,
    family: spec.config.family,
    block: spec.config.block,
    depth: spec.depth,
    parameters: countTrainableParameters(spec),
    units: unitInfo(spec),
  };
}

/** The study's summary of a finished training run, from its run directory's records. */
export async function summarizeTraining(study: { name: string; version: number }, run: { name: string; group?: string }, directory: string): Promise<TrainingSummary> {
  // The report package loads in about a second; a study needs it only once a run has finished.
  const { readRunRecords } = await import('@procrustes/report/node');
  const records = readRunRecords(directory);
  const { config } = records;
  const spec = buildNetworkSpec(config.network);
  const units = unitInfo(spec);
  const probes = records.probes.map((p) => ({
    step: p.step,
    epoch: p.epoch,
    loss: round(p.loss),
    delta: round(p.delta),
    ratios: p.units.map((u) => round(u.ratioMean)),
    ...(p.units.every((u) => u.batchRatio !== undefined) ? { batchRatios: p.units.map((u) => round(u.batchRatio as number)) } : {}),
  }));
  return {
    ...base(study, run, config.seed, spec),
    kind: 'train',
    config: records.config,
    metrics: records.metrics,
    probes,
    residualLogRatio: probes.map((p) => logRatioStatistics(p.ratios, units, false).mean),
    transitionLogRatio: probes.map((p) => logRatioStatistics(p.ratios, units, true).mean),
    spectra: records.spectra,
    trainingImages: records.metrics.reduce((sum, m) => sum + (m.trainImages ?? 0), 0),
    peakRssMegabytes: Math.max(0, ...records.metrics.map((m) => m.peakRssMegabytes ?? 0)),
  };
}

/** `count` training images drawn with a seeded permutation: the same batch for every model. */
function seededImages(set: ImageSet, count: number, seed: number): ImageSet {
  const { permutation } = randomPermutation(createRandomState(seed), set.count);
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.set(set.images.subarray(permutation[i] * size, (permutation[i] + 1) * size), i * size);
    labels[i] = set.labels[permutation[i]];
  }
  return { images, labels, count, shape: set.shape };
}

/** Probes a network at initialisation (seeded weights) on a seeded batch of real training images. */
export async function summarizeInitialization(
  study: { name: string; version: number },
  run: { name: string; group?: string },
  definition: InitializationDefinition,
  dataset: ImageDataset,
): Promise<InitializationSummary> {
  const started = performance.now();
  const { batch, seed } = definition;
  const spec = buildNetworkSpec({
    ...parseModelName(definition.model),
    width: definition.width,
    inputShape: dataset.train.shape,
    classes: dataset.classes,
    ...(definition.initialization ? { initialization: definition.initialization } : {}),
  });
  const parameters = initializeParameters(spec, seed);
  const images = seededImages(dataset.train, batch, seed);
  const [host] = hostBatches(images, { batchSize: batch, statistics: channelStatistics(dataset.train) });
  const { inputs, labels } = batchTensors(host, spec.config.inputShape);
  const ratios = await probeBatch(spec, parameters, inputs, labels, { recomputeUnits: definition.recomputeUnits });
  tf.dispose([inputs, labels]);
  disposeParameters(parameters);
  const units = unitInfo(spec);
  const values = ratios.units.map((u) => round(u.ratioMean));
  return {
    ...base(study, run, seed, spec),
    kind: 'initialization',
    definition,
    batch,
    dataset: dataset.name,
    ratios: values,
    batchRatios: ratios.units.map((u) => round(u.batchRatio)),
    medianRatios: ratios.units.map((u) => round(u.gradient.median)),
    delta: round(Math.max(...ratios.units.map((u) => u.gradient.delta).filter(Number.isFinite))),
    residual: logRatioStatistics(values, units, false),
    transitions: logRatioStatistics(values, units, true),
    seconds: round((performance.now() - started) / 1000, 4),
  };
}
