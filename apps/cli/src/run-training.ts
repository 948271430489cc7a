import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { activateBackend, buildNetworkSpec, countTrainableParameters, trainingSizeProblem, usageError } from '@procrustes/core';
import type { ImageDataset } from '@procrustes/data';
import { loadDataset } from '@procrustes/data/node';
import { RUN_DEFAULTS, type EpochMetrics, type RunConfig } from '@procrustes/train';
import { CheckpointWriteError, prepareRunDirectory, readRunConfig, trainNetwork } from '@procrustes/train/node';
import { resumedRunConfig, runConfigFromFlags, type TrainFlags } from './run-flags.js';

/** A set's size under a --limit-* cap, saying when the cap is larger than the set. */
const limited = (count: number, limit: number | undefined) =>
  limit !== undefined && limit > count ? `${count} (all: the limit ${limit} is larger)` : String(Math.min(count, limit ?? Infinity));

function formatMetrics(m: EpochMetrics): string {
  return (
    `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} acc ${(100 * m.trainAccuracy).toFixed(2)}% | ` +
    `test loss ${m.testLoss.toFixed(4)} acc ${(100 * m.testAccuracy).toFixed(2)}% | lr ${m.learningRate.toPrecision(3)} | ` +
    `${m.seconds.toFixed(1)} s, ${m.imagesPerSecond.toFixed(1)} images/s`
  );
}

/**
 * Trains per the options; shared by `train`, `compare` and `start`. `given` names the flags the
 * user set (under --resume each must agree with the run). Returns the history.
 */
