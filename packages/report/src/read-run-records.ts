import { PROBES_STREAM, type ProbeRecord } from '@procrustes/probes';
import { SPECTRA_STREAM, type SpectrumRecord } from '@procrustes/spectral';
import { readRecordStream, readRun } from '@procrustes/train/node';
import type { RunRecords } from './run-records.js';

/** Reads what a run directory holds: its config, metrics, probes and spectra (absent streams empty). */
export function readRunRecords(directory: string): RunRecords {
  return { ...readRun(directory), probes: readRecordStream<ProbeRecord>(directory, PROBES_STREAM), spectra: readRecordStream<SpectrumRecord>(directory, SPECTRA_STREAM) };
}
