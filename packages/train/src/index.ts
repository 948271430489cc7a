// The training step, the epoch loop, SGD and schedules: browser-safe. Run directories,
// checkpoints and worker threads are in '@procrustes/train/node'.
export { createSgdState, sgdUpdate, disposeSgdState, type SgdOptions, type SgdState } from './sgd.js';
export { learningRateAt, parseSchedule, type LearningRateSchedule } from './schedule.js';
export { DEFAULT_DIVERGENCE_FACTOR, configText, type RunConfig, type EpochMetrics } from './run-config.js';
export { createRunConfig, RUN_DEFAULTS, type RunConfigOptions, type RegularizerChoice } from './create-run-config.js';
export { runConfigOptionsOf } from './run-config-options.js';
export { resumeContradictions, ADDED_AT_START } from './resume-contradictions.js';
export { parseRecordStream, recordLines } from './record-stream.js';
export { runFiles, type RunFile } from './run-export.js';
export { METRICS_STREAM, recordsFile, type RecordSeals } from './record-files.js';
export { evaluate, type Evaluation } from './evaluate.js';
export {
  trainingStep,
  forwardBackward,
  disposePass,
  NonFiniteError,
  DivergenceError,
  type TrainingSession,
  type StepPosition,
  type StepResult,
  type PassOutcome,
} from './training-step.js';
export type { DataParallelGradients, ParallelGradients } from './parallel/parallel-gradients.js';
export { runEpoch, epochMetrics, type EpochLoopOptions, type EpochLoopResult, type EpochSums, type DivergenceGuard } from './epoch-loop.js';
export { configDifferences, describeDifferences, type ConfigDifference } from './config-differences.js';
