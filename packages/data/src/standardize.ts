import { type ImageSet, pixelScale } from './dataset.js';

/** Per-channel mean and standard deviation of pixel values (bytes scaled to [0, 1], floats as they are). */
export interface ChannelStatistics {
  mean: number[];
  std: number[];
}

/** Statistics of a (training) set, for standardisation of every split. */
export function channelStatistics(set: ImageSet): ChannelStatistics {
  const channels = set.shape[2];
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  const scale = pixelScale(set);
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] / scale;
    sum[i % channels] += v;
    squares[i % channels] += v * v;
  }
  const n = set.images.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(squares, (s, c) => Math.sqrt(Math.max(s / n - mean[c] ** 2, 1e-12)));
  return { mean, std };
}
