import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { readRunConfig } from './read-run.js';
import { resumeContradictions } from './resume-contradictions.js';
import { join } from 'node:path';
import {
  buildNetworkSpec,
  getBackendPlugin,
  initializeParameters,
  recordStreamsOf,
  usageError,
  type NetworkParameters,
  type NetworkSpec,
  type PluginRecord,
  type TrainingPlugin,
} from '@procrustes/core';
import { makeDirectory, writeFileAtomically } from '@procrustes/core/node';
import { batchCount, channelStatistics, takeFirst, type ChannelStatistics, type ImageDataset } from '@procrustes/data';
import { createDataParallelGradients, type DataParallelGradients } from './parallel/data-parallel.js';
import {
  completeInterruptedSwap,
  hasCheckpoint,
  loadCheckpoint,
  promotePreviousCheckpoint,
  removeCheckpoints,
  upgradeManifest,
  configDefinitionSha256,
  saveCheckpoint,
  CHECKPOINT_DIRECTORY,
  PREVIOUS_CHECKPOINT_DIRECTORY,
  verifiedCheckpointDirectory,
  type CheckpointState,
} from './checkpoint.js';
import { epochMetrics, runEpoch, type DivergenceGuard } from './epoch-loop.js';
import { evaluate } from './evaluate.js';
import { describeDifferences } from './config-differences.js';
import { checkDataFingerprint, imageSetSha256 } from './data-fingerprint.js';
import { failpoint, killpoint } from './failpoints.js';
import { peakResidentMegabytes, resetPeakResidentMemory } from './peak-memory.js';
import { lockRunDirectory, type RunLock } from './run-lock.js';
import { appendRecords, METRICS_STREAM, sealRecords, truncateRecords } from './run-records.js';
import { configText, DEFAULT_DIVERGENCE_FACTOR, type EpochMetrics, type RunConfig } from './run-config.js';
import { learningRateAt } from './schedule.js';
import { createSgdState, disposeSgdState, type SgdState } from './sgd.js';
import { collectRecords, DivergenceError, NonFiniteError, type TrainingSession } from './training-step.js';

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
  interrupted?: { epoch: number; batchesDone: number };
  /** Updates skipped because of non-finite values (with onNonFinite 'skip'). */
  skippedSteps: number[];
}

/**
 * Trains a network on a dataset per the run configuration: seeded initialisation and data
 * order, SGD with momentum and weight decay, the schedule, batch-norm running statistics,
 * evaluation and a checkpoint each epoch, plugin hooks around each step, and the run
 * directory's records, all through the one epoch loop and training step.
 */
