import { existsSync, readdirSync, accessSync, constants, statSync } from 'node:fs';
import { makeDirectory } from '@procrustes/core/node';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import cliProgress from 'cli-progress';
import { activateBackend, buildNetworkSpec, countTrainableParameters, createTrainingPlugin, parseModelName, trainingSizeProblem, usageError } from '@procrustes/core';
import { DATASET_NAMES, type ImageDataset } from '@procrustes/data';
import { loadDataset } from '@procrustes/data/node';
import { DEFAULT_DIVERGENCE_FACTOR, parseSchedule, type EpochMetrics, type RunConfig } from '@procrustes/train';
import { CheckpointWriteError, readRunConfig, trainNetwork } from '@procrustes/train/node';
import { backendNames } from '../backends.js';
import { parseNonNegativeInteger, parseNonNegativeNumber, parsePositiveInteger, parsePositiveNumber } from '../options.js';

export interface TrainCommandOptions {
  model: string;
  dataset: string;
  dataDir?: string;
  epochs: number;
  batch: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: string;
  milestones?: number[];
  gamma: number;
  pad?: number;
  flip?: boolean;
  width: number;
  backend: string;
  out?: string;
  seed: number;
  resume?: boolean;
  force?: boolean;
  limitTrain?: number;
  limitTest?: number;
  quiet?: boolean;
  regulFreq?: number;
  spectralMode: 'procrustes' | 'clip';
  spectralMethod: 'exact' | 'newton-schulz';
  spectralCompat?: 'reference-code';
  spectralTargets: 'spectral-targets' | 'all';
  spectralScale?: number;
  spectralMax?: number;
  spectralIterations?: number;
  onNonfinite: 'stop' | 'skip';
  probeEvery?: number;
  workers?: number;
  recomputeUnits?: boolean;
  previousCheckpoint?: boolean;
  divergenceFactor?: number;
  spectraEvery?: number;
  breakStaleLock?: boolean;
  checkpointEvery?: number;
}

function parseMilestones(value: string): number[] {
  const parts = value.split(',').map((v) => Number(v.trim()));
  if (parts.some((v) => !Number.isInteger(v) || v <= 0)) throw usageError(`--milestones '${value}' must be comma-separated positive epochs, e.g. 2,3`);
  return parts;
}

/** Checks the run directory: a new run needs an empty or absent writable one unless --force. */
function prepareRunDirectory(out: string, resume: boolean, force: boolean): void {
  if (out.trim() === '') throw usageError('--out is empty: name the run directory, e.g. --out runs/x');
  if (existsSync(out) && !statSync(out).isDirectory()) throw usageError(`--out ${out} is a file, not a directory: choose another --out`);
  if (resume) {
    if (force) throw usageError('--resume and --force contradict each other: --resume continues the run, --force starts it over');
    if (!existsSync(`${out}/config.json`)) throw usageError(`cannot resume: ${out} has no config.json (start a new run without --resume)`);
    return;
  }
  if (existsSync(out) && readdirSync(out).length > 0 && !force) {
    if (!existsSync(`${out}/config.json`)) {
      const entries = readdirSync(out);
      throw usageError(
        `--out ${out} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) and holds no run: choose a new or empty directory, or pass --force to write the run beside those files (they are kept)`,
      );
    }
    throw usageError(`${out} already holds a run: pass --resume to continue it or --force to start over in it`);
  }
  const parent = existsSync(out) ? out : dirname(resolve(out));
  try {
    makeDirectory(parent);
    accessSync(parent, constants.W_OK);
  } catch {
    throw usageError(`cannot write the run directory ${out}: choose a writable --out`);
  }
}

