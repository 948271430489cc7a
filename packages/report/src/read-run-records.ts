import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import { parseRunRecords, type RunRecords } from './run-records.js';

const readIfPresent = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** Reads what a run directory holds: config.json, metrics.jsonl, probes.jsonl, spectra.jsonl. */
export function readRunRecords(directory: string): RunRecords {
  const config = readIfPresent(join(directory, 'config.json'));
  if (config === undefined) throw usageError(`${directory} is not a run directory (no config.json)`);
  return parseRunRecords(directory, {
    config,
    metrics: readIfPresent(join(directory, 'metrics.jsonl')),
    probes: readIfPresent(join(directory, 'probes.jsonl')),
    spectra: readIfPresent(join(directory, 'spectra.jsonl')),
  });
}
