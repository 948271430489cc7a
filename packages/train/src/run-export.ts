import { METRICS_STREAM, recordsFile } from './record-files.js';
import { recordLines } from './record-stream.js';
import { configText, type EpochMetrics, type RunConfig } from './run-config.js';

/** One file of an exported run. */
export interface RunFile {
  name: string;
  type: string;
  data: string | ArrayBuffer;
}

/**
 * A run as the files of a run directory, for a client without a file system (the browser
 * page's export): config.json as the trainer writes it, each record stream as JSON Lines, and
 * the weights (model.json and weights.bin) when given. Readers of run directories read it.
 */
export function runFiles(run: {
  config: RunConfig;
  metrics: EpochMetrics[];
  /** Other record streams by name (e.g. probes), in their order. */
  streams?: Record<string, object[]>;
  weights?: { modelJson: object; shard: Uint8Array };
}): RunFile[] {
  const files: RunFile[] = [{ name: 'config.json', type: 'application/json', data: configText(run.config) }];
  if (run.weights) {
    const { modelJson, shard } = run.weights;
    files.push(
      { name: 'model.json', type: 'application/json', data: JSON.stringify(modelJson, null, 1) },
      { name: 'weights.bin', type: 'application/octet-stream', data: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer },
    );
  }
  for (const [stream, records] of [[METRICS_STREAM, run.metrics] as const, ...Object.entries(run.streams ?? {})]) {
    files.push({ name: recordsFile(stream), type: 'application/x-ndjson', data: recordLines(records) });
  }
  return files;
}
