import { existsSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createParameters, tf, usageError, type NetworkParameters, type NetworkSpec } from '@procrustes/core';
import { loadWeights, saveWeights, writeFileAtomically } from '@procrustes/core/node';
import { canonicalJson } from './canonical-json.js';
import { checkedCheckpointState, type CheckpointState } from './checkpoint-state.js';
import { failpoint } from './failpoints.js';
import { sha256Hex, sha256OfFile } from './hashing.js';
import { verifyRecordSeals, type RecordSeals } from './run-records.js';
import type { SgdState } from './sgd.js';

export type { CheckpointState } from './checkpoint-state.js';

/**
 * What makes a checkpoint trustworthy: the SHA-256 of each of its files, of the run's
 * definition (config.json), and the length and SHA-256 of each records file at the moment it
 * was taken.
 */
export interface CheckpointManifest {
  /** 3: the run's definition sealed without its epochs; 2 (read only): config.json's text sealed. */
  formatVersion: 2 | 3;
  files: Record<string, string>;
  /**
   * Version 3: SHA-256 of the run's config with `epochs` left out (canonical JSON), so that
   * extending a run changes config.json alone, in one atomic write, and every checkpoint
   * verifies before and after it.
   */
  definitionSha256?: string;
  /** Version 2: SHA-256 of config.json's text (an extension had to reseal every manifest). */
  configSha256?: string;
  records: RecordSeals;
}

/** The SHA-256 a version-3 manifest seals a run's config.json text with: its definition, epochs left out; undefined if it is not a JSON object. */
export function configDefinitionSha256(text: string | Buffer): string | undefined {
  let config: unknown;
  try {
    config = JSON.parse(text.toString());
  } catch {
    return undefined;
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  const { epochs: _epochs, ...definition } = config as Record<string, unknown>;
  return sha256Hex(canonicalJson(definition));
}

const VELOCITY = 'optimizer/velocity/';
export const CHECKPOINT_DIRECTORY = 'checkpoint';
export const PREVIOUS_CHECKPOINT_DIRECTORY = 'checkpoint.previous';
const TEMPORARY_CHECKPOINT_DIRECTORY = 'checkpoint.tmp';
const MANIFEST = 'manifest.json';
const CHECKPOINT_FILES = ['weights.bin', 'model.json', 'state.json'];

/** Which of the two kept checkpoints to read: the newest (default) or the one before it. */
export type CheckpointSlot = 'latest' | 'previous';

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writing a checkpoint failed (full disk, permissions); the previous one is untouched. */
export class CheckpointWriteError extends Error {
  override readonly name = 'CheckpointWriteError';
}

/**
 * Writes weights, optimizer state, training state and the manifest into `<run>/checkpoint`,
 * keeping the checkpoint before it as `<run>/checkpoint.previous`. The new one is written and
 * flushed beside the others and swapped in by renames, so a good checkpoint exists at every moment.
 */
export async function saveCheckpoint(
  runDirectory: string,
  parameters: NetworkParameters,
  optimizer: SgdState,
  state: Omit<CheckpointState, 'formatVersion'>,
  seal: { definitionSha256: string; records: RecordSeals },
): Promise<void> {
  const target = join(runDirectory, CHECKPOINT_DIRECTORY);
  const temporary = join(runDirectory, TEMPORARY_CHECKPOINT_DIRECTORY);
  const previous = join(runDirectory, PREVIOUS_CHECKPOINT_DIRECTORY);
  await rm(temporary, { recursive: true, force: true });
  try {
    await writeCheckpointFiles(temporary, parameters, optimizer, state, seal);
  } catch (error) {
    // Leave the last good checkpoints alone; drop the half-written one.
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
}

async function writeCheckpointFiles(
  directory: string,
  parameters: NetworkParameters,
  optimizer: SgdState,
  state: Omit<CheckpointState, 'formatVersion'>,
  seal: { definitionSha256: string; records: RecordSeals },
): Promise<void> {
  const tensors: Record<string, tf.Tensor> = { ...parameters };
  for (const [name, v] of Object.entries(optimizer)) tensors[`${VELOCITY}${name}`] = v;
  await saveWeights(directory, tensors);
  failpoint('checkpoint-write');
  const full: CheckpointState = { formatVersion: 2, ...state };
  await writeFile(join(directory, 'state.json'), JSON.stringify(full, null, 1));
  const files: Record<string, string> = {};
  for (const file of CHECKPOINT_FILES) files[file] = await sha256OfFile(join(directory, file));
  const manifest: CheckpointManifest = { formatVersion: 3, files, definitionSha256: seal.definitionSha256, records: seal.records };
  for (const file of CHECKPOINT_FILES) await syncFile(join(directory, file));
  // Written last and whole: a checkpoint.tmp/ with a manifest is complete (hasCheckpoint relies on it).
  await writeFileAtomically(join(directory, MANIFEST), JSON.stringify(manifest, null, 1), { durable: true });
}

/** Why a checkpoint directory cannot be trusted, or undefined when every file verifies. */
async function verificationFailure(runDirectory: string, directory: string): Promise<string | undefined> {
  if (!existsSync(directory)) return 'it does not exist';
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await readFile(join(directory, MANIFEST), 'utf8')) as CheckpointManifest;
  } catch (error) {
    return existsSync(join(directory, MANIFEST))
      ? `its ${MANIFEST} is unreadable (${(error as Error).message})`
      : existsSync(join(directory, 'state.json'))
        ? `it has no ${MANIFEST} (written by a version before 0.2, which checksummed weights.bin only)`
        : `it has no ${MANIFEST}`;
  }
  if ((manifest.formatVersion !== 2 && manifest.formatVersion !== 3) || typeof manifest.files !== 'object' || manifest.files === null)
    return `its ${MANIFEST} is not a version-2 or version-3 manifest`;
  for (const file of CHECKPOINT_FILES) {
    const expected = manifest.files[file];
    if (!expected) return `its ${MANIFEST} does not list ${file}`;
    const path = join(directory, file);
    if (!existsSync(path)) return `${file} is missing`;
    if ((await sha256OfFile(path)) !== expected) return `${file} was changed or damaged (its SHA-256 differs from the manifest's)`;
  }
  const configPath = join(runDirectory, 'config.json');
  if (!existsSync(configPath)) return 'the run has no config.json';
  const configFile = await readFile(configPath);
  const sealed = manifest.formatVersion === 3 ? configDefinitionSha256(configFile) === manifest.definitionSha256 : sha256Hex(configFile) === manifest.configSha256;
  if (!sealed) {
    return `the run's config.json was changed after this checkpoint was written (its SHA-256${manifest.formatVersion === 3 ? ', epochs aside,' : ''} differs from the manifest's)`;
  }
  if (typeof manifest.records !== 'object' || manifest.records === null) return `its ${MANIFEST} has no record seals`;
  return verifyRecordSeals(runDirectory, manifest.records);
}

