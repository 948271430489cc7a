import { existsSync, statSync } from 'node:fs';
import { appendFile, open, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginRecord } from '@procrustes/core';
import { sha256OfFile } from './hashing.js';

import { METRICS_STREAM, recordsFile, type RecordSeals } from './record-files.js';
import { recordLines } from './record-stream.js';

export { METRICS_STREAM, recordsFile, type RecordSeals } from './record-files.js';

/** Appends records as JSON Lines, grouped by stream, in their order. */
export async function appendRecords(runDirectory: string, records: PluginRecord[]): Promise<void> {
  const byStream = new Map<string, object[]>();
  for (const r of records) byStream.set(r.stream, [...(byStream.get(r.stream) ?? []), r.record]);
  for (const [stream, streamRecords] of byStream) await appendFile(join(runDirectory, recordsFile(stream)), recordLines(streamRecords));
}

/** Seals of the streams' files as they are now (flushed to disk first); a missing file seals as empty. */
export async function sealRecords(runDirectory: string, streams: string[]): Promise<RecordSeals> {
  const seals: RecordSeals = {};
  for (const stream of streams) {
    const path = join(runDirectory, recordsFile(stream));
    if (!existsSync(path)) {
      seals[recordsFile(stream)] = { bytes: 0, sha256: await sha256OfFile(path, 0) };
      continue;
    }
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const bytes = statSync(path).size;
    seals[recordsFile(stream)] = { bytes, sha256: await sha256OfFile(path, bytes) };
  }
  return seals;
}

/** Why the records do not match their seals (a file shortened or its sealed part edited), or undefined. */
export async function verifyRecordSeals(runDirectory: string, seals: RecordSeals): Promise<string | undefined> {
  for (const [file, seal] of Object.entries(seals)) {
    const path = join(runDirectory, file);
    const size = existsSync(path) ? statSync(path).size : 0;
    if (size < seal.bytes) return `${file} is shorter (${size} bytes) than when the checkpoint was written (${seal.bytes} bytes)`;
    if ((await sha256OfFile(path, seal.bytes)) !== seal.sha256) return `the first ${seal.bytes} bytes of ${file} were changed after the checkpoint was written`;
  }
  return undefined;
}

/**
 * Cuts each stream's file back to its sealed length, and removes the files of streams the
 * checkpoint had not sealed: after this, the records are exactly those of the steps the
 * checkpoint holds, and the resumed run appends what an uninterrupted run would have.
 */
export async function truncateRecords(runDirectory: string, seals: RecordSeals, streams: string[]): Promise<void> {
  for (const stream of [...new Set([METRICS_STREAM, ...streams])]) {
    const file = recordsFile(stream);
    const path = join(runDirectory, file);
    const seal = seals[file];
    if (!seal || seal.bytes === 0) await rm(path, { force: true });
    else await truncate(path, seal.bytes);
  }
}
