import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import { concatImageSets, parseCifar } from './cifar.js';
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

function read(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function readSplit(directory: string, descriptor: DatasetDescriptor, files: DatasetFile[]): ImageSet {
  const paths = files.map((f) => {
    const path = findDatasetFile(directory, f);
    if (!path) throw usageError(`${directory} lacks ${f.name} (or ${f.name}.gz) of ${descriptor.name}`);
    return path;
  });
  if (descriptor.format === 'idx') {
    return imageSetFromIdx(read(paths[0]), read(paths[1]), { images: paths[0], labels: paths[1] }, descriptor.classes);
  }
  return concatImageSets(paths.map((p) => parseCifar(read(p), descriptor.format as 'cifar-10' | 'cifar-100', p)));
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
