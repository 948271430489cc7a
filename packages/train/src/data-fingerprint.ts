import { createHash } from 'node:crypto';
import { usageError } from '@procrustes/core';
import type { ImageSet } from '@procrustes/data';
import type { RunConfig } from './run-config.js';

/** What a run's data is: the SHA-256 of the decoded images and labels it trains and is tested on (after the limits). */
export interface DataFingerprint {
  train: string;
  test: string;
}

/** SHA-256 of an image set as decoded: its count and shape, its pixels, its labels. */
export function imageSetSha256(set: ImageSet): string {
  return createHash('sha256')
    .update(JSON.stringify({ count: set.count, shape: set.shape }))
    .update(set.images.subarray(0, set.count * set.shape[0] * set.shape[1] * set.shape[2]))
    .update(set.labels.subarray(0, set.count))
    .digest('hex');
}

/**
 * Refuses data that is not the data the run recorded when it started (files replaced under the
 * same directory), naming the split. A run from before fingerprints were recorded has none to
 * check against.
 */
export function checkDataFingerprint(config: RunConfig, sets: { train?: ImageSet; test: ImageSet }, what: string): void {
  const recorded = config.dataFingerprint;
  if (!recorded) return;
  for (const split of ['train', 'test'] as const) {
    const set = sets[split];
    if (!set) continue;
    const now = imageSetSha256(set);
    if (now !== recorded[split])
      throw usageError(
        `cannot ${what}: the ${split} data of ${config.dataset}${config.dataDirectory ? ` in ${config.dataDirectory}` : ''} is not the data this run was trained on ` +
          `(SHA-256 of its ${set.count} images and labels ${now.slice(0, 16)}…, config.json records ${recorded[split].slice(0, 16)}…): restore the run's data, or start a new run on this data`,
      );
  }
}
