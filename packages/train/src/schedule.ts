import { usageError } from '@procrustes/core';

export type LearningRateSchedule = { kind: 'multistep'; milestones: number[]; gamma: number } | { kind: 'cosine' } | { kind: 'constant' };

/**
 * The learning rate during `epoch` (0-based) at `progress` ∈ [0, 1) through it. Multi-step
 * divides at the start of each milestone epoch (the paper: ÷10 at 150 and 225 of 300);
 * cosine anneals to zero over all epochs.
 */
export function learningRateAt(base: number, schedule: LearningRateSchedule, epoch: number, progress: number, epochs: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'multistep':
      return base * schedule.gamma ** schedule.milestones.filter((m) => epoch >= m).length;
    case 'cosine':
      return 0.5 * base * (1 + Math.cos((Math.PI * (epoch + progress)) / epochs));
  }
}

/** Parses `multistep`, `cosine` or `constant` with its options, validating milestones. */
export function parseSchedule(kind: string, milestones: number[] | undefined, gamma: number, epochs: number): LearningRateSchedule {
  if (kind === 'cosine' || kind === 'constant') return { kind };
  if (kind !== 'multistep') throw usageError(`unknown schedule '${kind}': choose one of multistep, cosine, constant`);
  const chosen = milestones ?? [Math.round(epochs * 0.5), Math.round(epochs * 0.75)].filter((m, i, all) => m > 0 && m < epochs && all.indexOf(m) === i);
  for (const m of chosen) {
    if (!Number.isInteger(m) || m <= 0 || m >= epochs) {
      throw usageError(`milestone ${m} must be an epoch between 1 and ${epochs - 1} (training has ${epochs} epochs)`);
    }
  }
  return { kind: 'multistep', milestones: [...chosen].sort((a, b) => a - b), gamma };
}