async function describeCheckpoint(directory: string): Promise<string> {
  try {
    const state = JSON.parse(await readFile(join(directory, 'state.json'), 'utf8')) as CheckpointState;
    return `epoch ${state.epoch}${state.batchesDone ? ` + ${state.batchesDone} batches` : ''}, step ${state.step}`;
  } catch {
    return 'unreadable state';
  }
}

/**
 * True when the run directory holds any checkpoint, good or not. A `checkpoint.tmp/` counts once
 * its manifest is written (a swap cut before its renames, possibly of the run's first
 * checkpoint); without one it is a write that was cut, and nothing.
 */
export function hasCheckpoint(runDirectory: string): boolean {
  return (
    [CHECKPOINT_DIRECTORY, PREVIOUS_CHECKPOINT_DIRECTORY].some((d) => existsSync(join(runDirectory, d))) || existsSync(join(runDirectory, TEMPORARY_CHECKPOINT_DIRECTORY, MANIFEST))
  );
}

/** The complete `checkpoint.tmp/` of a swap cut before `checkpoint/` was put in place, if there is one. */
async function cutSwapCheckpoint(runDirectory: string): Promise<string | undefined> {
  const temporary = join(runDirectory, TEMPORARY_CHECKPOINT_DIRECTORY);
  if (existsSync(join(runDirectory, CHECKPOINT_DIRECTORY)) || !existsSync(temporary)) return undefined;
  return (await verificationFailure(runDirectory, temporary)) ? undefined : temporary;
}

/**
 * The verified checkpoint directory of a slot. The newest is `checkpoint/`, or a complete
 * `checkpoint.tmp/` when a swap was cut before its last rename. A newest one that does not
 * verify is an error that names the problem and offers the previous one; nothing falls back
 * silently.
 */
export async function verifiedCheckpointDirectory(runDirectory: string, slot: CheckpointSlot = 'latest'): Promise<string> {
  const latest = join(runDirectory, CHECKPOINT_DIRECTORY);
  const previous = join(runDirectory, PREVIOUS_CHECKPOINT_DIRECTORY);
  if (slot === 'previous') {
    const failure = await verificationFailure(runDirectory, previous);
    if (failure) throw usageError(`the previous checkpoint ${previous} cannot be used: ${failure}`);
    return previous;
  }
  const cut = await cutSwapCheckpoint(runDirectory);
  if (cut) return cut;
  const failure = await verificationFailure(runDirectory, latest);
  if (!failure) return latest;
  if (!hasCheckpoint(runDirectory)) throw usageError(`${runDirectory} has no checkpoint (no ${CHECKPOINT_DIRECTORY}/)`);
  const previousFailure = await verificationFailure(runDirectory, previous);
  const offer = previousFailure
    ? existsSync(previous)
      ? `; the previous checkpoint does not verify either (${previousFailure})`
      : '; there is no previous checkpoint'
    : `; the previous checkpoint (${PREVIOUS_CHECKPOINT_DIRECTORY}: ${await describeCheckpoint(previous)}) verifies: pass --previous-checkpoint to use it`;
  throw usageError(`the checkpoint ${latest} cannot be trusted: ${failure}${offer}`);
}

