import { usageError } from '@procrustes/core';
/**
 * Images NHWC, with integer labels: bytes (pixels 0–255, as the catalogue's sets decode) or
 * floats (a user's own tensors' values, in any units: standardisation uses their statistics).
 */
export interface ImageSet {
  images: Uint8Array | Float32Array;
  labels: Uint8Array | Int32Array;
  count: number;
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
}

export interface ImageDataset {
  name: string;
  classes: number;
  classNames?: readonly string[];
  train: ImageSet;
  test: ImageSet;
  /** Where it was read from (a directory, a cache, or 'embedded'). */
  source: string;
}

/** What one pixel value is divided by before standardisation: 255 for bytes, 1 for floats. */
export const pixelScale = (set: ImageSet): number => (set.images instanceof Uint8Array ? 255 : 1);

/**
 * Checks an image set made by a user: sizes that agree, finite pixel values, labels in
 * [0, classes). Names what is wrong and where.
 */
export function checkImageSet(set: ImageSet, classes: number, what: string): ImageSet {
  const { shape, count, images, labels } = set ?? ({} as ImageSet);
  if (!(images instanceof Uint8Array || images instanceof Float32Array)) throw usageError(`${what}: images must be a Uint8Array (pixels 0–255) or a Float32Array`);
  if (!(labels instanceof Uint8Array || labels instanceof Int32Array)) throw usageError(`${what}: labels must be a Uint8Array or an Int32Array`);
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw usageError(`${what}: shape must be [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`);
  }
  if (!Number.isInteger(count) || count <= 0) throw usageError(`${what}: count must be a positive integer, got ${count}`);
  const size = shape[0] * shape[1] * shape[2];
  if (images.length !== count * size) throw usageError(`${what}: ${count} images of ${shape.join('×')} need ${count * size} values, got ${images.length}`);
  if (labels.length !== count) throw usageError(`${what}: ${count} images need ${count} labels, got ${labels.length}`);
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i]! >= 0 && labels[i]! < classes)) throw usageError(`${what}: label ${labels[i]} of image ${i} is not a class in [0, ${classes})`);
  }
  if (images instanceof Float32Array) {
    for (let i = 0; i < images.length; i++) {
      if (!Number.isFinite(images[i])) throw usageError(`${what}: image ${Math.floor(i / size)} has a non-finite value (${images[i]})`);
    }
  }
  return set;
}

/** The first `count` examples (for quick runs); the same object when count ≥ size. */
export function takeFirst(set: ImageSet, count: number | undefined): ImageSet {
  if (count === undefined || count >= set.count) return set;
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  return { ...set, images: set.images.subarray(0, count * size), labels: set.labels.subarray(0, count), count };
}
