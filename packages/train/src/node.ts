// Node-only parts: the run directory (checkpoints, lock, records) and data-parallel worker threads.
export {
  saveCheckpoint,
  loadCheckpoint,
  verifiedCheckpointDirectory,
  readCheckpointWeights,
  insideRunWorkingDirectory,
  configDefinitionSha256,
  hasCheckpoint,
  CheckpointWriteError,
  CHECKPOINT_DIRECTORY,
  PREVIOUS_CHECKPOINT_DIRECTORY,
  type CheckpointState,
  type CheckpointManifest,
  type CheckpointSlot,
  type LoadedCheckpoint,
} from './checkpoint.js';
export { lockRunDirectory, runLockHolder, LOCK_FILE, type RunLock, type LockOwner, type RunLockHolder } from './run-lock.js';
export { reproducibleRunFiles } from './reproducible-files.js';
export { trainNetwork, type TrainOptions, type TrainResult, type StepProgress, type EpochProgress } from './trainer.js';
export { createDataParallelGradients, type DataParallelGradients, type ParallelGradients } from './parallel/data-parallel.js';
export { checkDataFingerprint, imageSetSha256, type DataFingerprint } from './data-fingerprint.js';
export { readRunConfig, readRecordStream, readRun, CONFIG_FILE } from './read-run.js';
export { prepareRunDirectory } from './prepare-run-directory.js';
