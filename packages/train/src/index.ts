export { createSgdState, sgdUpdate, disposeSgdState, type SgdOptions, type SgdState } from './sgd.js';
export { learningRateAt, parseSchedule, type LearningRateSchedule } from './schedule.js';
export { DEFAULT_DIVERGENCE_FACTOR, type RunConfig, type EpochMetrics } from './run-config.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  verifiedCheckpointDirectory,
  hasCheckpoint,
  CheckpointWriteError,
  CHECKPOINT_DIRECTORY,
  PREVIOUS_CHECKPOINT_DIRECTORY,
  type CheckpointState,
  type CheckpointManifest,
  type CheckpointSlot,
  type LoadedCheckpoint,
} from './checkpoint.js';
export { lockRunDirectory, LOCK_FILE, type RunLock, type LockOwner } from './run-lock.js';
export { reproducibleRunFiles } from './reproducible-files.js';
export { METRICS_STREAM, recordsFile, type RecordSeals } from './run-records.js';
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
export { runEpoch, epochMetrics, type EpochLoopOptions, type EpochLoopResult, type EpochSums, type DivergenceGuard } from './epoch-loop.js';
export { trainNetwork, readRunConfig, configText, type TrainOptions, type TrainResult, type StepProgress, type EpochProgress } from './trainer.js';
export { createDataParallelGradients, type DataParallelGradients, type ParallelGradients } from './parallel/data-parallel.js';