/** Each flag that sets a field of the run config, and that field's value in a config (as the flag would give it). */
const FLAG_IN_CONFIG: Partial<Record<keyof TrainCommandOptions, (c: RunConfig) => unknown>> = {
  model: (c) => c.model,
  width: (c) => c.network.width,
  dataset: (c) => c.dataset,
  dataDir: (c) => c.dataDirectory,
  limitTrain: (c) => c.limitTrain,
  limitTest: (c) => c.limitTest,
  batch: (c) => c.batchSize,
  lr: (c) => c.learningRate,
  momentum: (c) => c.momentum,
  weightDecay: (c) => c.weightDecay,
  schedule: (c) => c.schedule.kind,
  milestones: (c) => (c.schedule.kind === 'multistep' ? c.schedule.milestones : undefined),
  gamma: (c) => (c.schedule.kind === 'multistep' ? c.schedule.gamma : undefined),
  pad: (c) => c.augmentation.pad,
  flip: (c) => c.augmentation.flip,
  seed: (c) => c.seed,
  backend: (c) => c.backend,
  workers: (c) => c.workers ?? 1,
  recomputeUnits: (c) => c.recomputeUnits ?? false,
  divergenceFactor: (c) => c.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR,
  regulFreq: (c) => regularizerOf(c)?.probability ?? 0,
  spectralMode: (c) => regularizerOf(c)?.mode,
  spectralMethod: (c) => regularizerOf(c)?.method,
  spectralCompat: (c) => regularizerOf(c)?.compat,
  spectralTargets: (c) => regularizerOf(c)?.targets,
  spectralScale: (c) => regularizerOf(c)?.scale,
  spectralMax: (c) => regularizerOf(c)?.max,
  spectralIterations: (c) => regularizerOf(c)?.iterations,
  probeEvery: (c) => c.plugins.find((p) => p.name === 'probes')?.options.every,
  spectraEvery: (c) => c.plugins.find((p) => p.name === 'spectral-monitor')?.options.every,
};
const regularizerOf = (c: RunConfig) => c.plugins.find((p) => p.name === 'spectral-regularizer')?.options;
const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;

/**
 * The run's config for --resume, with the flags the user gave: a flag that contradicts the run
 * is refused, naming it; --epochs larger than the run's extends it.
 */
function resumedConfig(run: RunConfig, options: TrainCommandOptions, given: ReadonlySet<string>): RunConfig {
  const contradicting: string[] = [];
  for (const key of given) {
    const fromConfig = FLAG_IN_CONFIG[key as keyof TrainCommandOptions];
    if (!fromConfig) continue;
    const theirs = fromConfig(run);
    const ours = options[key as keyof TrainCommandOptions];
    if (JSON.stringify(ours) !== JSON.stringify(theirs))
      contradicting.push(`${flagName(key)} ${JSON.stringify(ours)} (the run has ${theirs === undefined ? 'none' : JSON.stringify(theirs)})`);
  }
  if (given.has('epochs') && options.epochs < run.epochs) contradicting.push(`--epochs ${options.epochs} (the run has ${run.epochs}; a run's epochs can only be extended)`);
  if (contradicting.length > 0) {
    throw usageError(`--resume continues the run as configured, but ${contradicting.join('; ')}: drop these flags, or start a new run (another --out, or --force)`);
  }
  return given.has('epochs') ? { ...run, epochs: options.epochs } : run;
}

export function runConfigFromOptions(options: TrainCommandOptions, dataset: string): RunConfig {
  const name = parseModelName(options.model);
  const descriptorShape: [number, number, number] = dataset.startsWith('cifar') ? [32, 32, 3] : [28, 28, 1];
  const classes = dataset === 'cifar-100' ? 100 : 10;
  return {
    model: options.model,
    network: { ...name, width: options.width, inputShape: descriptorShape, classes },
    dataset,
    dataDirectory: options.dataDir,
    limitTrain: options.limitTrain,
    limitTest: options.limitTest,
    epochs: options.epochs,
    batchSize: options.batch,
    learningRate: options.lr,
    momentum: options.momentum,
    weightDecay: options.weightDecay,
    schedule: parseSchedule(options.schedule, options.milestones, options.gamma, options.epochs),
    augmentation: { pad: options.pad ?? (dataset.startsWith('cifar') ? 4 : 2), flip: options.flip ?? dataset.startsWith('cifar') },
    seed: options.seed,
    backend: options.backend,
    workers: options.workers ?? 1,
    recomputeUnits: options.recomputeUnits ?? false,
    divergenceFactor: options.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR,
    plugins: [
      ...regularizerPlugins(options, name.family),
      ...monitorPlugins(options, name.family),
      ...(options.probeEvery ? [{ name: 'probes', options: { every: options.probeEvery } }] : []),
    ],
  };
}