export async function trainNetwork(options: TrainOptions): Promise<TrainResult> {
  const { runDirectory } = options;
  let config = options.config;
  const plugins = options.plugins ?? [];
  const streams = recordStreamsOf(plugins);
  const spec = buildNetworkSpec(config.network);
  const train = takeFirst(options.dataset.train, config.limitTrain);
  const test = takeFirst(options.dataset.test, config.limitTest);
  const steps = batchCount(train.count, config.batchSize, true);
  if (steps === 0) throw usageError(`the training set has ${train.count} images, fewer than one batch of ${config.batchSize}: use a smaller --batch`);
  if (test.count === 0) throw usageError('the test set is empty');
  if (test.shape.join('x') !== train.shape.join('x'))
    throw usageError(`the test images are ${test.shape.join('×')}, the training images ${train.shape.join('×')}: both must have one shape`);
  if (options.resume && !runDirectory) throw usageError('resuming needs a run directory');

  resetPeakResidentMemory(); // each run's peak its own, in a process that runs several
  let lock: RunLock | undefined;
  let parameters: NetworkParameters | undefined;
  let optimizer: SgdState | undefined;
  let parallel: DataParallelGradients | undefined;
  try {
    if (runDirectory) {
      if (existsSync(runDirectory) && !statSync(runDirectory).isDirectory()) throw usageError(`${runDirectory} is a file, not a run directory: choose another --out`);
      makeDirectory(runDirectory);
      lock = await lockRunDirectory(runDirectory, { breakStale: options.breakStaleLock });
      if (lock.tookOver) options.onNotice?.(`${runDirectory}: ${lock.tookOver.notice}`);
    }
    let history: EpochMetrics[] = [];
    let startEpoch = 0;
    let globalStep = 0;
    let resumeBatches = 0;
    let resumePartial: CheckpointState['partial'];
    let pluginStates: Record<string, unknown> = {};
    // The training set's channel statistics, computed when the run starts and saved with its checkpoints.
    let statistics: ChannelStatistics;
    const guard: DivergenceGuard = { factor: config.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR };
    let text = configText(config);
    if (options.resume) {
      const directory = runDirectory!;
      const run = readRunConfig(directory);
      // Only epochs may grow; the data fingerprint is checked against the data itself.
      const differing = resumeContradictions(run, config).differences;
      if (differing.length > 0)
        throw usageError(
          `cannot resume ${directory} with a different configuration: ${[...new Set(differing.map((d) => d.field.split('.')[0]))].join(', ')} differ from its config.json (${describeDifferences(differing)}; only epochs may grow)`,
        );
      checkDataFingerprint(run, { train, test }, `resume ${directory}`);
      config = { ...config, dataFingerprint: run.dataFingerprint };
      if (!hasCheckpoint(directory)) {
        const cut = existsSync(join(directory, `${CHECKPOINT_DIRECTORY}.tmp`)) ? ', and the write of its first one was cut' : '';
        throw usageError(`cannot resume ${directory}: it has no checkpoint (${CHECKPOINT_DIRECTORY}/ is missing${cut}); start it over with --force`);
      }
      await completeInterruptedSwap(directory);
      if (options.previousCheckpoint) {
        await verifiedCheckpointDirectory(directory, 'previous');
        await promotePreviousCheckpoint(directory);
      }
      const loaded = await loadCheckpoint(directory, spec);
      parameters = loaded.parameters;
      optimizer = loaded.optimizer;
      if (config.epochs < loaded.state.epoch) throw usageError(`cannot resume with ${config.epochs} epochs: the run has completed ${loaded.state.epoch}`);
      history = loaded.state.history;
      startEpoch = loaded.state.epoch;
      globalStep = loaded.state.step;
      resumeBatches = loaded.state.batchesDone ?? 0;
      resumePartial = loaded.state.partial;
      pluginStates = loaded.state.plugins;
      statistics = loaded.state.normalization;
      guard.reference = loaded.state.divergenceReference;
      await truncateRecords(directory, loaded.manifest.records, streams);
      for (const plugin of plugins) if (plugin.restoreState && plugin.name in pluginStates) plugin.restoreState(pluginStates[plugin.name]);
      if (config.epochs !== run.epochs) {
        // Extending: checkpoints seal the run's definition without its epochs, so config.json is
        // replaced in one atomic write and every checkpoint verifies before and after it. Those
        // of an older version (sealing the whole text) are first rewritten so, one by one.
        for (const slot of [CHECKPOINT_DIRECTORY, PREVIOUS_CHECKPOINT_DIRECTORY]) {
          await upgradeManifest(directory, join(directory, slot));
          killpoint(`extend-after-upgrade-${slot}`);
        }
        text = configText(config);
        await writeFileAtomically(join(directory, 'config.json'), text);
        killpoint('extend-after-config');
      } else {
        text = await readFile(join(directory, 'config.json'), 'utf8');
      }
    } else {
      config = { ...config, dataFingerprint: { train: imageSetSha256(train), test: imageSetSha256(test) } };
      text = configText(config);
      if (runDirectory) {
        if (hasCheckpoint(runDirectory) && !options.overwrite) throw usageError(`${runDirectory} already holds a run: resume it, or start over in it (overwrite / --force)`);
        await removeCheckpoints(runDirectory);
        for (const file of readdirSync(runDirectory)) if (file.endsWith('.jsonl')) await rm(join(runDirectory, file));
        await writeFileAtomically(join(runDirectory, 'config.json'), text);
      }
      parameters = initializeParameters(spec, config.seed);
      optimizer = createSgdState(spec);
      statistics = channelStatistics(train);
    }
    const definitionSha256 = configDefinitionSha256(text)!;

    if ((config.workers ?? 1) > 1) {
      parallel = await createDataParallelGradients(spec, config.workers!, { recomputeUnits: config.recomputeUnits, backend: getBackendPlugin(config.backend) });
    }
    const session: TrainingSession = {
      spec,
      parameters,
      optimizer,
      update: config,
      plugins,
      recomputeUnits: config.recomputeUnits,
      parallel,
      onNonFinite: options.onNonFinite,
    };
    const savePluginStates = (): Record<string, unknown> => {
      const states: Record<string, unknown> = {};
      for (const plugin of plugins) if (plugin.saveState) states[plugin.name] = plugin.saveState();
      return states;
    };
    const record = async (records: PluginRecord[]) => {
      if (records.length === 0) return;
      options.onRecords?.(records);
      if (runDirectory) await appendRecords(runDirectory, records);
    };
    const checkpoint = async (state: Omit<CheckpointState, 'formatVersion' | 'plugins' | 'normalization' | 'divergenceReference'>) => {
      if (!runDirectory) return;
      const records = await sealRecords(runDirectory, [METRICS_STREAM, ...streams]);
      await saveCheckpoint(
        runDirectory,
        parameters!,
        optimizer!,
        { ...state, plugins: savePluginStates(), normalization: statistics, divergenceReference: guard.reference },
        { definitionSha256, records },
      );
    };
    const skippedSteps: number[] = [];
    let interrupted: TrainResult['interrupted'];
    const lastEpoch = Math.min(config.epochs, options.stopAfterEpoch ?? config.epochs);
    for (let epoch = startEpoch; epoch < lastEpoch; epoch++) {
      const skip = epoch === startEpoch ? resumeBatches : 0;
      const partial = skip > 0 ? resumePartial : undefined;
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
        guard,
        signal: options.signal,
        afterStep: async (step, sums, position) => {
          if (step.skipped) skippedSteps.push(position.step);
          await record(step.records);
          const every = options.checkpointEverySteps;
          if (every && (position.step + 1) % every === 0 && position.batch + 1 < steps) {
            const seconds = (performance.now() - started) / 1000;
            await checkpoint({ epoch, batchesDone: position.batch + 1, partial: { ...sums, seconds }, step: position.step + 1, history });
          }
          options.onProgress?.({
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
        throw explainStop(error, runDirectory, options.onNonFinite);
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
        throw explainStop(
          new NonFiniteError(
            `after epoch ${epoch + 1} the model is not finite (test loss ${evaluation.loss}${result.sums.seen === 0 ? ', every update of the epoch non-finite' : ''}; ${skipped} of ${steps - skip} updates skipped)`,
          ),
          runDirectory,
          options.onNonFinite,
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
      options.onProgress?.({ kind: 'epoch', metrics, epochs: config.epochs });
    }
    for (const plugin of plugins) plugin.dispose?.();
    const trained = parameters;
    parameters = undefined; // the caller's now
    return { spec, parameters: trained, history, startEpoch, interrupted, skippedSteps };
  } finally {
    if (optimizer) disposeSgdState(optimizer);
    if (parameters) for (const p of Object.values(parameters)) p.dispose();
    await parallel?.dispose();
    lock?.release();
  }
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
