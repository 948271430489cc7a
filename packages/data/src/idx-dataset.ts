import { usageError } from '@procrustes/core';
import type { ImageSet } from './dataset.js';
import { maybeGunzip } from './gzip.js';
import { idxFileSize, parseIdx } from './idx.js';

/** Pairs an IDX image file and an IDX label file into an image set, checking counts and label range. */
export function imageSetFromIdx(imageBytes: Uint8Array, labelBytes: Uint8Array, sources: { images: string; labels: string }, classes: number): ImageSet {
  const images = parseIdx(maybeGunzip(imageBytes, sources.images, idxFileSize), sources.images, 3);
  const labels = parseIdx(maybeGunzip(labelBytes, sources.labels, idxFileSize), sources.labels, 1);
  const [count, height, width] = images.dimensions;
  if (labels.dimensions[0] !== count) {
    throw usageError(`${sources.labels} has ${labels.dimensions[0]} labels but ${sources.images} has ${count} images`);
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i] >= classes) throw usageError(`${sources.labels}: label ${labels.data[i]} at index ${i} is outside 0..${classes - 1}`);
  }
  return { images: images.data, labels: labels.data, count, shape: [height, width, 1] };
}
