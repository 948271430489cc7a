// The names of a run's records files, shared by the trainer and by readers of run directories.

/** The trainer's own stream: one line per finished epoch. */
export const METRICS_STREAM = 'metrics';

/** Length and SHA-256 of each records file when a checkpoint was taken, by file name. */
export type RecordSeals = Record<string, { bytes: number; sha256: string }>;

export const recordsFile = (stream: string): string => `${stream}.jsonl`;
