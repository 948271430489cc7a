import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Starts a new measurement of the process's peak resident memory, so that a process that runs
 * several runs (a study) reports each run's own peak. Linux ≥ 4.0 (writing 5 to clear_refs);
 * false where that is not possible, and the peak is then the process's.
 */
export function resetPeakResidentMemory(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The peak resident memory since the last reset (or since the process started), worker threads included, in MB. */
export function peakResidentMegabytes(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Math.round(Number(match[1]) / 1024);
  } catch {
    // not Linux: the process's peak
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
