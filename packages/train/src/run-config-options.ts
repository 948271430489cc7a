import { DATASET_SHAPES } from '@procrustes/data';
import type { RegularizerChoice, RunConfigOptions } from './create-run-config.js';
import type { RunConfig } from './run-config.js';

/**
 * The options `createRunConfig` turns back into this config: a run's own choices, to which a
 * client lays the ones a user repeats (a resumed run, a study's definition), so that both go
 * through the one source of defaults and compare field by field.
 */
export function runConfigOptionsOf(config: RunConfig): RunConfigOptions {
  const plugin = (name: string) => config.plugins.find((p) => p.name === name)?.options;
  const regularizer = plugin('spectral-regularizer');
  const monitor = plugin('spectral-monitor');
  const probes = plugin('probes');
  const { schedule } = config;
  const recipe = config.plugins.every((p) => ['spectral-regularizer', 'spectral-monitor', 'probes'].includes(p.name));
  return {
    model: config.model,
    width: config.network.width,
    initialization: config.network.initialization,
    dataset: config.dataset,
    // Data of your own: its shape and classes are the config's (the catalogue has them otherwise).
    ...(DATASET_SHAPES[config.dataset] === undefined ? { inputShape: config.network.inputShape as [number, number, number], classes: config.network.classes } : {}),
    dataDirectory: config.dataDirectory,
    limitTrain: config.limitTrain,
    limitTest: config.limitTest,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    schedule: schedule.kind,
    ...(schedule.kind === 'multistep' ? { milestones: schedule.milestones, gamma: schedule.gamma } : {}),
    augmentation: config.augmentation,
    seed: config.seed,
    backend: config.backend,
    workers: config.workers,
    recomputeUnits: config.recomputeUnits,
    divergenceFactor: config.divergenceFactor,
    // Plugins other than the recipe's are kept as they are.
    ...(recipe
      ? {
          regularizer: (regularizer ?? { probability: 0 }) as RegularizerChoice,
          probeEvery: probes?.every as number | undefined,
          spectraEvery: monitor?.every as number | undefined,
        }
      : { plugins: config.plugins }),
    dataFingerprint: config.dataFingerprint,
  };
}
