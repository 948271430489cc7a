import type { EpochMetrics } from '@procrustes/train';

/** One line of metrics.jsonl, as the trainer writes it. */
export type EpochRecord = EpochMetrics;

export interface ProbeRecord {
  step: number;
  epoch: number;
  loss: number;
  delta: number;
  units: Array<{
    index: number;
    kind: string;
    downsamples?: boolean;
    ratioMean: number;
    batchRatio?: number;
    median: number;
    p5: number;
    p95: number;
    delta: number;
    forwardMean: number;
  }>;
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

/** Parses JSON Lines; a last line cut short by a crash is skipped, so the rest of the run still reports. */
export function parseJsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return [];
      }
    });
}

/** A run's records from the texts of its files (config.json and the JSON Lines files; absent ones empty). */
export function parseRunRecords(directory: string, files: { config: string; metrics?: string; probes?: string; spectra?: string }): RunRecords {
  return {
    directory,
    config: JSON.parse(files.config),
    metrics: parseJsonLines<EpochRecord>(files.metrics ?? ''),
    probes: parseJsonLines<ProbeRecord>(files.probes ?? ''),
    spectra: parseJsonLines<SpectrumRecord>(files.spectra ?? ''),
  };
}
