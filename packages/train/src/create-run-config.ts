import { parseModelName, usageError } from '@procrustes/core';
import { DEFAULT_DIVERGENCE_FACTOR, type RunConfig } from './run-config.js';
import { parseSchedule } from './schedule.js';

/** What `createRunConfig` needs: a model; everything else has the CLI's defaults. */
export type RunConfigOptions = { model: string } & Partial<Omit<RunConfig, 'model' | 'network' | 'schedule'>> & {
    /** Base width of the network (default 16). */
    width?: number;
    /** 'multistep' (default: ×gamma at ½ and ¾ of training), 'cosine' or 'constant'. */
    schedule?: 'multistep' | 'cosine' | 'constant';
    milestones?: number[];
    gamma?: number;
  };

const INPUT_SHAPES: Record<string, { inputShape: [number, number, number]; classes: number }> = {
  'fashion-mnist': { inputShape: [28, 28, 1], classes: 10 },
  'fashion-mnist-subset': { inputShape: [28, 28, 1], classes: 10 },
  mnist: { inputShape: [28, 28, 1], classes: 10 },
  'cifar-10': { inputShape: [32, 32, 3], classes: 10 },
  'cifar-100': { inputShape: [32, 32, 3], classes: 100 },
};

/**
 * A complete run configuration from the few fields a user cares about, with the defaults of
 * `procrustes train`: the README's recipe (batch 128, lr 0.1, momentum 0.9, weight decay 1e-4,
 * multistep ×0.1 at ½ and ¾ of training, pad-and-crop 2 on 28×28 data and 4 with flips on
 * CIFAR), 10 epochs, seed 0, the wasm backend, no plugins (the CLI adds the regularizer for
 * procresnet; pass `plugins` to choose).
 */
export function createRunConfig(options: RunConfigOptions): RunConfig {
  const { model, width = 16, schedule = 'multistep', milestones, gamma = 0.1, ...rest } = options;
  const dataset = rest.dataset ?? 'fashion-mnist';
  const shape = INPUT_SHAPES[dataset];
  if (shape === undefined) throw usageError(`unknown dataset '${dataset}': choose one of ${Object.keys(INPUT_SHAPES).join(', ')}`);
  const epochs = rest.epochs ?? 10;
  const cifar = dataset.startsWith('cifar');
  return {
    model,
    network: { ...parseModelName(model), width, ...shape },
    dataset,
    epochs,
    batchSize: 128,
    learningRate: 0.1,
    momentum: 0.9,
    weightDecay: 1e-4,
    augmentation: { pad: cifar ? 4 : 2, flip: cifar },
    seed: 0,
    backend: 'wasm',
    workers: 1,
    recomputeUnits: false,
    divergenceFactor: DEFAULT_DIVERGENCE_FACTOR,
    plugins: [],
    ...rest,
    schedule: parseSchedule(schedule, milestones, gamma, epochs),
  };
}
