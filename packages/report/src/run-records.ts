import type { EpochMetrics } from '@procrustes/train';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of metrics.jsonl, as the trainer writes it. */
export type EpochRecord = EpochMetrics;

export interface ProbeRecord {
  step: number;
  epoch: number;
  loss: number;
  delta: number;
  units: Array<{ index: number; kind: string; downsamples?: boolean; ratioMean: number; median: number; p5: number; p95: number; delta: number; forwardMean: number }>;
}

export interface SpectrumRecord {
  epoch: number;
  step: number;
  targets: Array<{ name: string; largest: number; smallest: number; target?: number }>;
}

export interface RunRecords {
  directory: string;
  config: Record<string, unknown> & { model?: string; dataset?: string };
  metrics: EpochRecord[];
  probes: ProbeRecord[];
  spectra: SpectrumRecord[];
}

function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return []; // a line cut short by a crash: the rest of the run still reports
      }
    });
}

/** Reads what a run directory holds: config.json, metrics.jsonl, probes.jsonl, spectra.jsonl. */
export function readRunRecords(directory: string): RunRecords {
  const configPath = join(directory, 'config.json');
  if (!existsSync(configPath)) {
    const error = new Error(`${directory} is not a run directory (no config.json)`);
    error.name = 'ProcrustesUsageError';
    throw error;
  }
  return {
    directory,
    config: JSON.parse(readFileSync(configPath, 'utf8')),
    metrics: readJsonLines<EpochRecord>(join(directory, 'metrics.jsonl')),
    probes: readJsonLines<ProbeRecord>(join(directory, 'probes.jsonl')),
    spectra: readJsonLines<SpectrumRecord>(join(directory, 'spectra.jsonl')),
  };
}