export async function runTraining(options: TrainFlags, log: (line: string) => void = console.log, given: ReadonlySet<string> = new Set()): Promise<EpochMetrics[]> {
  // A new run's config first: bad flags are refused before anything is read or written.
  const fresh = options.resume ? undefined : runConfigFromFlags(options);
  const out =
    options.out ??
    `runs/${fresh?.model ?? options.model ?? RUN_DEFAULTS.model}-${fresh?.dataset ?? options.dataset ?? RUN_DEFAULTS.dataset}-seed${fresh?.seed ?? options.seed ?? RUN_DEFAULTS.seed}`;
  prepareRunDirectory(out, { resume: options.resume, overwrite: options.force });
  let config: RunConfig;
  if (options.resume) {
    config = resumedRunConfig(readRunConfig(out), options, given);
  } else {
    if (options.previousCheckpoint) throw usageError('--previous-checkpoint chooses the checkpoint to resume from: use it with --resume');
    config = fresh!;
  }
  // Sizes that cannot be allocated are refused before any data is read.
  let spec = buildNetworkSpec(config.network);
  const sizeProblem = trainingSizeProblem(spec, config.batchSize);
  if (sizeProblem) throw usageError(`${config.model} at batch ${config.batchSize} cannot be trained: ${sizeProblem}; use a smaller --batch or --width`);
  const active = await activateBackend(config.backend);
  const dataset: ImageDataset = await loadDataset(config.dataset, { dataDirectory: config.dataDirectory, log });
  const [h, w, c] = dataset.train.shape;
  if (h !== config.network.inputShape![0] || w !== config.network.inputShape![1] || c !== config.network.inputShape![2]) {
    if (options.resume) throw usageError(`the run was trained on ${config.network.inputShape!.join('×')} images, but ${dataset.name} has ${dataset.train.shape.join('×')}`);
    config.network = { ...config.network, inputShape: dataset.train.shape };
    spec = buildNetworkSpec(config.network);
  }
  const trainCount = Math.min(dataset.train.count, config.limitTrain ?? Infinity);
  if (trainCount === 0) throw usageError(`the training set of ${dataset.name} (${dataset.source}) has no images: check its files`);
  if (trainCount < config.batchSize) throw usageError(`--batch ${config.batchSize} is larger than the training set (${trainCount} images): use --batch ${trainCount} or smaller`);
  log(
    `model     ${spec.name} (${config.network.block}, n=${config.network.n}, width ${config.network.width}), ${countTrainableParameters(spec).toLocaleString('en-US')} parameters`,
  );
  log(`data      ${dataset.name}: ${dataset.source}; train ${limited(dataset.train.count, config.limitTrain)}, test ${limited(dataset.test.count, config.limitTest)}`);
  log(`backend   ${config.backend}: ${active.device}`);
  log(
    `recipe    ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, batch ${config.batchSize}, lr ${config.learningRate} (${config.schedule.kind}${config.schedule.kind === 'multistep' ? (config.schedule.milestones.length > 0 ? ` at ${config.schedule.milestones.join(',')}` : ', no milestone within the run') : ''}), momentum ${config.momentum}, weight decay ${config.weightDecay}, pad ${config.augmentation.pad}, flip ${config.augmentation.flip ? 'on' : 'off'}, seed ${config.seed}`,
  );
  log(`run       ${out}${options.resume ? ' (resuming)' : ''}${(config.workers ?? 1) > 1 ? `; ${config.workers} data-parallel workers` : ''}`);
  // More workers than cores is allowed (a run moves between machines) but only slows steps down.
  if ((config.workers ?? 1) > availableParallelism())
    log(`notice    ${config.workers} workers on ${availableParallelism()} cores: each step waits for workers that share cores; --workers ${availableParallelism()} is faster here`);

  const interactive = process.stderr.isTTY && !options.quiet;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} | loss {loss} acc {accuracy}% | {speed} img/s | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let barEpoch = -1;
  // SIGINT/SIGTERM: finish the step in flight, save a checkpoint, and exit cleanly.
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(signal === 'SIGINT' ? 130 : 143); // a second signal: stop now
    received = signal;
    abort.abort();
    bar?.stop();
    log(`${signal}: saving a checkpoint after the current step (send it again to stop at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const p of config.plugins) log(`plugin    ${p.name} ${JSON.stringify(p.options)}`);
  const result = await trainNetwork({
    config,
    dataset,
    runDirectory: out,
    resume: options.resume,
    previousCheckpoint: options.previousCheckpoint,
    overwrite: options.force,
    breakStaleLock: options.breakStaleLock,
    onNotice: (message) => log(`notice    ${message}`),
    checkpointEverySteps: options.checkpointEvery,
    signal: abort.signal,
    onNonFinite: options.onNonfinite ?? 'stop',
    onProgress: (p) => {
      if (p.kind === 'step') {
        const payload = { epoch: p.epoch + 1, epochs: p.epochs, loss: p.loss.toFixed(4), accuracy: (100 * p.accuracy).toFixed(1), speed: p.imagesPerSecond.toFixed(1) };
        if (bar && barEpoch !== p.epoch) {
          bar.start(p.steps, 0, payload);
          barEpoch = p.epoch;
        }
        bar?.update(p.step, payload);
      } else {
        bar?.stop();
        barEpoch = -1;
        log(formatMetrics(p.metrics));
      }
    },
  }).catch((error: unknown) => {
    // A full disk keeps the last good checkpoint: say how to go on from it.
    if (error instanceof CheckpointWriteError) throw new CheckpointWriteError(`${error.message}: free space, then continue with: procrustes train --out ${out} --resume`);
    throw error;
  });
  bar?.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (result.skippedSteps.length > 0)
    log(
      `skipped   ${result.skippedSteps.length} updates with non-finite values (steps ${result.skippedSteps.slice(0, 10).join(', ')}${result.skippedSteps.length > 10 ? ', …' : ''})`,
    );
  if (result.interrupted) {
    log(
      `stopped   by ${received}: checkpoint saved in epoch ${result.interrupted.epoch + 1} after ${result.interrupted.batchesDone} batches; continue with: procrustes train --out ${out} --resume`,
    );
    process.exitCode = received === 'SIGTERM' ? 143 : 130;
    return result.history;
  }
  const last = result.history[result.history.length - 1];
  if (last) {
    const seconds = result.history.reduce((s, m) => s + m.seconds, 0);
    log(
      `done      test accuracy ${(100 * last.testAccuracy).toFixed(2)}% after ${last.epoch} epoch${last.epoch === 1 ? '' : 's'}; ${(seconds / result.history.length).toFixed(1)} s per epoch; checkpoint in ${out}/checkpoint`,
    );
  }
  return result.history;
}
