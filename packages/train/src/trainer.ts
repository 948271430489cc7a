import { existsSync, statSync } from 'node:fs';
import {
  buildNetworkSpec,
  createTrainingPlugin,
  getBackendPlugin,
  recordStreamsOf,
  usageError,
  type NetworkParameters,
  type NetworkSpec,
  type PluginRecord,
  type TrainingPlugin,
} from '@procrustes/core';
import { makeDirectory } from '@procrustes/core/node';
import { batchCount, checkImageSet, takeFirst, type ImageDataset, type ImageSet } from '@procrustes/data';
import { configDefinitionSha256, hasCheckpoint } from './checkpoint.js';
import { createCheckpointer } from './checkpointer.js';
import type { DivergenceGuard } from './epoch-loop.js';
import { createDataParallelGradients, type DataParallelGradients } from './parallel/data-parallel.js';
import { resetPeakResidentMemory } from './peak-memory.js';
import { DEFAULT_DIVERGENCE_FACTOR, type EpochMetrics, type RunConfig } from './run-config.js';
import { lockRunDirectory, type RunLock } from './run-lock.js';
import { appendRecords } from './run-records.js';
import { restoreRun, startRun, type RunStart } from './run-start.js';
import { disposeSgdState } from './sgd.js';
import { trainEpochs, type EpochsResult } from './trainer-epochs.js';
import type { EpochProgress, StepProgress } from './training-progress.js';
import { DivergenceError, NonFiniteError, type TrainingSession } from './training-step.js';

export type { StepProgress, EpochProgress } from './training-progress.js';

export interface TrainOptions {
  config: RunConfig;
  dataset: ImageDataset;
  /** Where config.json, the records (*.jsonl) and the checkpoints go; nothing is written without it. */
  runDirectory?: string;
  /**
   * Continue from the run directory's checkpoint. `config` must be the run's own, except that
   * `epochs` may be larger (the run is extended).
   */
  resume?: boolean;
  /** Resume from the checkpoint before the newest (when the newest does not verify). */
  previousCheckpoint?: boolean;
  /** Start a new run in a directory that already holds one (its checkpoints and records are removed). */
  overwrite?: boolean;
  /**
   * Remove a lock that cannot be checked: another host's, or an unreadable one. (A lock of a
   * process of this host that is gone is taken over without it, and told to `onNotice`.)
   */
  breakStaleLock?: boolean;
  /** Told one-line notices about the run (a dead process's lock taken over). */
  onNotice?: (message: string) => void;
  /** The plugin instances (default: created from `config.plugins` through the plugin registry). */
  plugins?: TrainingPlugin[];
  onProgress?: (progress: StepProgress | EpochProgress) => void;
  /** Told every record as it is made (the run directory gets them too). */
  onRecords?: (records: PluginRecord[]) => void;
  /** Stop (after checkpointing) once this many epochs are complete; used to test resuming. */
  stopAfterEpoch?: number;
  /**
   * Also checkpoint every this many steps inside an epoch (default: at epoch ends only), so that
   * a kill loses at most that many steps of a long epoch. Does not change what is computed.
   */
  checkpointEverySteps?: number;
  /** Aborting saves a checkpoint at the next step boundary and returns with `interrupted`. */
  signal?: AbortSignal;
  /** Non-finite loss or gradients: 'stop' (default) throws NonFiniteError; 'skip' skips that update. */
  onNonFinite?: 'stop' | 'skip';
}

export { NonFiniteError, DivergenceError };

export interface TrainResult {
  spec: NetworkSpec;
  parameters: NetworkParameters;
  history: EpochMetrics[];
  /** The epoch training started from (0, or the checkpoint's when resuming). */
  startEpoch: number;
  /** Set when the signal stopped the run (a checkpoint was saved first). */
  interrupted?: EpochsResult['interrupted'];
  /** Updates skipped because of non-finite values (with onNonFinite 'skip'). */
  skippedSteps: number[];
}

/** The data is what the network takes: its image shape, its classes, every label one of them. */
function checkDataMatchesNetwork(network: { inputShape: readonly number[]; classes: number }, dataset: ImageDataset, sets: { train: ImageSet; test: ImageSet }): void {
  const { inputShape, classes } = network;
  if (sets.train.shape.join('x') !== inputShape.join('x')) {
    throw usageError(
      `the ${dataset.name} images are ${sets.train.shape.join('×')}, the network takes ${inputShape.join('×')}: create the run config with inputShape ${JSON.stringify(sets.train.shape)}`,
    );
  }
  if (dataset.classes !== classes)
    throw usageError(`${dataset.name} has ${dataset.classes} classes, the network ${classes}: create the run config with classes ${dataset.classes}`);
  checkImageSet(sets.train, classes, `the ${dataset.name} training set`);
  checkImageSet(sets.test, classes, `the ${dataset.name} test set`);
}

/**
 * Trains a network on a dataset per the run configuration: seeded initialisation and data
 * order, SGD with momentum and weight decay, the schedule, batch-norm running statistics,
 * evaluation and a checkpoint each epoch, plugin hooks around each step, and the run
 * directory's records, all through the one epoch loop and training step. The run is opened
 * (locked), started or restored (run-start.ts), checkpointed (checkpointer.ts) and trained
 * epoch by epoch (trainer-epochs.ts).
 */
