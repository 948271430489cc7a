import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE } from './run-lock.js';

const TIMING_FIELDS = /"(seconds|imagesPerSecond|peakRssMegabytes)": ?[-\d.e+]+/g;

/**
 * Every file of a run directory (but its lock), as text (weights.bin as base64), with what
 * differs between two runs of the same config — the timing and memory fields, and the checksums and
 * lengths that cover them (state.json's and metrics.jsonl's in the manifests) — taken out. Two
 * runs that computed the same thing give equal results: for checking that an interrupted and
 * resumed run reproduced an uninterrupted one.
 */
export function reproducibleRunFiles(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(directory, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : join(relative, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'weights.bin') files[path] = readFileSync(join(directory, path)).toString('base64');
      else if (path !== LOCK_FILE) files[path] = readFileSync(join(directory, path), 'utf8').replace(TIMING_FIELDS, '"$1":0');
    }
  };
  walk('');
  for (const name of Object.keys(files).filter((f) => f.endsWith('manifest.json'))) {
    const manifest = JSON.parse(files[name]) as { files: Record<string, string>; records: Record<string, unknown> };
    delete manifest.files['state.json'];
    delete manifest.records['metrics.jsonl'];
    files[name] = JSON.stringify(manifest);
  }
  return files;
}
