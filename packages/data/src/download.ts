import { createHash } from 'node:crypto';
import { makeDirectory } from '@procrustes/core/node';
import { existsSync, statSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import type { DatasetFile } from './catalogue.js';
import { maybeGunzip } from './gzip.js';
import { idxFileSize } from './idx.js';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Downloads a dataset file into `directory`, resuming a partial download left by an earlier
 * attempt (HTTP Range), verifies the SHA-256 of its decompressed content, and only then renames
 * it into place: a partial or corrupt download is never used.
 */
export async function downloadDatasetFile(file: DatasetFile, directory: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  if (!file.url || !file.sha256) throw usageError(`${file.name} has no verified download location`);
  makeDirectory(directory);
  const target = join(directory, `${file.name}.gz`);
  const partial = `${target}.part`;
  const have = existsSync(partial) ? statSync(partial).size : 0;
  const response = await fetchImpl(file.url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : undefined).catch((error: Error) => {
    throw usageError(`cannot download ${file.url}: ${error.message}`);
  });
  if (!response.ok) throw usageError(`cannot download ${file.url}: HTTP ${response.status}`);
  // 206: the server continues where the partial file ends; 200: it sends everything again.
  const append = response.status === 206 && have > 0;
  // Streamed to disk as it arrives, so that a connection that drops leaves what came.
  const handle = await open(partial, append ? 'a' : 'w');
  try {
    if (!response.body) throw new Error('empty response');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) await handle.write(chunk);
  } catch (error) {
    throw usageError(`download of ${file.url} broke off (${(error as Error).message}); run again to resume it`);
  } finally {
    await handle.close();
  }
  const bytes = new Uint8Array(await readFile(partial));
  let digest = '';
  try {
    digest = sha256(maybeGunzip(bytes, file.url, idxFileSize));
  } catch {
    digest = 'unreadable';
  }
  if (digest !== file.sha256) {
    await rm(partial, { force: true });
    throw usageError(`${file.url}: SHA-256 ${digest} does not match the expected ${file.sha256}; the download was discarded`);
  }
  await rename(partial, target);
  return target;
}
