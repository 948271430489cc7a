import { configDifferences, type ConfigDifference } from './config-differences.js';
import type { RunConfig } from './run-config.js';

/** Fields a run's config gains when it starts, which a request to resume it never sets. */
export const ADDED_AT_START = ['dataFingerprint'] as const;

/**
 * Where a request to resume a run contradicts the run: every field but its epochs must agree,
 * and epochs may only grow (the run is extended). The one check of a resumed config; each
 * client words it (the trainer by field, the CLI by flag). `requestedEpochs`: the epochs asked
 * for, where `requested` was made at the run's length (a schedule cannot be made shorter than
 * its milestones).
 */
export function resumeContradictions(run: RunConfig, requested: RunConfig, requestedEpochs = requested.epochs): { differences: ConfigDifference[]; shorter: boolean } {
  return { differences: configDifferences(run, requested, ['epochs', ...ADDED_AT_START]), shorter: requestedEpochs < run.epochs };
}