/** The spectral regularizer's entry in the run config: on by default for procresnet (p = 0.5), as in the paper. */
function regularizerPlugins(options: TrainCommandOptions, family: string): RunConfig['plugins'] {
  const probability = options.regulFreq ?? (family === 'procresnet' || options.spectralTargets === 'all' ? 0.5 : 0);
  if (probability === 0) return [];
  if (probability > 1) throw usageError(`--regul-freq ${probability} must be a probability in [0, 1]`);
  if (family !== 'procresnet' && options.spectralTargets !== 'all') {
    throw usageError(`${options.model} has no spectral targets (only procresnet has them): pass --spectral-targets all to regularize every convolution, or --regul-freq 0`);
  }
  const pluginOptions: Record<string, unknown> = {
    probability,
    seed: options.seed,
    mode: options.spectralMode,
    method: options.spectralMethod,
    targets: options.spectralTargets,
  };
  if (options.spectralCompat) pluginOptions.compat = options.spectralCompat;
  if (options.spectralScale !== undefined) pluginOptions.scale = options.spectralScale;
  if (options.spectralMax !== undefined) pluginOptions.max = options.spectralMax;
  if (options.spectralIterations !== undefined) pluginOptions.iterations = options.spectralIterations;
  return [{ name: 'spectral-regularizer', options: pluginOptions }];
}

