import { hostBatches, type Augmentation, type ChannelStatistics, type ImageSet } from '@procrustes/data';
import type { Evaluation } from './evaluate.js';
import type { EpochMetrics } from './run-config.js';
import { trainingStep, type StepResult, type TrainingSession } from './training-step.js';

/** Running sums of an epoch, so that an interrupted epoch's metrics come out as if uninterrupted. */
export interface EpochSums {
  lossSum: number;
  correct: number;
  seen: number;
}

/**
 * The divergence guard: a loss above `factor` × the first step's loss stops the run. The
 * reference is the run's first loss (at initialisation) and is saved with checkpoints.
 */
export interface DivergenceGuard {
  factor: number;
  reference?: number;
}

export interface EpochLoopOptions {
  set: ImageSet;
  batchSize: number;
  statistics: ChannelStatistics;
  seed: number;
  augmentation: Augmentation;
  epoch: number;
  /** Batches already done in this epoch (resuming inside it): replayed in the seeded order, not trained. */
  startBatch?: number;
  startSums?: EpochSums;
  /** Global step of the first trained batch. */
  startStep: number;
  learningRate(batch: number): number;
  guard?: DivergenceGuard;
  /** Checked before each step: when aborted, the loop returns with `interrupted`. */
  signal?: AbortSignal;
  /** Awaited before each step (the page pauses here). */
  beforeStep?(): Promise<void>;
  /** Told after each step, with the epoch's sums so far. */
  afterStep?(result: StepResult, sums: EpochSums, position: { batch: number; step: number; learningRate: number }): void | Promise<void>;
}

export interface EpochLoopResult {
  sums: EpochSums;
  /** Batches done in the epoch, replayed ones included. */
  batchesDone: number;
  /** The global step after the last trained batch. */
  step: number;
  learningRate: number;
  /** Set when the signal stopped the epoch before its end. */
  interrupted: boolean;
}

// setImmediate where there is one (Node): setTimeout(0) costs a millisecond there.
const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** One epoch of training steps over a seeded order of batches: the only epoch loop. */
export async function runEpoch(session: TrainingSession, options: EpochLoopOptions): Promise<EpochLoopResult> {
  const sums: EpochSums = { ...(options.startSums ?? { lossSum: 0, correct: 0, seen: 0 }) };
  const skip = options.startBatch ?? 0;
  let step = options.startStep;
  let batchIndex = 0;
  let learningRate = options.learningRate(skip);
  for (const batch of hostBatches(options.set, {
    batchSize: options.batchSize,
    statistics: options.statistics,
    shuffle: true,
    seed: options.seed,
    epoch: options.epoch,
    augmentation: options.augmentation,
    dropLast: true,
  })) {
    if (batchIndex < skip) {
      batchIndex++;
      continue;
    }
    await options.beforeStep?.();
    if (options.signal?.aborted) return { sums, batchesDone: batchIndex, step, learningRate, interrupted: true };
    learningRate = options.learningRate(batchIndex);
    const guard = options.guard;
    const maxLoss = guard?.reference !== undefined && guard.factor > 0 ? guard.factor * guard.reference : undefined;
    const result = await trainingStep(session, batch, { epoch: options.epoch, batch: batchIndex, step, learningRate, maxLoss });
    if (guard && guard.reference === undefined && Number.isFinite(result.loss)) guard.reference = result.loss;
    if (Number.isFinite(result.loss)) {
      sums.lossSum += result.loss * batch.size;
      sums.correct += result.hits;
      sums.seen += batch.size;
    }
    await options.afterStep?.(result, sums, { batch: batchIndex, step, learningRate });
    step++;
    batchIndex++;
    // A macrotask turn per step, so that signals (SIGINT/SIGTERM handlers), timers and messages
    // get to run: the backend's reads resolve without one.
    await nextTurn();
  }
  return { sums, batchesDone: batchIndex, step, learningRate, interrupted: false };
}

/** The metrics.jsonl line of an epoch: its loop's sums, its evaluation and its time. */
export function epochMetrics(epoch: number, result: EpochLoopResult, evaluation: Evaluation, seconds: number): EpochMetrics {
  return {
    epoch: epoch + 1,
    learningRate: result.learningRate,
    trainLoss: result.sums.lossSum / result.sums.seen,
    trainAccuracy: result.sums.correct / result.sums.seen,
    testLoss: evaluation.loss,
    testAccuracy: evaluation.accuracy,
    seconds,
    imagesPerSecond: result.sums.seen / seconds,
    trainImages: result.sums.seen,
  };
}
