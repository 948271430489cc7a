import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assignStatistics,
  buildNetworkSpec,
  initializeParameters,
  lossAndGradients,
  tf,
  type NetworkParameters,
  type NetworkSpec,
  type TrainingContext,
  type TrainingPlugin,
  type UnitTap,
  countCorrect,
} from '@procrustes/core';
import { batchCount, batchTensors, channelStatistics, hostBatches, takeFirst, type HostBatch, type ImageDataset } from '@procrustes/data';
import { createDataParallelGradients, type DataParallelGradients } from './parallel/data-parallel.js';
import { checkpointDirectory, loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.js';
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
  /** Aborting saves a checkpoint at the next step boundary and returns with `interrupted`. */
  signal?: AbortSignal;
  /** Non-finite loss or gradients: 'stop' (default) throws NonFiniteError; 'skip' skips that update. */
  onNonFinite?: 'stop' | 'skip';
}

/** A non-finite loss or gradient stopped the run; the last good checkpoint is kept. */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
}

export interface TrainResult {
  spec: NetworkSpec;
  parameters: NetworkParameters;
  history: EpochMetrics[];
  /** The epoch training started from (0, or the checkpoint's when resuming). */
  startEpoch: number;
  /** Set when the signal stopped the run (a checkpoint was saved first). */
  interrupted?: { epoch: number; batchesDone: number };
  /** Updates skipped because of non-finite values (with onNonFinite 'skip'). */
  skippedSteps: number[];
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
  let resumeBatches = 0;
  let resumePartial: CheckpointState['partial'];
  const resumable = options.resume && runDirectory !== undefined && checkpointDirectory(runDirectory) !== undefined;
  if (options.resume && !runDirectory) throw new Error('resuming needs a run directory');
  if (resumable) {
    const loaded = await loadCheckpoint(runDirectory!, spec);
    parameters = loaded.parameters;
    optimizer = loaded.optimizer;
    history = loaded.state.history;
    startEpoch = loaded.state.epoch;
    globalStep = loaded.state.step;
    resumeBatches = loaded.state.batchesDone ?? 0;
    resumePartial = loaded.state.partial;
    for (const plugin of plugins) if (plugin.restoreState && plugin.name in loaded.state.plugins) plugin.restoreState(loaded.state.plugins[plugin.name]);
  } else {
    // A new run, or a resumed one that was stopped before its first checkpoint: start over.
    parameters = initializeParameters(spec, config.seed);
    optimizer = createSgdState(spec);
    if (runDirectory) {
      await mkdir(runDirectory, { recursive: true });
      await writeAtomically(join(runDirectory, 'config.json'), JSON.stringify(config, null, 2));
    }
  }

  const context = (epoch: number): TrainingContext => ({ network: spec, parameters, epoch, step: globalStep, runDirectory });
  const pluginStates = (): Record<string, unknown> => {
    const states: Record<string, unknown> = {};
    for (const plugin of plugins) if (plugin.saveState) states[plugin.name] = plugin.saveState();
    return states;
  };
  const skippedSteps: number[] = [];
  const parallel = (config.workers ?? 1) > 1 ? await createDataParallelGradients(spec, config.workers!, { recomputeUnits: config.recomputeUnits }) : undefined;
  let interrupted: TrainResult['interrupted'];
  const lastEpoch = Math.min(config.epochs, options.stopAfterEpoch ?? config.epochs);
  epochs: for (let epoch = startEpoch; epoch < lastEpoch; epoch++) {
    const skip = epoch === startEpoch ? resumeBatches : 0;
    const partial = epoch === startEpoch && skip > 0 ? resumePartial : undefined;
    const started = performance.now() - (partial?.seconds ?? 0) * 1000;
    let lossSum = partial?.lossSum ?? 0;
    let correct = partial?.correct ?? 0;
    let seen = partial?.seen ?? 0;
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
      if (step < skip) {
        // Replaying the epoch's seeded order up to where the interrupted run stopped.
        step++;
        continue;
      }
      if (options.signal?.aborted) {
        if (runDirectory) {
          await saveCheckpoint(runDirectory, parameters, optimizer, {
            epoch,
            batchesDone: step,
            partial: { lossSum, correct, seen, seconds: (performance.now() - started) / 1000 },
            step: globalStep,
            history,
            plugins: pluginStates(),
          });
        }
        interrupted = { epoch, batchesDone: step };
        break epochs;
      }
      learningRate = learningRateAt(config.learningRate, config.schedule, epoch, step / steps, config.epochs);
      for (const plugin of plugins) await plugin.beforeStep?.(context(epoch));
      const taps = plugins.map((p) => p.tapFor?.(globalStep)).filter((t): t is UnitTap => t !== undefined);
      // Steps that a plugin taps run here; the others on the workers, when there are any.
      const outcome = parallel && taps.length === 0 ? await parallelStep(parallel, parameters, batch) : await localStep(spec, parameters, batch, train.shape, taps, config.recomputeUnits);
      for (const plugin of plugins) await plugin.afterGradients?.({ ...context(epoch), loss: outcome.lossTensor, gradients: outcome.gradients });
      const loss = [outcome.loss];
      const hitCount = [outcome.hits];
      if (!Number.isFinite(outcome.loss) || !outcome.gradientsFinite) {
        const culprit = !Number.isFinite(outcome.loss) ? 'the loss' : await firstNonFinite(outcome.gradients);
        if ((options.onNonFinite ?? 'stop') === 'stop') {
          disposeOutcome(outcome);
          disposeSgdState(optimizer);
          await parallel?.dispose();
          throw new NonFiniteError(
            `non-finite values at step ${globalStep} (epoch ${epoch + 1}, batch ${step + 1}): ${culprit}; ` +
              `the run stopped${runDirectory ? ` and its last good checkpoint in ${runDirectory} is kept` : ''}. ` +
              'Lower the learning rate, or pass --on-nonfinite skip to skip such updates',
          );
        }
        skippedSteps.push(globalStep);
      } else {
        sgdUpdate(parameters, outcome.gradients, optimizer, learningRate, config);
        assignStatistics(parameters, outcome.statistics);
      }
      disposeOutcome(outcome);
      globalStep++;
      for (const plugin of plugins) await plugin.afterUpdate?.(context(epoch));
      // A macrotask turn per step, so that signals (SIGINT/SIGTERM handlers) and timers get to run:
      // the backend's reads resolve without one.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!Number.isFinite(loss[0])) {
        step++;
        continue;
      }
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
      await saveCheckpoint(runDirectory, parameters, optimizer, { epoch: epoch + 1, step: globalStep, history, plugins: pluginStates() });
      await writeAtomically(join(runDirectory, 'metrics.jsonl'), history.map((m) => JSON.stringify(m)).join('\n') + '\n');
    }
    options.onProgress?.({ kind: 'epoch', metrics, epochs: config.epochs });
  }
  disposeSgdState(optimizer);
  await parallel?.dispose();
  for (const plugin of plugins) plugin.dispose?.();
  return { spec, parameters, history, startEpoch, interrupted, skippedSteps };
}

