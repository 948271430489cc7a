import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isUsageError, usageError } from '@procrustes/core';
import { DECOMPRESSED_SIZE_LIMIT, maybeGunzip } from './gzip.js';
import { idxFileSize } from './idx.js';
import { concatImageSets, parseCifar } from './cifar.js';
import { sha256 } from './download.js';
import type { DatasetDescriptor, DatasetFile } from './catalogue.js';
import type { ImageDataset, ImageSet } from './dataset.js';
import { imageSetFromIdx } from './idx-dataset.js';

/** The path of a dataset file in a directory, raw or gzipped, or undefined. */
export function findDatasetFile(directory: string, file: DatasetFile): string | undefined {
  for (const candidate of [file.name, `${file.name}.gz`]) {
    const path = join(directory, candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The files of a dataset missing from a directory (empty when it is complete). */
export function missingDatasetFiles(directory: string, descriptor: DatasetDescriptor): string[] {
  return [...descriptor.trainFiles, ...descriptor.testFiles].filter((f) => !findDatasetFile(directory, f)).map((f) => f.name);
}

/** A dataset file's bytes: a regular file (a link to a device or a pipe would read without end) of a bounded size. */
function read(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw usageError(`${path} is not a regular file (a device, a pipe or a directory): put the dataset's files there`);
    if (stat.size > DECOMPRESSED_SIZE_LIMIT) throw usageError(`${path} has ${stat.size.toLocaleString('en-US')} bytes, more than any dataset file: it is not one`);
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return bytes;
}

/**
 * A dataset file's content, decompressed, and for a file whose official SHA-256 the catalogue
 * knows, verified against it whenever it is read (not only when downloaded).
 */
function readVerified(path: string, file: DatasetFile, descriptor: DatasetDescriptor): Uint8Array {
  const content = maybeGunzip(read(path), path, descriptor.format === 'idx' ? idxFileSize : undefined);
  if (file.sha256) {
    const digest = sha256(content);
    if (digest !== file.sha256)
      throw usageError(
        `${path} is not the official ${file.name} of ${descriptor.name} (its SHA-256 is ${digest}, the official file's ${file.sha256}): it is damaged or another data set; replace it with the official file`,
      );
  }
  return content;
}

function readSplit(directory: string, descriptor: DatasetDescriptor, files: DatasetFile[]): ImageSet {
  const paths = files.map((f) => {
    const path = findDatasetFile(directory, f);
    if (!path) throw usageError(`${directory} lacks ${f.name} (or ${f.name}.gz) of ${descriptor.name}`);
    return path;
  });
  if (descriptor.format === 'idx') {
    return imageSetFromIdx(readVerified(paths[0], files[0], descriptor), readVerified(paths[1], files[1], descriptor), { images: paths[0], labels: paths[1] }, descriptor.classes);
  }
  return concatImageSets(paths.map((p, i) => parseCifar(readVerified(p, files[i], descriptor), descriptor.format as 'cifar-10' | 'cifar-100', p)));
}

/** Reads a whole dataset from one directory, validating every file. */
export function readDatasetDirectory(directory: string, descriptor: DatasetDescriptor): ImageDataset {
  // CIFAR archives unpack into a sub-directory; accept either level.
  const nested = join(directory, descriptor.format === 'cifar-10' ? 'cifar-10-batches-bin' : 'cifar-100-binary');
  const root = descriptor.format !== 'idx' && missingDatasetFiles(directory, descriptor).length > 0 && existsSync(nested) ? nested : directory;
  return {
    name: descriptor.name,
    classes: descriptor.classes,
    classNames: descriptor.classNames,
    train: readSplit(root, descriptor, descriptor.trainFiles),
    test: readSplit(root, descriptor, descriptor.testFiles),
    source: root,
  };
}