export async function trainNetwork(options: TrainOptions): Promise<TrainResult> {
  const { runDirectory, config } = options;
  // Without instances, the plugins the config names: a config never says more than the run does.
  const plugins = options.plugins ?? config.plugins.map((p) => createTrainingPlugin(p.name, p.options));
  const streams = recordStreamsOf(plugins);
  const spec = buildNetworkSpec(config.network);
  const train = takeFirst(options.dataset.train, config.limitTrain);
  const test = takeFirst(options.dataset.test, config.limitTest);
  const steps = batchCount(train.count, config.batchSize, true);
  if (steps === 0) throw usageError(`the training set has ${train.count} images, fewer than one batch of ${config.batchSize}: use a smaller --batch`);
  if (test.count === 0) throw usageError('the test set is empty');
  if (test.shape.join('x') !== train.shape.join('x'))
    throw usageError(`the test images are ${test.shape.join('×')}, the training images ${train.shape.join('×')}: both must have one shape`);
  checkDataMatchesNetwork(spec.config, options.dataset, { train, test });
  if (options.resume && !runDirectory) throw usageError('resuming needs a run directory');

  resetPeakResidentMemory(); // each run's peak its own, in a process that runs several
  let lock: RunLock | undefined;
  let start: RunStart | undefined;
  let returned = false;
  let parallel: DataParallelGradients | undefined;
  try {
    if (runDirectory) lock = await openRunDirectory(runDirectory, options);
    start = options.resume
      ? await restoreRun(runDirectory!, config, spec, { train, test }, plugins, streams, options.previousCheckpoint ?? false)
      : await startRun(config, spec, { train, test }, runDirectory, options.overwrite ?? false);
    const run = start;
    const guard: DivergenceGuard = { factor: run.config.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR, reference: run.divergenceReference };
    if ((run.config.workers ?? 1) > 1) {
      parallel = await createDataParallelGradients(spec, run.config.workers!, { recomputeUnits: run.config.recomputeUnits, backend: getBackendPlugin(run.config.backend) });
    }
    const session: TrainingSession = {
      spec,
      parameters: run.parameters,
      optimizer: run.optimizer,
      update: run.config,
      plugins,
      recomputeUnits: run.config.recomputeUnits,
      parallel,
      onNonFinite: options.onNonFinite,
    };
    const record = async (records: PluginRecord[]) => {
      if (records.length === 0) return;
      options.onRecords?.(records);
      if (runDirectory) await appendRecords(runDirectory, records);
    };
    const checkpoint = createCheckpointer({ runDirectory, definitionSha256: configDefinitionSha256(run.text)!, streams, plugins, ...run, guard });
    const result = await trainEpochs({
      start: run,
      spec,
      session,
      plugins,
      train,
      test,
      steps,
      guard,
      record,
      checkpoint,
      explain: (error) => explainStop(error, runDirectory, options.onNonFinite),
      lastEpoch: Math.min(run.config.epochs, options.stopAfterEpoch ?? run.config.epochs),
      checkpointEverySteps: options.checkpointEverySteps,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    for (const plugin of plugins) plugin.dispose?.();
    returned = true; // the parameters are the caller's now
    return { spec, parameters: run.parameters, startEpoch: run.epoch, ...result };
  } finally {
    if (start) {
      disposeSgdState(start.optimizer);
      if (!returned) for (const p of Object.values(start.parameters)) p.dispose();
    }
    await parallel?.dispose();
    lock?.release();
  }
}

/** Creates the run directory when it is new, and locks it (taking over a dead process's lock, told to `onNotice`). */
async function openRunDirectory(runDirectory: string, options: Pick<TrainOptions, 'breakStaleLock' | 'onNotice'>): Promise<RunLock> {
  if (existsSync(runDirectory) && !statSync(runDirectory).isDirectory()) throw usageError(`${runDirectory} is a file, not a run directory: choose another --out`);
  makeDirectory(runDirectory);
  const lock = await lockRunDirectory(runDirectory, { breakStale: options.breakStaleLock });
  if (lock.tookOver) options.onNotice?.(`${runDirectory}: ${lock.tookOver.notice}`);
  return lock;
}

/** A step's NonFiniteError or DivergenceError, told what happened to the run and what to do. */
function explainStop(error: unknown, runDirectory: string | undefined, onNonFinite: TrainOptions['onNonFinite']): unknown {
  const kept = `the run stopped${runDirectory ? (hasCheckpoint(runDirectory) ? ` and its last good checkpoint in ${runDirectory} is kept` : ' before its first checkpoint') : ''}`;
  if (error instanceof NonFiniteError)
    return new NonFiniteError(`${error.message}; ${kept}. Lower the learning rate${onNonFinite === 'skip' ? '' : ', or pass --on-nonfinite skip to skip such updates'}`);
  if (error instanceof DivergenceError)
    return new DivergenceError(`${error.message}; ${kept}. Lower the learning rate, or set the bound with --divergence-factor (0 turns the guard off)`);
  return error;
}
