import { createRandomState, randomInteger, randomPermutation, tf, usageError, type RandomState } from '@procrustes/core';
import { type ImageSet, pixelScale } from './dataset.js';
import type { ChannelStatistics } from './standardize.js';

export interface Augmentation {
  /** Zero padding before a random crop back to the original size (the paper: 4; 0 = no crop). */
  pad: number;
  /** Random horizontal flips. */
  flip: boolean;
}

export interface BatchOptions {
  batchSize: number;
  statistics: ChannelStatistics;
  /** Shuffle and augment with a generator seeded by (seed, epoch), so any epoch can be replayed exactly. */
  shuffle?: boolean;
  seed?: number;
  epoch?: number;
  augmentation?: Augmentation;
  /** Drop a last partial batch (training); keep it (evaluation). */
  dropLast?: boolean;
}

export interface HostBatch {
  inputs: Float32Array;
  labels: Int32Array;
  size: number;
}

export function batchCount(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

function epochState(seed: number, epoch: number): RandomState {
  return createRandomState((Math.imul(seed | 0, 1_000_003) + epoch) | 0);
}

/**
 * Standardised, optionally augmented batches as host arrays, in a seeded order. Pure: the same
 * set, options and epoch give the same batches.
 */
export function* hostBatches(set: ImageSet, options: BatchOptions): Generator<HostBatch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw usageError(`batch size must be a positive integer, got ${batchSize}`);
  const [height, width, channels] = set.shape;
  const imageSize = height * width * channels;
  let state = epochState(options.seed ?? 0, options.epoch ?? 0);
  let order: Uint32Array;
  if (options.shuffle) {
    const drawn = randomPermutation(state, set.count);
    order = drawn.permutation;
    state = drawn.state;
  } else {
    order = Uint32Array.from({ length: set.count }, (_, i) => i);
  }
  const scale = options.statistics.std.map((s) => 1 / (pixelScale(set) * s));
  const shift = options.statistics.mean.map((m, c) => -m / options.statistics.std[c]);
  const pad = options.augmentation?.pad ?? 0;
  const flip = options.augmentation?.flip ?? false;
  const batches = batchCount(set.count, batchSize, options.dropLast);
  for (let b = 0; b < batches; b++) {
    const size = Math.min(batchSize, set.count - b * batchSize);
    const inputs = new Float32Array(size * imageSize);
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const index = order[b * batchSize + i];
      labels[i] = set.labels[index];
      let offsetY = 0;
      let offsetX = 0;
      let mirrored = false;
      if (pad > 0) {
        let drawn = randomInteger(state, 2 * pad + 1);
        offsetY = drawn.value - pad;
        drawn = randomInteger(drawn.state, 2 * pad + 1);
        offsetX = drawn.value - pad;
        state = drawn.state;
      }
      if (flip) {
        const drawn = randomInteger(state, 2);
        mirrored = drawn.value === 1;
        state = drawn.state;
      }
      const source = index * imageSize;
      const target = i * imageSize;
      for (let y = 0; y < height; y++) {
        const sy = y + offsetY;
        for (let x = 0; x < width; x++) {
          const sx = (mirrored ? width - 1 - x : x) + offsetX;
          const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
          for (let c = 0; c < channels; c++) {
            // Padding is zero in pixel space, i.e. before standardisation.
            const pixel = inside ? set.images[source + (sy * width + sx) * channels + c] : 0;
            inputs[target + (y * width + x) * channels + c] = pixel * scale[c] + shift[c];
          }
        }
      }
    }
    yield { inputs, labels, size };
  }
}

/** A host batch as tensors on the active backend; the caller disposes them. */
export function batchTensors(batch: HostBatch, shape: readonly [number, number, number]): { inputs: tf.Tensor4D; labels: tf.Tensor1D } {
  return {
    inputs: tf.tensor4d(batch.inputs, [batch.size, shape[0], shape[1], shape[2]]),
    labels: tf.tensor1d(batch.labels, 'int32'),
  };
}
