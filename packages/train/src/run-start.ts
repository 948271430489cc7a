import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initializeParameters, usageError, type NetworkParameters, type NetworkSpec, type TrainingPlugin } from '@procrustes/core';
import { writeFileAtomically } from '@procrustes/core/node';
import { channelStatistics, type ChannelStatistics, type ImageSet } from '@procrustes/data';
import {
  CHECKPOINT_DIRECTORY,
  completeInterruptedSwap,
  hasCheckpoint,
  loadCheckpoint,
  PREVIOUS_CHECKPOINT_DIRECTORY,
  promotePreviousCheckpoint,
  removeCheckpoints,
  upgradeManifest,
  verifiedCheckpointDirectory,
  type CheckpointState,
  type LoadedCheckpoint,
} from './checkpoint.js';
import { describeDifferences } from './config-differences.js';
import { checkDataFingerprint, imageSetSha256 } from './data-fingerprint.js';
import { killpoint } from './failpoints.js';
import { CONFIG_FILE, readRunConfig } from './read-run.js';
import { resumeContradictions } from './resume-contradictions.js';
import { truncateRecords } from './run-records.js';
import { configText, type EpochMetrics, type RunConfig } from './run-config.js';
import { createSgdState, disposeSgdState, type SgdState } from './sgd.js';

/** Where a run starts from: its config as written, its model and optimizer, and how far it had come. */
export interface RunStart {
  config: RunConfig;
  /** The text of config.json (what the checkpoints seal, without its epochs). */
  text: string;
  parameters: NetworkParameters;
  optimizer: SgdState;
  history: EpochMetrics[];
  epoch: number;
  step: number;
  /** Batches of `epoch` already done, and their sums (a checkpoint inside an epoch). */
  batchesDone: number;
  partial: CheckpointState['partial'];
  /** The training set's channel statistics, computed when the run starts and saved with its checkpoints. */
  statistics: ChannelStatistics;
  divergenceReference?: number;
}

/**
 * A new run: the data's fingerprint recorded, the run directory (when given) cleared of an
 * earlier run's checkpoints and records and given config.json, the model initialised.
 */
export async function startRun(
  config: RunConfig,
  spec: NetworkSpec,
  data: { train: ImageSet; test: ImageSet },
  runDirectory: string | undefined,
  overwrite: boolean,
): Promise<RunStart> {
  const fingerprinted = { ...config, dataFingerprint: { train: imageSetSha256(data.train), test: imageSetSha256(data.test) } };
  const text = configText(fingerprinted);
  if (runDirectory) {
    if (hasCheckpoint(runDirectory) && !overwrite) throw usageError(`${runDirectory} already holds a run: resume it, or start over in it (overwrite / --force)`);
    await removeCheckpoints(runDirectory);
    for (const file of readdirSync(runDirectory)) if (file.endsWith('.jsonl')) await rm(join(runDirectory, file));
    await writeFileAtomically(join(runDirectory, CONFIG_FILE), text);
  }
  return {
    config: fingerprinted,
    text,
    parameters: initializeParameters(spec, config.seed),
    optimizer: createSgdState(spec),
    history: [],
    epoch: 0,
    step: 0,
    batchesDone: 0,
    partial: undefined,
    statistics: channelStatistics(data.train),
  };
}

/**
 * A run continued from its checkpoint (or the one before, with `previousCheckpoint`): the
 * config must be the run's own but for more epochs, the data the run's; the records are cut
 * back to the checkpoint, the plugins' states restored; more epochs extend the run.
 */
export async function restoreRun(
  directory: string,
  requested: RunConfig,
  spec: NetworkSpec,
  data: { train: ImageSet; test: ImageSet },
  plugins: TrainingPlugin[],
  streams: string[],
  previousCheckpoint: boolean,
): Promise<RunStart> {
  const run = readRunConfig(directory);
  // Only epochs may grow; the data fingerprint is checked against the data itself.
  const differing = resumeContradictions(run, requested).differences;
  if (differing.length > 0)
    throw usageError(
      `cannot resume ${directory} with a different configuration: ${[...new Set(differing.map((d) => d.field.split('.')[0]))].join(', ')} differ from its config.json (${describeDifferences(differing)}; only epochs may grow)`,
    );
  checkDataFingerprint(run, data, `resume ${directory}`);
  const config = { ...requested, dataFingerprint: run.dataFingerprint };
  if (!hasCheckpoint(directory)) {
    const cut = existsSync(join(directory, `${CHECKPOINT_DIRECTORY}.tmp`)) ? ', and the write of its first one was cut' : '';
    throw usageError(`cannot resume ${directory}: it has no checkpoint (${CHECKPOINT_DIRECTORY}/ is missing${cut}); start it over with --force`);
  }
  await completeInterruptedSwap(directory);
  if (previousCheckpoint) {
    await verifiedCheckpointDirectory(directory, 'previous');
    await promotePreviousCheckpoint(directory);
  }
  const loaded = await loadCheckpoint(directory, spec);
  const { parameters, optimizer } = loaded;
  try {
    return await continued(directory, run, config, loaded, plugins, streams);
  } catch (error) {
    disposeSgdState(optimizer);
    for (const p of Object.values(parameters)) p.dispose();
    throw error;
  }
}

/** The rest of restoring, once the checkpoint's tensors are loaded (the caller frees them if it fails). */
async function continued(directory: string, run: RunConfig, config: RunConfig, loaded: LoadedCheckpoint, plugins: TrainingPlugin[], streams: string[]): Promise<RunStart> {
  const { parameters, optimizer, state } = loaded;
  if (config.epochs < state.epoch) throw usageError(`cannot resume with ${config.epochs} epochs: the run has completed ${state.epoch}`);
  await truncateRecords(directory, loaded.manifest.records, streams);
  for (const plugin of plugins) if (plugin.restoreState && plugin.name in state.plugins) plugin.restoreState(state.plugins[plugin.name]);
  let text: string;
  if (config.epochs !== run.epochs) {
    // Extending: checkpoints seal the run's definition without its epochs, so config.json is
    // replaced in one atomic write and every checkpoint verifies before and after it. Those
    // of an older version (sealing the whole text) are first rewritten so, one by one.
    for (const slot of [CHECKPOINT_DIRECTORY, PREVIOUS_CHECKPOINT_DIRECTORY]) {
      await upgradeManifest(directory, join(directory, slot));
      killpoint(`extend-after-upgrade-${slot}`);
    }
    text = configText(config);
    await writeFileAtomically(join(directory, CONFIG_FILE), text);
    killpoint('extend-after-config');
  } else {
    text = await readFile(join(directory, CONFIG_FILE), 'utf8');
  }
  return {
    config,
    text,
    parameters,
    optimizer,
    history: state.history,
    epoch: state.epoch,
    step: state.step,
    batchesDone: state.batchesDone ?? 0,
    partial: state.partial,
    statistics: state.normalization,
    divergenceReference: state.divergenceReference,
  };
}