/** What one step produced, wherever it ran; every tensor is the trainer's to dispose. */
interface StepOutcome {
  loss: number;
  lossTensor: tf.Scalar;
  hits: number;
  gradients: Record<string, tf.Tensor>;
  statistics: Map<string, tf.Tensor1D>;
  gradientsFinite: boolean;
  extra: tf.Tensor[];
}

/** NaN when any gradient holds NaN or ±∞ (0·∞ is NaN), else 0: one small read per step. */
function finiteSentinel(gradients: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.addN(Object.values(gradients).map((g) => tf.sum(tf.mul(g, 0)))) as tf.Scalar);
}

async function localStep(
  spec: NetworkSpec,
  parameters: NetworkParameters,
  batch: HostBatch,
  shape: [number, number, number],
  taps: UnitTap[],
  recomputeUnits = false,
): Promise<StepOutcome> {
  const { inputs, labels } = batchTensors(batch, shape);
  const tap: UnitTap | undefined = taps.length === 0 ? undefined : (x, index, unit) => taps.reduce((h, t) => t(h, index, unit), x);
  const result = lossAndGradients(spec, parameters, inputs, labels, { tap, recomputeUnits });
  const hits = countCorrect(result.logits, labels);
  const sentinel = finiteSentinel(result.gradients);
  // One read per step (loss, hits, sentinel); the step itself is queued already.
  const [loss, hitCount, check] = await Promise.all([result.loss.data(), hits.data(), sentinel.data()]);
  tf.dispose([hits, sentinel, result.logits]);
  return {
    loss: loss[0],
    lossTensor: result.loss,
    hits: hitCount[0],
    gradients: result.gradients,
    statistics: result.statistics,
    gradientsFinite: Number.isFinite(check[0]),
    extra: [inputs, labels],
  };
}

async function parallelStep(parallel: DataParallelGradients, parameters: NetworkParameters, batch: HostBatch): Promise<StepOutcome> {
  const result = await parallel.compute(parameters, batch);
  const sentinel = finiteSentinel(result.gradients);
  const check = await sentinel.data();
  sentinel.dispose();
  return {
    loss: result.loss,
    lossTensor: tf.scalar(result.loss),
    hits: result.hits,
    gradients: result.gradients,
    statistics: result.statistics,
    gradientsFinite: Number.isFinite(check[0]),
    extra: [],
  };
}

function disposeOutcome(outcome: StepOutcome): void {
  tf.dispose([outcome.lossTensor, ...Object.values(outcome.gradients), ...outcome.statistics.values(), ...outcome.extra]);
  outcome.statistics.clear();
}

/** The name of the first gradient holding NaN or ±∞ (only read when the cheap check failed). */
async function firstNonFinite(gradients: Record<string, tf.Tensor>): Promise<string> {
  for (const [name, g] of Object.entries(gradients)) {
    const values = await g.data();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) return `gradient of '${name}' holds ${values[i]} at index ${i}`;
    }
  }
  return 'a gradient';
}
