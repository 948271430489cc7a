import { describe, expect, it } from 'vitest';
import { isUsageError, createRandomState, randomInteger, type RandomState } from '@procrustes/core';
import { parseCifar } from './cifar.js';
import { imageSetFromIdx } from './idx-dataset.js';
import { cifarBytes, gzip, idxBytes } from './test-files.js';

// Seeded random truncations and byte flips of valid files: the readers return a consistent
// dataset or a clear usage error; never another exception, a hang, or an inconsistent result.
const CASES = Number(process.env.PROCRUSTES_FUZZ_CASES ?? (process.env.PROCRUSTES_LONG_TESTS ? 50_000 : 3_000));

function mutate(bytes: Uint8Array, state: RandomState): { bytes: Uint8Array; state: RandomState } {
  let s = state;
  const draw = (n: number) => {
    const d = randomInteger(s, n);
    s = d.state;
    return d.value;
  };
  let out = bytes.slice();
  const kind = draw(3);
  if (kind === 0 || kind === 2) out = out.subarray(0, draw(out.length + 1));
  if (kind === 1 || kind === 2) {
    const flips = 1 + draw(4);
    for (let i = 0; i < flips && out.length > 0; i++) out[draw(out.length)] ^= 1 << draw(8);
  }
  return { bytes: out, state: s };
}

function expectValidOrClearError(
  read: () => { count: number; images: Uint8Array | Float32Array; labels: Uint8Array | Int32Array; shape: number[] },
  classes: number,
): 'ok' | 'error' {
  try {
    const set = read();
    expect(set.images.length).toBe(set.count * set.shape.reduce((a, b) => a * b, 1));
    expect(set.labels.length).toBe(set.count);
    for (const label of set.labels) expect(label).toBeLessThan(classes);
    return 'ok';
  } catch (error) {
    if (!isUsageError(error)) throw error;
    expect((error as Error).message.length).toBeGreaterThan(10);
    return 'error';
  }
}

describe(`reader fuzzing (${CASES} cases per format, seeded)`, () => {
  const images = idxBytes(
    [4, 5, 5],
    Uint8Array.from({ length: 100 }, (_, i) => i),
  );
  const labels = idxBytes([4], Uint8Array.from([1, 2, 3, 9]));
  const sources = { images: 'images', labels: 'labels' };

  it('IDX, raw and gzipped', () => {
    let state = createRandomState(1);
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < CASES; i++) {
      const gzipped = i % 2 === 1;
      const target = i % 4 < 2 ? 'images' : 'labels';
      const original = target === 'images' ? images : labels;
      const m = mutate(gzipped ? gzip(original) : original, state);
      state = m.state;
      const read = () =>
        target === 'images' ? imageSetFromIdx(m.bytes, gzipped ? gzip(labels) : labels, sources, 10) : imageSetFromIdx(gzipped ? gzip(images) : images, m.bytes, sources, 10);
      outcomes[expectValidOrClearError(read, 10)]++;
    }
    expect(outcomes.error).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  }, 120_000);

  it('CIFAR-10 and CIFAR-100', () => {
    let state = createRandomState(2);
    const outcomes = { ok: 0, error: 0 };
    const files = { 'cifar-10': cifarBytes([1, 2, 3], 'cifar-10'), 'cifar-100': cifarBytes([4, 50, 99], 'cifar-100') } as const;
    for (let i = 0; i < CASES; i++) {
      const variant = i % 2 === 0 ? 'cifar-10' : 'cifar-100';
      const m = mutate(files[variant], state);
      state = m.state;
      outcomes[expectValidOrClearError(() => parseCifar(m.bytes, variant, 'fuzzed.bin'), variant === 'cifar-10' ? 10 : 100)]++;
    }
    expect(outcomes.error).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  }, 120_000);
});
