import { describe, expect, it } from 'vitest';
import { hostBatches } from './batches.js';
import type { ImageSet } from './dataset.js';
import { channelStatistics } from './standardize.js';

const set: ImageSet = {
  images: Uint8Array.from({ length: 10 * 4 * 4 * 2 }, (_, i) => (i * 37) % 256),
  labels: Uint8Array.from({ length: 10 }, (_, i) => i),
  count: 10,
  shape: [4, 4, 2],
};
const statistics = channelStatistics(set);

describe('batches', () => {
  it('standardises to zero mean and unit variance per channel', () => {
    const [batch] = [...hostBatches(set, { batchSize: 10, statistics })];
    for (const c of [0, 1]) {
      const values = Array.from(batch.inputs).filter((_, i) => i % 2 === c);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
  });

  it('replays the same shuffled, augmented epoch from (seed, epoch) and differs across epochs', () => {
    const options = { batchSize: 4, statistics, shuffle: true, seed: 3, augmentation: { pad: 1, flip: true }, dropLast: true };
    const a = [...hostBatches(set, { ...options, epoch: 2 })];
    const b = [...hostBatches(set, { ...options, epoch: 2 })];
    const c = [...hostBatches(set, { ...options, epoch: 3 })];
    expect(a).toHaveLength(2);
    expect(a.map((x) => Array.from(x.inputs))).toEqual(b.map((x) => Array.from(x.inputs)));
    expect(a.map((x) => Array.from(x.labels))).not.toEqual(c.map((x) => Array.from(x.labels)));
  });

  it('keeps a last partial batch for evaluation and covers every example once', () => {
    const batches = [...hostBatches(set, { batchSize: 4, statistics })];
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => Array.from(b.labels))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('crops within the padded image: a shifted crop moves pixels and fills zeros', () => {
    const one: ImageSet = { images: Uint8Array.from({ length: 9 }, (_, i) => i + 1), labels: new Uint8Array(1), count: 1, shape: [3, 3, 1] };
    const flat = { mean: [0], std: [1 / 255] }; // identity standardisation
    const seen = new Set<string>();
    for (let epoch = 0; epoch < 40; epoch++) {
      const [b] = [...hostBatches(one, { batchSize: 1, statistics: flat, shuffle: true, seed: 1, epoch, augmentation: { pad: 1, flip: false } })];
      seen.add(Array.from(b.inputs).join(','));
    }
    expect(seen.has('1,2,3,4,5,6,7,8,9')).toBe(true);
    expect(seen.has('0,0,0,0,1,2,0,4,5')).toBe(true);
    expect(seen.size).toBe(9);
  });
});
