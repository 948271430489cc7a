import { usageError } from '@procrustes/core';
import type { ChannelStatistics } from '@procrustes/data';
import type { EpochMetrics } from './run-config.js';

export interface CheckpointState {
  formatVersion: 2;
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
  /** The channel statistics the inputs are standardised with (from the training set at the run's start). */
  normalization: ChannelStatistics;
  /** The first step's loss, the divergence guard's reference. */
  divergenceReference?: number;
}

const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Checks every field of a checkpoint's state.json, read after its checksum verified: a checksum
 * says the file is the one that was written, not that what was written makes sense (a forged
 * reseal, or a bug). Returns the state, or throws a usage error that names the field.
 */
export function checkedCheckpointState(value: unknown, where: string, channels: number): CheckpointState {
  const fail = (problem: string): never => {
    throw usageError(`${where}/state.json ${problem}: the checkpoint is not usable; resume from the previous one (--previous-checkpoint) or start the run over (--force)`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('is not a JSON object');
  const state = value as Record<string, unknown>;
  if (state.formatVersion !== 2) fail(`has formatVersion ${JSON.stringify(state.formatVersion)}, not 2`);
  if (!isCount(state.epoch)) fail(`has epoch ${JSON.stringify(state.epoch)}: epochs completed is a non-negative integer`);
  if (!isCount(state.step)) fail(`has step ${JSON.stringify(state.step)}: steps taken is a non-negative integer`);
  if (state.batchesDone !== undefined && !isCount(state.batchesDone)) fail(`has batchesDone ${JSON.stringify(state.batchesDone)}: a non-negative integer`);
  if (state.partial !== undefined) {
    const partial = state.partial as Record<string, unknown> | null;
    if (!partial || typeof partial !== 'object' || !['lossSum', 'correct', 'seen', 'seconds'].every((k) => isFiniteNumber(partial[k]) && (partial[k] as number) >= 0))
      fail('has partial sums that are not four non-negative numbers (lossSum, correct, seen, seconds)');
  }
  if (!Array.isArray(state.history) || state.history.length !== state.epoch)
    fail(`has a history of ${Array.isArray(state.history) ? state.history.length : 'no'} epochs for epoch ${state.epoch}`);
  for (const [i, record] of (state.history as unknown[]).entries())
    if (!record || typeof record !== 'object' || (record as { epoch?: unknown }).epoch !== i + 1) fail(`has a history whose record ${i + 1} is not epoch ${i + 1}'s`);
  if (!state.plugins || typeof state.plugins !== 'object' || Array.isArray(state.plugins)) fail('has no plugins object');
  const normalization = state.normalization as { mean?: unknown; std?: unknown } | undefined;
  if (!normalization || typeof normalization !== 'object') return fail('has no normalization (the channel mean and std the inputs are standardised with)');
  for (const key of ['mean', 'std'] as const) {
    const values = normalization[key];
    if (!Array.isArray(values) || values.length !== channels || !values.every(isFiniteNumber))
      fail(`has normalization.${key} ${JSON.stringify(values)}: ${channels} finite number${channels === 1 ? '' : 's'}, one per input channel`);
  }
  if (!(normalization.std as number[]).every((s) => s > 0)) fail(`has normalization.std ${JSON.stringify(normalization.std)}: each a positive number`);
  if (state.divergenceReference !== undefined && !isFiniteNumber(state.divergenceReference))
    fail(`has divergenceReference ${JSON.stringify(state.divergenceReference)}: a finite number`);
  return state as unknown as CheckpointState;
}