/**
 * Finishes a checkpoint swap that was cut before its last rename (the newest complete in
 * `checkpoint.tmp/`, `checkpoint/` missing; for a run's first checkpoint there is no previous one
 * either): what a writer of the run does before resuming.
 */
export async function completeInterruptedSwap(runDirectory: string): Promise<void> {
  const cut = await cutSwapCheckpoint(runDirectory);
  if (cut) await rename(cut, join(runDirectory, CHECKPOINT_DIRECTORY));
}

export interface LoadedCheckpoint {
  directory: string;
  parameters: NetworkParameters;
  optimizer: SgdState;
  state: CheckpointState;
  manifest: CheckpointManifest;
}

/** Loads a verified checkpoint for `spec` (every file's SHA-256, config.json, records; names and shapes). */
export async function loadCheckpoint(runDirectory: string, spec: NetworkSpec, slot: CheckpointSlot = 'latest'): Promise<LoadedCheckpoint> {
  const directory = await verifiedCheckpointDirectory(runDirectory, slot);
  const manifest = JSON.parse(await readFile(join(directory, MANIFEST), 'utf8')) as CheckpointManifest;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(directory, 'state.json'), 'utf8'));
  } catch (error) {
    throw usageError(`${directory}/state.json is unreadable: ${(error as Error).message}`);
  }
  const state = checkedCheckpointState(parsed, directory, spec.config.inputShape[2]);
  const weights = await readCheckpointWeights(directory);
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
  return { directory, parameters, optimizer, state, manifest };
}

/**
 * Makes the previous checkpoint the newest, keeping the rejected newest one beside it as
 * `checkpoint.rejected-<time>` (nothing is deleted): what resuming from the previous one does.
 */
export async function promotePreviousCheckpoint(runDirectory: string): Promise<void> {
  const latest = join(runDirectory, CHECKPOINT_DIRECTORY);
  if (existsSync(latest)) await rename(latest, join(runDirectory, `${CHECKPOINT_DIRECTORY}.rejected-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  await rename(join(runDirectory, PREVIOUS_CHECKPOINT_DIRECTORY), latest);
}

/** Removes every checkpoint of a run (starting over with --force). */
export async function removeCheckpoints(runDirectory: string): Promise<void> {
  for (const name of [CHECKPOINT_DIRECTORY, PREVIOUS_CHECKPOINT_DIRECTORY, TEMPORARY_CHECKPOINT_DIRECTORY]) await rm(join(runDirectory, name), { recursive: true, force: true });
}

/** The weights of a verified checkpoint directory: only its checksummed shard is read. */
export function readCheckpointWeights(directory: string): ReturnType<typeof loadWeights> {
  return loadWeights(directory, { shards: ['weights.bin'] });
}

/**
 * Rewrites a version-2 manifest as version 3, sealing the definition of the config.json it
 * verifies against (before a run is extended; one atomic write). A manifest that does not verify
 * against the run's config.json is left as it is: a rewrite would make it verify.
 */
export async function upgradeManifest(runDirectory: string, directory: string): Promise<void> {
  const path = join(directory, MANIFEST);
  if (!existsSync(path)) return;
  const manifest = JSON.parse(await readFile(path, 'utf8')) as CheckpointManifest;
  if (manifest.formatVersion !== 2) return;
  const configFile = await readFile(join(runDirectory, 'config.json'));
  if (sha256Hex(configFile) !== manifest.configSha256) return;
  const { configSha256: _old, ...rest } = manifest;
  const upgraded: CheckpointManifest = { ...rest, formatVersion: 3, definitionSha256: configDefinitionSha256(configFile) };
  await writeFileAtomically(path, JSON.stringify(upgraded, null, 1), { durable: true });
}

/**
 * The run's own working directory (a checkpoint, the one before it, one being written, a
 * rejected one) that `path` is or lies inside, or undefined: such directories are replaced or
 * removed by the next writer of the run, so nothing else may be written there.
 */
export function insideRunWorkingDirectory(runDirectory: string, path: string): string | undefined {
  const relativePath = relative(resolve(runDirectory), resolve(path));
  const first = relativePath.split(sep)[0];
  if (relativePath.startsWith('..') || isAbsolute(relativePath) || first === '') return undefined;
  return first === CHECKPOINT_DIRECTORY ||
    first === PREVIOUS_CHECKPOINT_DIRECTORY ||
    first === TEMPORARY_CHECKPOINT_DIRECTORY ||
    first.startsWith(`${CHECKPOINT_DIRECTORY}.rejected-`)
    ? join(runDirectory, first)
    : undefined;
}
