import type { ProbeRecord } from '@procrustes/probes';
import type { SpectrumRecord } from '@procrustes/spectral';
import { parseRecordStream, type EpochMetrics, type RunConfig } from '@procrustes/train';

export type { ProbeRecord, SpectrumRecord };

/** One line of metrics.jsonl, as the trainer writes it. */
export type EpochRecord = EpochMetrics;

export interface RunRecords {
  directory: string;
  config: RunConfig;
  metrics: EpochRecord[];
  probes: ProbeRecord[];
  spectra: SpectrumRecord[];
}

/** A run's records from the texts of its files (config.json and the JSON Lines files; absent ones empty): a run exported by the page, or files a browser was given. */
export function parseRunRecords(directory: string, files: { config: string; metrics?: string; probes?: string; spectra?: string }): RunRecords {
  return {
    directory,
    config: JSON.parse(files.config) as RunConfig,
    metrics: parseRecordStream<EpochRecord>(files.metrics ?? '', 'metrics.jsonl'),
    probes: parseRecordStream<ProbeRecord>(files.probes ?? '', 'probes.jsonl'),
    spectra: parseRecordStream<SpectrumRecord>(files.spectra ?? '', 'spectra.jsonl'),
  };
}
