import { describe, expect, it } from 'vitest';
import { imageSetFromIdx } from './idx-dataset.js';
import { parseIdx } from './idx.js';
import { gzip, idxBytes } from './test-files.js';

const images = idxBytes(
  [3, 2, 2],
  Uint8Array.from({ length: 12 }, (_, i) => i),
);
const labels = idxBytes([3], Uint8Array.from([0, 9, 4]));
const sources = { images: 'images.idx', labels: 'labels.idx' };

describe('IDX reader', () => {
  it('reads raw and gzipped files', () => {
    for (const [i, l] of [
      [images, labels],
      [gzip(images), gzip(labels)],
    ]) {
      const set = imageSetFromIdx(i, l, sources, 10);
      expect(set.count).toBe(3);
      expect(set.shape).toEqual([2, 2, 1]);
      expect(Array.from(set.labels)).toEqual([0, 9, 4]);
      expect(set.images[11]).toBe(11);
    }
  });

  it('rejects a wrong magic number, element type or rank, naming the file', () => {
    const wrongMagic = images.slice();
    wrongMagic[0] = 0x1a;
    expect(() => parseIdx(wrongMagic, 'a.idx')).toThrow(/a\.idx: not an IDX file \(magic number 0x1a/);
    expect(() => parseIdx(idxBytes([2], new Float32Array(2) as never, 0x0d), 'f.idx')).toThrow(/f\.idx: IDX element type 0xd is not supported/);
    expect(() => imageSetFromIdx(labels, labels, sources, 10)).toThrow(/images\.idx: IDX rank 1, expected 3/);
  });

  it('rejects truncated files, trailing bytes and short headers', () => {
    expect(() => parseIdx(images.subarray(0, images.length - 1), 't.idx')).toThrow(/t\.idx: truncated: the header announces 12 bytes of data, the file has 11/);
    expect(() => parseIdx(new Uint8Array([...images, 7]), 'x.idx')).toThrow(/1 unexpected bytes/);
    expect(() => parseIdx(images.subarray(0, 6), 'h.idx')).toThrow(/truncated IDX header/);
    expect(() => parseIdx(new Uint8Array(2), 's.idx')).toThrow(/too short/);
  });

  it('rejects mismatched counts and labels out of range', () => {
    expect(() => imageSetFromIdx(images, idxBytes([2], Uint8Array.from([0, 1])), sources, 10)).toThrow(/labels\.idx has 2 labels but images\.idx has 3 images/);
    expect(() => imageSetFromIdx(images, idxBytes([3], Uint8Array.from([0, 10, 1])), sources, 10)).toThrow(/label 10 at index 1 is outside 0\.\.9/);
  });

  it('rejects damaged gzip data', () => {
    const damaged = gzip(images);
    damaged.fill(0xff, 12, 30);
    expect(() => imageSetFromIdx(damaged, labels, sources, 10)).toThrow(/images\.idx: (damaged gzip data|not an IDX|truncated|IDX)/);
    expect(() => imageSetFromIdx(gzip(images).subarray(0, 20), labels, sources, 10)).toThrow(/images\.idx: damaged gzip data/);
  });
});
