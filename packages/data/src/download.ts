import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import type { DatasetFile } from './catalogue.js';
import { maybeGunzip } from './gzip.js';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Downloads a dataset file into `directory`, verifies the SHA-256 of its decompressed content,
 * and only then renames it into place: a partial or corrupt download is never used.
 */
export async function downloadDatasetFile(
  file: DatasetFile,
  directory: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  if (!file.url || !file.sha256) throw usageError(`${file.name} has no verified download location`);
  const response = await fetchImpl(file.url).catch((error: Error) => {
    throw usageError(`cannot download ${file.url}: ${error.message}`);
  });
  if (!response.ok) throw usageError(`cannot download ${file.url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = sha256(maybeGunzip(bytes, file.url));
  if (digest !== file.sha256) {
    throw usageError(`${file.url}: SHA-256 ${digest} does not match the expected ${file.sha256}; the download was discarded`);
  }
  await mkdir(directory, { recursive: true });
  const target = join(directory, `${file.name}.gz`);
  const partial = `${target}.part-${process.pid}`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return target;
}
