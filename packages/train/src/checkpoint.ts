import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { createParameters, tf, usageError, type NetworkParameters, type NetworkSpec } from '@procrustes/core';
import { loadWeights, saveWeights } from '@procrustes/core/node';
import type { EpochMetrics } from './run-config.js';
import type { SgdState } from './sgd.js';
import { failpoint } from './failpoints.js';

export interface CheckpointState {
  formatVersion: 1;
  /** Epochs completed; training resumes in this epoch. */
  epoch: number;
  /** Batches of that epoch already done (a checkpoint taken on interruption); 0 at epoch ends. */
  batchesDone?: number;
  /** Running sums of the unfinished epoch, so that its metrics come out as if uninterrupted. */
  partial?: { lossSum: number; correct: number; seen: number; seconds: number };
  /** Optimizer steps taken. */
  step: number;
  history: EpochMetrics[];
  /** Saved state of training plugins by name. */
  plugins: Record<string, unknown>;
  /** SHA-256 of weights.bin, checked on load. */
  weightsSha256?: string;
}

const VELOCITY = 'optimizer/velocity/';
export const CHECKPOINT_DIRECTORY = 'checkpoint';

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes weights, optimizer state and training state into `<run>/checkpoint`. The new checkpoint
 * is written and flushed beside the old one and swapped in by renames, so the previous
 * checkpoint stays valid until the new one is complete.
 */
export async function saveCheckpoint(
  runDirectory: string,
  parameters: NetworkParameters,
  optimizer: SgdState,
  state: Omit<CheckpointState, 'formatVersion' | 'weightsSha256'>,
): Promise<void> {
  const target = join(runDirectory, CHECKPOINT_DIRECTORY);
  const temporary = `${target}.tmp`;
  const previous = `${target}.previous`;
  await rm(temporary, { recursive: true, force: true });
  try {
    await writeCheckpointFiles(temporary, parameters, optimizer, state);
  } catch (error) {
    // Leave the last good checkpoint alone; drop the half-written one.
    await rm(temporary, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
    throw new CheckpointWriteError(`could not write a checkpoint in ${runDirectory} (${reason}); the previous checkpoint is intact`);
  }
  if (existsSync(target)) {
    await rm(previous, { recursive: true, force: true });
    await rename(target, previous);
  }
  await rename(temporary, target);
  await rm(previous, { recursive: true, force: true });
}

/** Writing a checkpoint failed (full disk, permissions); the previous one is untouched. */
export class CheckpointWriteError extends Error {
  override readonly name = 'CheckpointWriteError';
}

async function writeCheckpointFiles(
  temporary: string,
  parameters: NetworkParameters,
  optimizer: SgdState,
  state: Omit<CheckpointState, 'formatVersion' | 'weightsSha256'>,
): Promise<void> {
  const tensors: Record<string, tf.Tensor> = { ...parameters };
  for (const [name, v] of Object.entries(optimizer)) tensors[`${VELOCITY}${name}`] = v;
  await saveWeights(temporary, tensors);
  failpoint('checkpoint-write');
  const weights = await readFile(join(temporary, 'weights.bin'));
  const full: CheckpointState = { formatVersion: 1, ...state, weightsSha256: createHash('sha256').update(weights).digest('hex') };
  await writeFile(join(temporary, 'state.json'), JSON.stringify(full, null, 1));
  for (const file of ['weights.bin', 'model.json', 'state.json']) await syncFile(join(temporary, file));
}

/** The checkpoint directory to read: the current one, or the previous one if a swap was interrupted. */
export function checkpointDirectory(runDirectory: string): string | undefined {
  for (const name of [CHECKPOINT_DIRECTORY, `${CHECKPOINT_DIRECTORY}.previous`]) {
    const path = join(runDirectory, name);
    if (existsSync(join(path, 'state.json'))) return path;
  }
  return undefined;
}

export interface LoadedCheckpoint {
  parameters: NetworkParameters;
  optimizer: SgdState;
  state: CheckpointState;
}

/** Loads and verifies a checkpoint for `spec` (names, shapes, checksum). */
export async function loadCheckpoint(runDirectory: string, spec: NetworkSpec): Promise<LoadedCheckpoint> {
  const directory = checkpointDirectory(runDirectory);
  if (!directory) throw usageError(`${runDirectory} has no checkpoint (no ${CHECKPOINT_DIRECTORY}/state.json)`);
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(join(directory, 'state.json'), 'utf8')) as CheckpointState;
  } catch (error) {
    throw usageError(`${directory}/state.json is unreadable: ${(error as Error).message}`);
  }
  if (state.weightsSha256) {
    const digest = createHash('sha256').update(await readFile(join(directory, 'weights.bin'))).digest('hex');
    if (digest !== state.weightsSha256) throw usageError(`${directory}/weights.bin is corrupt: its SHA-256 does not match the one recorded at save time`);
  }
  const weights = await loadWeights(directory);
  for (const p of spec.parameters) {
    const w = weights.get(p.name);
    if (!w || w.shape.join('x') !== p.shape.join('x')) {
      throw usageError(`${directory} does not hold the weights of ${spec.name} ('${p.name}' is ${w ? `[${w.shape}], not [${p.shape}]` : 'missing'})`);
    }
  }
  const parameters = createParameters(spec, (p) => weights.get(p.name)!.values);
  const optimizer: Record<string, tf.Variable> = {};
  for (const p of spec.parameters.filter((q) => q.trainable)) {
    const v = weights.get(`${VELOCITY}${p.name}`);
    optimizer[p.name] = tf.tidy(() => tf.variable(v ? tf.tensor(v.values, p.shape) : tf.zeros(p.shape), false));
  }
  return { parameters, optimizer, state };
}
