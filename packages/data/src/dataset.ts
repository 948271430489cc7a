/** Images as bytes, NHWC, with integer labels. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
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

/** The first `count` examples (for quick runs); the same object when count ≥ size. */
export function takeFirst(set: ImageSet, count: number | undefined): ImageSet {
  if (count === undefined || count >= set.count) return set;
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  return { ...set, images: set.images.subarray(0, count * size), labels: set.labels.subarray(0, count), count };
}
