import type { NetworkSpec, PluginRecord, TrainingPlugin } from '@procrustes/core';
import type { ImageSet } from '@procrustes/data';
import type { TrainingPosition } from './checkpointer.js';
import { epochMetrics, runEpoch, type DivergenceGuard } from './epoch-loop.js';
import { evaluate } from './evaluate.js';
import { failpoint } from './failpoints.js';
import { peakResidentMegabytes } from './peak-memory.js';
import { METRICS_STREAM } from './record-files.js';
import type { RunStart } from './run-start.js';
import type { EpochMetrics } from './run-config.js';
import { learningRateAt } from './schedule.js';
import { collectRecords, NonFiniteError, type TrainingSession } from './training-step.js';
import type { EpochProgress, StepProgress } from './training-progress.js';

/** What the trainer's epochs need: the run as started, how to record and checkpoint, and the caller's controls. */
export interface EpochsContext {
  start: RunStart;
  spec: NetworkSpec;
  session: TrainingSession;
  plugins: TrainingPlugin[];
  train: ImageSet;
  test: ImageSet;
  steps: number;
  guard: DivergenceGuard;
  record: (records: PluginRecord[]) => Promise<void>;
  checkpoint: (position: TrainingPosition) => Promise<void>;
  /** A step's NonFiniteError or DivergenceError, told what happened to the run and what to do. */
  explain: (error: unknown) => unknown;
  lastEpoch: number;
  checkpointEverySteps?: number;
  signal?: AbortSignal;
  onProgress?: (progress: StepProgress | EpochProgress) => void;
}

export interface EpochsResult {
  history: EpochMetrics[];
  /** Set when the signal stopped the run (a checkpoint was saved first). */
  interrupted?: { epoch: number; batchesDone: number };
  /** Updates skipped because of non-finite values (with onNonFinite 'skip'). */
  skippedSteps: number[];
}

/**
 * The trainer's epochs from where the run starts: each through the one epoch loop, checkpointed
 * inside (every k steps) and at its end after its records, evaluated, and stopped cleanly (with
 * a checkpoint) when the signal aborts.
 */
export async function trainEpochs(context: EpochsContext): Promise<EpochsResult> {
  const { start, spec, session, plugins, train, test, steps, record, checkpoint } = context;
  const { config, parameters, statistics } = start;
  let { history, step: globalStep } = start;
  const skippedSteps: number[] = [];
  let interrupted: EpochsResult['interrupted'];
  for (let epoch = start.epoch; epoch < context.lastEpoch; epoch++) {
    const skip = epoch === start.epoch ? start.batchesDone : 0;
    const partial = skip > 0 ? start.partial : undefined;
    const started = performance.now() - (partial?.seconds ?? 0) * 1000;
    const result = await runEpoch(session, {
      set: train,
      batchSize: config.batchSize,
      statistics,
      seed: config.seed,
      augmentation: config.augmentation,
      epoch,
      startBatch: skip,
      startSums: partial,
      startStep: globalStep,
      learningRate: (batch) => learningRateAt(config.learningRate, config.schedule, epoch, batch / steps, config.epochs),
      guard: context.guard,
      signal: context.signal,
      afterStep: async (step, sums, position) => {
        if (step.skipped) skippedSteps.push(position.step);
        await record(step.records);
        const every = context.checkpointEverySteps;
        if (every && (position.step + 1) % every === 0 && position.batch + 1 < steps) {
          const seconds = (performance.now() - started) / 1000;
          await checkpoint({ epoch, batchesDone: position.batch + 1, partial: { ...sums, seconds }, step: position.step + 1, history });
        }
        context.onProgress?.({
          kind: 'step',
          epoch,
          epochs: config.epochs,
          step: position.batch + 1,
          steps,
          loss: sums.lossSum / sums.seen,
          accuracy: sums.correct / sums.seen,
          learningRate: position.learningRate,
          imagesPerSecond: sums.seen / ((performance.now() - started) / 1000),
        });
      },
    }).catch((error: unknown) => {
      throw context.explain(error);
    });
    globalStep = result.step;
    if (result.interrupted) {
      const seconds = (performance.now() - started) / 1000;
      await checkpoint({ epoch, batchesDone: result.batchesDone, partial: { ...result.sums, seconds }, step: globalStep, history });
      interrupted = { epoch, batchesDone: result.batchesDone };
      break;
    }
    const seconds = (performance.now() - started) / 1000;
    const evaluation = await evaluate(spec, parameters, test, statistics);
    // Skipped updates can leave a model that computes NaN: such an epoch is not saved as a result.
    if (!Number.isFinite(evaluation.loss) || result.sums.seen === 0) {
      const skipped = skippedSteps.filter((s) => s >= globalStep - steps + skip).length;
      throw context.explain(
        new NonFiniteError(
          `after epoch ${epoch + 1} the model is not finite (test loss ${evaluation.loss}${result.sums.seen === 0 ? ', every update of the epoch non-finite' : ''}; ${skipped} of ${steps - skip} updates skipped)`,
        ),
      );
    }
    const metrics: EpochMetrics = { ...epochMetrics(epoch, result, evaluation, seconds), peakRssMegabytes: peakResidentMegabytes() };
    history = [...history, metrics];
    const epochRecords: PluginRecord[] = [{ stream: METRICS_STREAM, record: { ...metrics } }];
    for (const plugin of plugins) {
      collectRecords(epochRecords, plugin, await plugin.onEpochEnd?.({ network: spec, parameters, epoch, step: globalStep, metrics: { ...metrics } }));
    }
    // Records first, then the checkpoint that seals them: a kill in between repeats the epoch.
    await record(epochRecords);
    failpoint(`before-checkpoint-${epoch + 1}`);
    await checkpoint({ epoch: epoch + 1, step: globalStep, history });
    context.onProgress?.({ kind: 'epoch', metrics, epochs: config.epochs });
  }
  return { history, interrupted, skippedSteps };
}
