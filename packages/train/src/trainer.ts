import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assignStatistics,
  buildNetworkSpec,
  disposeLossAndGradients,
  initializeParameters,
  lossAndGradients,
  tf,
  type NetworkParameters,
  type NetworkSpec,
  type TrainingContext,
  type TrainingPlugin,
} from '@procrustes/core';
import { batchCount, batchTensors, channelStatistics, hostBatches, takeFirst, type ImageDataset } from '@procrustes/data';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import type { EpochMetrics, RunConfig } from './run-config.js';
import { learningRateAt } from './schedule.js';
import { createSgdState, disposeSgdState, sgdUpdate, type SgdState } from './sgd.js';

export interface StepProgress {
  kind: 'step';
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  imagesPerSecond: number;
}

export interface EpochProgress {
  kind: 'epoch';
  metrics: EpochMetrics;
  epochs: number;
}

export interface TrainOptions {
  config: RunConfig;
  dataset: ImageDataset;
  /** Where config.json, metrics.jsonl and the checkpoint go; nothing is written without it. */
  runDirectory?: string;
  /** Continue from the run directory's checkpoint. */
  resume?: boolean;
  plugins?: TrainingPlugin[];
  onProgress?: (progress: StepProgress | EpochProgress) => void;
  /** Stop (after checkpointing) once this many epochs are complete; used to test resuming. */
  stopAfterEpoch?: number;
}

export interface TrainResult {
  spec: NetworkSpec;
  parameters: NetworkParameters;
  history: EpochMetrics[];
  /** The epoch training started from (0, or the checkpoint's when resuming). */
  startEpoch: number;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/**
 * Trains a network on a dataset per the run configuration: seeded initialisation and data
 * order, SGD with momentum and weight decay, the schedule, batch-norm running statistics,
 * evaluation each epoch, checkpoints each epoch, and plugin hooks around each step.
 */
export async function trainNetwork(options: TrainOptions): Promise<TrainResult> {
  const { config, runDirectory } = options;
  const plugins = options.plugins ?? [];
  const spec = buildNetworkSpec(config.network);
  const train = takeFirst(options.dataset.train, config.limitTrain);
  const test = takeFirst(options.dataset.test, config.limitTest);
  const statistics = channelStatistics(train);
  const steps = batchCount(train.count, config.batchSize, true);
  if (steps === 0) throw new RangeError(`the training set (${train.count}) is smaller than one batch (${config.batchSize})`);

  let parameters: NetworkParameters;
  let optimizer: SgdState;
  let history: EpochMetrics[] = [];
  let startEpoch = 0;
  let globalStep = 0;
  if (options.resume) {
    if (!runDirectory) throw new Error('resuming needs a run directory');
    const loaded = await loadCheckpoint(runDirectory, spec);
    parameters = loaded.parameters;
    optimizer = loaded.optimizer;
    history = loaded.state.history;
    startEpoch = loaded.state.epoch;
    globalStep = loaded.state.step;
    for (const plugin of plugins) if (plugin.restoreState && plugin.name in loaded.state.plugins) plugin.restoreState(loaded.state.plugins[plugin.name]);
  } else {
    parameters = initializeParameters(spec, config.seed);
    optimizer = createSgdState(spec);
    if (runDirectory) {
      await mkdir(runDirectory, { recursive: true });
      await writeAtomically(join(runDirectory, 'config.json'), JSON.stringify(config, null, 2));
    }
  }

  const context = (epoch: number): TrainingContext => ({ network: spec, parameters, epoch, step: globalStep, runDirectory });
  const lastEpoch = Math.min(config.epochs, options.stopAfterEpoch ?? config.epochs);
  for (let epoch = startEpoch; epoch < lastEpoch; epoch++) {
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let learningRate = config.learningRate;
    let step = 0;
    for (const batch of hostBatches(train, {
      batchSize: config.batchSize,
      statistics,
      shuffle: true,
      seed: config.seed,
      epoch,
      augmentation: config.augmentation,
      dropLast: true,
    })) {
      learningRate = learningRateAt(config.learningRate, config.schedule, epoch, step / steps, config.epochs);
      const { inputs, labels } = batchTensors(batch, train.shape);
      for (const plugin of plugins) await plugin.beforeStep?.(context(epoch));
      const result = lossAndGradients(spec, parameters, inputs, labels);
      for (const plugin of plugins) await plugin.afterGradients?.({ ...context(epoch), loss: result.loss, gradients: result.gradients });
      sgdUpdate(parameters, result.gradients, optimizer, learningRate, config);
      assignStatistics(parameters, result.statistics);
      const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(result.logits, 1), tf.cast(labels, 'int32')), 'float32')));
      // One read per step (the loss is shown on the progress bar); the step itself is queued already.
      const [loss, hitCount] = await Promise.all([result.loss.data(), hits.data()]);
      disposeLossAndGradients(result);
      tf.dispose([inputs, labels, hits]);
      globalStep++;
      for (const plugin of plugins) await plugin.afterUpdate?.(context(epoch));
      lossSum += loss[0] * batch.size;
      correct += hitCount[0];
      seen += batch.size;
      step++;
      options.onProgress?.({
        kind: 'step',
        epoch,
        epochs: config.epochs,
        step,
        steps,
        loss: lossSum / seen,
        accuracy: correct / seen,
        learningRate,
        imagesPerSecond: seen / ((performance.now() - started) / 1000),
      });
    }
    const seconds = (performance.now() - started) / 1000;
    const evaluation = await evaluate(spec, parameters, test, statistics);
    const metrics: EpochMetrics = {
      epoch: epoch + 1,
      learningRate,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      testLoss: evaluation.loss,
      testAccuracy: evaluation.accuracy,
      seconds,
      imagesPerSecond: seen / seconds,
    };
    history = [...history, metrics];
    for (const plugin of plugins) await plugin.onEpochEnd?.({ ...context(epoch), metrics: { ...metrics } });
    if (runDirectory) {
      const pluginStates: Record<string, unknown> = {};
      for (const plugin of plugins) if (plugin.saveState) pluginStates[plugin.name] = plugin.saveState();
      await saveCheckpoint(runDirectory, parameters, optimizer, { epoch: epoch + 1, step: globalStep, history, plugins: pluginStates });
      await writeAtomically(join(runDirectory, 'metrics.jsonl'), history.map((m) => JSON.stringify(m)).join('\n') + '\n');
    }
    options.onProgress?.({ kind: 'epoch', metrics, epochs: config.epochs });
  }
  disposeSgdState(optimizer);
  for (const plugin of plugins) plugin.dispose?.();
  return { spec, parameters, history, startEpoch };
}
