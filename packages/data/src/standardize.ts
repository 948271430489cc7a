import type { ImageSet } from './dataset.js';

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
export interface ChannelStatistics {
  mean: number[];
  std: number[];
}

/** Statistics of a (training) set, for standardisation of every split. */
export function channelStatistics(set: ImageSet): ChannelStatistics {
  const channels = set.shape[2];
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] / 255;
    sum[i % channels] += v;
    squares[i % channels] += v * v;
  }
  const n = set.images.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(squares, (s, c) => Math.sqrt(Math.max(s / n - mean[c] ** 2, 1e-12)));
  return { mean, std };
}
