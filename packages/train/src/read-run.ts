import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import { METRICS_STREAM, recordsFile } from './record-files.js';
import { parseRecordStream } from './record-stream.js';
import type { EpochMetrics, RunConfig } from './run-config.js';

/** The run's configuration file. */
export const CONFIG_FILE = 'config.json';

/** Reads the run's config.json, with an error that says what to do when it is missing or not JSON. */
export function readRunConfig(runDirectory: string): RunConfig {
  const path = join(runDirectory, CONFIG_FILE);
  if (!existsSync(path)) throw usageError(`${runDirectory} is not a run directory (no ${CONFIG_FILE}): check the path, or start a new run there`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunConfig;
  } catch (error) {
    throw usageError(`${path} is not valid JSON (${(error as Error).message}): restore it, or start the run over with --force`);
  }
}

/** The records of one stream of a run (none when the run has not written it); a cut last line is left out. */
export function readRecordStream<T>(runDirectory: string, stream: string): T[] {
  const path = join(runDirectory, recordsFile(stream));
  return existsSync(path) ? parseRecordStream<T>(readFileSync(path, 'utf8'), path) : [];
}

/** A run directory's config and epoch metrics; other streams through `readRecordStream` with their plugin's type. */
export function readRun(runDirectory: string): { directory: string; config: RunConfig; metrics: EpochMetrics[] } {
  return { directory: runDirectory, config: readRunConfig(runDirectory), metrics: readRecordStream<EpochMetrics>(runDirectory, METRICS_STREAM) };
}