/** The spectral monitor: at epoch ends whenever the regularizer runs, and every k steps with --spectra-every. */
function monitorPlugins(options: TrainCommandOptions, family: string): RunConfig['plugins'] {
  const regularized = regularizerPlugins(options, family).length > 0;
  if (!regularized && options.spectraEvery === undefined) return [];
  return [{ name: 'spectral-monitor', options: { every: options.spectraEvery ?? 0 } }];
}

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
export async function runTraining(options: TrainCommandOptions, log: (line: string) => void = console.log, given: ReadonlySet<string> = new Set()): Promise<EpochMetrics[]> {
  const out = options.out ?? `runs/${options.model}-${options.dataset}-seed${options.seed}`;
  prepareRunDirectory(out, options.resume ?? false, options.force ?? false);
  let config: RunConfig;
  if (options.resume) {
    config = resumedConfig(await readRunConfig(out), options, given);
  } else {
    if (options.previousCheckpoint) throw usageError('--previous-checkpoint chooses the checkpoint to resume from: use it with --resume');
    config = runConfigFromOptions(options, options.dataset);
  }
  // Sizes that cannot be allocated are refused before any data is read.
  const sizeProblem = trainingSizeProblem(buildNetworkSpec(config.network), config.batchSize);
  if (sizeProblem) throw usageError(`${config.model} at batch ${config.batchSize} cannot be trained: ${sizeProblem}; use a smaller --batch or --width`);
  const active = await activateBackend(config.backend);
  const dataset: ImageDataset = await loadDataset(config.dataset, { dataDirectory: config.dataDirectory, log });
  const [h, w, c] = dataset.train.shape;
  if (h !== config.network.inputShape![0] || w !== config.network.inputShape![1] || c !== config.network.inputShape![2]) {
    if (options.resume) throw usageError(`the run was trained on ${config.network.inputShape!.join('×')} images, but ${dataset.name} has ${dataset.train.shape.join('×')}`);
    config.network = { ...config.network, inputShape: dataset.train.shape };
  }
  const trainCount = Math.min(dataset.train.count, config.limitTrain ?? Infinity);
  if (trainCount === 0) throw usageError(`the training set of ${dataset.name} (${dataset.source}) has no images: check its files`);
  if (trainCount < config.batchSize) throw usageError(`--batch ${config.batchSize} is larger than the training set (${trainCount} images): use --batch ${trainCount} or smaller`);
  const spec = buildNetworkSpec(config.network);
  log(
    `model     ${spec.name} (${config.network.block}, n=${config.network.n}, width ${config.network.width}), ${countTrainableParameters(buildNetworkSpec(config.network)).toLocaleString('en-US')} parameters`,
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
  const plugins = config.plugins.map((p) => createTrainingPlugin(p.name, p.options));
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
    plugins,
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

export function addTrainOptions(command: Command): Command {
  return command
    .option('--model <name>', 'model: a preset (resnet-20, procresnet-22, …) or FAMILY-DEPTH', 'resnet-20')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).default('fashion-mnist'))
    .option('--data-dir <dir>', 'read the dataset from this directory')
    .option('--epochs <n>', 'epochs', parsePositiveInteger, 10)
    .option('--batch <n>', 'batch size', parsePositiveInteger, 128)
    .option('--lr <rate>', 'learning rate', parsePositiveNumber, 0.1)
    .option('--momentum <m>', 'SGD momentum', parseNonNegativeNumber, 0.9)
    .option('--weight-decay <λ>', 'weight decay', parseNonNegativeNumber, 1e-4)
    .addOption(new Option('--schedule <kind>', 'learning-rate schedule').choices(['multistep', 'cosine', 'constant']).default('multistep'))
    .option('--milestones <epochs>', 'multistep: epochs at which the rate is multiplied by --gamma (default: ½ and ¾ of training)', parseMilestones)
    .option('--gamma <g>', 'multistep factor', parsePositiveNumber, 0.1)
    .option('--pad <pixels>', 'random-crop padding (default 4 on CIFAR, 2 otherwise; 0 = none)', parseNonNegativeInteger)
    .option('--flip', 'random horizontal flips (default on CIFAR)')
    .option('--no-flip', 'no random horizontal flips')
    .option('--width <w>', 'base width', parsePositiveInteger, 16)
    .option('--backend <name>', `backend plugin (${backendNames().join(', ')})`, 'wasm')
    .option('--out <dir>', 'run directory (default runs/<model>-<dataset>-seed<seed>)')
    .option('--seed <n>', 'seed of initialisation, data order and augmentation', parseNonNegativeInteger, 0)
    .option('--resume', 'continue the run in --out from its last checkpoint (flags may only repeat its config; --epochs may extend it)')
    .option('--checkpoint-every <steps>', 'also checkpoint every this many steps inside an epoch (a kill then loses at most that many)', parsePositiveInteger)
    .option('--break-stale-lock', 'remove a lock that cannot be checked (another host’s, or unreadable); a dead process’s lock on this host is taken over without it')
    .option('--previous-checkpoint', 'with --resume: continue from the checkpoint before the newest (when the newest does not verify)')
    .option('--force', 'start over in an --out that already holds a run')
    .option('--limit-train <n>', 'use at most the first n training images (a cap: a smaller set is used whole)', parsePositiveInteger)
    .option('--limit-test <n>', 'use at most the first n test images (a cap: a smaller set is used whole)', parsePositiveInteger)
    .option('--quiet', 'no progress bar')
    .option('--regul-freq <p>', 'spectral regularizer: probability of projecting after an update (default 0.5 for procresnet, 0 = off)', parseNonNegativeNumber)
    .addOption(new Option('--spectral-mode <mode>', 'regularizer projection').choices(['procrustes', 'clip']).default('procrustes'))
    .addOption(new Option('--spectral-method <method>', 'regularizer solver').choices(['exact', 'newton-schulz']).default('exact'))
    .addOption(new Option('--spectral-compat <behaviour>', "reproduce the paper's published code ('reference-code': flipped projection)").choices(['reference-code']))
    .addOption(new Option('--spectral-targets <set>', 'convolutions to regularize').choices(['spectral-targets', 'all']).default('spectral-targets'))
    .option('--spectral-scale <s>', 'Procrustes scale (default √(cout/cin) per convolution)', parsePositiveNumber)
    .option('--spectral-max <m>', 'clip bound (default 1)', parsePositiveNumber)
    .option('--spectral-iterations <n>', 'Newton–Schulz iterations (default 20)', parsePositiveInteger)
    .option('--recompute-units', "recompute each unit's inside in the backward pass (about 4× less activation memory, about 1.25× the step time)")
    .option('--workers <n>', 'worker threads for data-parallel steps on WASM (each an equal shard of the batch; batch norm per shard)', parsePositiveInteger)
    .option(
      '--spectra-every <k>',
      'record the singular values of the stem and transitions (or projection shortcuts) every k steps into spectra.jsonl (0 = at epoch ends; on at epoch ends with the regularizer)',
      parseNonNegativeInteger,
    )
    .option('--probe-every <k>', 'record per-unit gradient and forward norm ratios every k steps into probes.jsonl', parsePositiveInteger)
    .option(
      '--divergence-factor <k>',
      `stop when the loss exceeds k × the first step's loss, keeping the last good checkpoint (default ${DEFAULT_DIVERGENCE_FACTOR}; 0 = off)`,
      parseNonNegativeNumber,
    )
    .addOption(
      new Option('--on-nonfinite <action>', 'a NaN or infinite loss or gradient: stop (keeping the last good checkpoint) or skip the update')
        .choices(['stop', 'skip'])
        .default('stop'),
    );
}

/** The options the user set on the command line (not defaults). */
export function givenOptions(command: Command): Set<string> {
  return new Set(Object.keys(command.opts()).filter((key) => command.getOptionValueSource(key) === 'cli'));
}

export function addTrainCommand(program: Command): void {
  addTrainOptions(program.command('train').description('train a model; writes config.json, metrics.jsonl and checkpoint/ into the run directory')).action(
    async (options: TrainCommandOptions, command: Command) => {
      await runTraining(options, console.log, givenOptions(command));
    },
  );
}
