import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import { DATASETS, DATASET_NAMES, EMBEDDED_DATASET } from './catalogue.js';
import type { ImageDataset } from './dataset.js';
import { downloadDatasetFile } from './download.js';
import { readEmbeddedDataset } from './embedded.js';
import { missingDatasetFiles, readDatasetDirectory } from './read-directory.js';

export interface LoadDatasetOptions {
  /** An explicit directory: used alone, and an error if it lacks the files. */
  dataDirectory?: string;
  /** Where downloads go and are looked for (default ~/.cache/procrustes/datasets/<name>). */
  cacheDirectory?: string;
  /** Try the canonical download location when nothing local has the files (default true). */
  download?: boolean;
  /** Directories searched after the cache (default: the dataset's system directories). */
  systemDirectories?: string[];
  fetch?: typeof fetch;
  /** Told each place tried, for progress output. */
  log?: (message: string) => void;
}

export function defaultCacheDirectory(name: string): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'procrustes', 'datasets', name);
}

/**
 * Finds and reads a dataset: an explicit directory; the cache; the system directories
 * (Debian's /usr/share/datasets/fashion-mnist); a verified download into the cache. A dataset
 * found nowhere is an error that lists where it looked: the embedded subset is used only when
 * asked for by name (`fashion-mnist-subset`), never in place of another.
 */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<ImageDataset> {
  const log = options.log ?? (() => {});
  if (name === EMBEDDED_DATASET) return await readEmbeddedDataset();
  const descriptor = DATASETS[name];
  if (!descriptor) throw usageError(`unknown dataset '${name}': choose one of ${DATASET_NAMES.join(', ')}`);

  if (options.dataDirectory !== undefined) {
    if (!existsSync(options.dataDirectory)) throw usageError(`data directory ${options.dataDirectory} does not exist`);
    const missing = missingDatasetFiles(options.dataDirectory, descriptor);
    const nestedOk = descriptor.format !== 'idx';
    if (missing.length > 0 && !nestedOk) {
      throw usageError(`data directory ${options.dataDirectory} lacks ${missing.join(', ')} (raw or .gz) of ${name}`);
    }
    return readDatasetDirectory(options.dataDirectory, descriptor);
  }

  const cache = options.cacheDirectory ?? defaultCacheDirectory(name);
  const searched = [cache, ...(options.systemDirectories ?? descriptor.systemDirectories)];
  for (const directory of searched) {
    if (existsSync(directory) && missingDatasetFiles(directory, descriptor).length === 0) {
      log(`${name}: reading ${directory}`);
      return readDatasetDirectory(directory, descriptor);
    }
  }

  const files = [...descriptor.trainFiles, ...descriptor.testFiles];
  let downloadFailure = '';
  if ((options.download ?? true) && files.every((f) => f.url && f.sha256)) {
    try {
      for (const file of files.filter((f) => missingDatasetFiles(cache, { ...descriptor, trainFiles: [f], testFiles: [] }).length > 0)) {
        log(`${name}: downloading ${file.url}`);
        await downloadDatasetFile(file, cache, options.fetch);
      }
      return readDatasetDirectory(cache, descriptor);
    } catch (error) {
      downloadFailure = (error as Error).message;
      log(`${name}: download failed: ${downloadFailure}`);
    }
  }

  const looked = searched.join(', ');
  const howToGet =
    name === 'fashion-mnist'
      ? 'install it (apt-get install dataset-fashion-mnist), put its four IDX files in a directory and pass --data-dir, or train on the embedded 5,000-image subset with --dataset fashion-mnist-subset'
      : `put its files in a directory and pass it with --data-dir, or into ${cache}`;
  throw usageError(
    `${name} was not found (looked in ${looked}${downloadFailure ? `; download failed: ${downloadFailure}` : (options.download ?? true) ? '' : '; downloads off'}): ${howToGet}`,
  );
}
