import { usageError } from '@procrustes/core';
import type { ImageSet } from './dataset.js';

export type CifarVariant = 'cifar-10' | 'cifar-100';

const PIXELS = 32 * 32;

/**
 * Parses a CIFAR binary batch: records of [label] (CIFAR-10) or [coarse, fine] (CIFAR-100)
 * followed by 3072 bytes, red then green then blue planes. Images come out NHWC.
 */
export function parseCifar(bytes: Uint8Array, variant: CifarVariant, source: string): ImageSet {
  const labelBytes = variant === 'cifar-10' ? 1 : 2;
  const recordSize = labelBytes + 3 * PIXELS;
  if (bytes.length === 0 || bytes.length % recordSize !== 0) {
    throw usageError(
      `${source}: ${bytes.length} bytes is not a whole number of ${variant} records of ${recordSize} bytes` +
        (bytes.length > 0 && bytes.length % (3 * PIXELS + (3 - labelBytes)) === 0 ? ` (it looks like ${variant === 'cifar-10' ? 'cifar-100' : 'cifar-10'})` : ''),
    );
  }
  const count = bytes.length / recordSize;
  const classes = variant === 'cifar-10' ? 10 : 100;
  const images = new Uint8Array(count * 3 * PIXELS);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const record = r * recordSize;
    const label = bytes[record + labelBytes - 1];
    // CIFAR-100's first byte is the coarse label (20 superclasses): checked, though not used.
    if (variant === 'cifar-100' && bytes[record] >= 20) throw usageError(`${source}: record ${r} has coarse label ${bytes[record]}, outside 0..19`);
    if (label >= classes) throw usageError(`${source}: record ${r} has label ${label}, outside 0..${classes - 1}`);
    labels[r] = label;
    const pixels = record + labelBytes;
    const out = r * 3 * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      images[out + 3 * p] = bytes[pixels + p];
      images[out + 3 * p + 1] = bytes[pixels + PIXELS + p];
      images[out + 3 * p + 2] = bytes[pixels + 2 * PIXELS + p];
    }
  }
  return { images, labels, count, shape: [32, 32, 3] };
}

export function concatImageSets(sets: ImageSet[]): ImageSet {
  const count = sets.reduce((n, s) => n + s.count, 0);
  const images = new Uint8Array(sets.reduce((n, s) => n + s.images.length, 0));
  const labels = new Uint8Array(count);
  let i = 0;
  let l = 0;
  for (const s of sets) {
    images.set(s.images, i);
    labels.set(s.labels, l);
    i += s.images.length;
    l += s.count;
  }
  return { images, labels, count, shape: sets[0].shape };
}
