import type { NetworkParameters, TrainingPlugin } from '@procrustes/core';
import type { ChannelStatistics } from '@procrustes/data';
import { saveCheckpoint, type CheckpointState } from './checkpoint.js';
import type { DivergenceGuard } from './epoch-loop.js';
import { METRICS_STREAM } from './record-files.js';
import { sealRecords } from './run-records.js';
import type { SgdState } from './sgd.js';

/** Where training stands when a checkpoint is taken; the checkpointer adds the rest. */
export type TrainingPosition = Omit<CheckpointState, 'formatVersion' | 'plugins' | 'normalization' | 'divergenceReference'>;

/**
 * Saves the run's checkpoints: the model and optimizer, where training stands, the plugins'
 * states, the normalisation and the divergence guard's reference, sealing the records as they
 * are and the run's definition. Without a run directory it saves nothing.
 */
export function createCheckpointer(run: {
  runDirectory: string | undefined;
  definitionSha256: string;
  streams: string[];
  plugins: TrainingPlugin[];
  parameters: NetworkParameters;
  optimizer: SgdState;
  statistics: ChannelStatistics;
  guard: DivergenceGuard;
}): (position: TrainingPosition) => Promise<void> {
  const { runDirectory, plugins } = run;
  return async (position) => {
    if (!runDirectory) return;
    const records = await sealRecords(runDirectory, [METRICS_STREAM, ...run.streams]);
    const states: Record<string, unknown> = {};
    for (const plugin of plugins) if (plugin.saveState) states[plugin.name] = plugin.saveState();
    await saveCheckpoint(
      runDirectory,
      run.parameters,
      run.optimizer,
      { ...position, plugins: states, normalization: run.statistics, divergenceReference: run.guard.reference },
      { definitionSha256: run.definitionSha256, records },
    );
  };
}
