export { createSgdState, sgdUpdate, disposeSgdState, type SgdOptions, type SgdState } from './sgd.js';
export { learningRateAt, parseSchedule, type LearningRateSchedule } from './schedule.js';
export type { RunConfig, EpochMetrics } from './run-config.js';
export { saveCheckpoint, loadCheckpoint, CheckpointWriteError, checkpointDirectory, CHECKPOINT_DIRECTORY, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';
export { evaluate, type Evaluation } from './evaluate.js';
export { trainNetwork, NonFiniteError, type TrainOptions, type TrainResult, type StepProgress, type EpochProgress } from './trainer.js';
export { createDataParallelGradients, type DataParallelGradients, type ParallelGradients } from './parallel/data-parallel.js';
