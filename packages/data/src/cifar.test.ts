import { describe, expect, it } from 'vitest';
import { concatImageSets, parseCifar } from './cifar.js';
import { cifarBytes } from './test-files.js';

describe('CIFAR binary reader', () => {
  it('reads CIFAR-10 records into NHWC images with labels', () => {
    const set = parseCifar(cifarBytes([3, 7], 'cifar-10'), 'cifar-10', 'data_batch_1.bin');
    expect(set.count).toBe(2);
    expect(set.shape).toEqual([32, 32, 3]);
    expect(Array.from(set.labels)).toEqual([3, 7]);
    // record 1: red plane 10, green 11, blue 12
    expect(Array.from(set.images.subarray(3072, 3075))).toEqual([10, 11, 12]);
  });

  it('reads the fine label of CIFAR-100', () => {
    const set = parseCifar(cifarBytes([42, 99], 'cifar-100'), 'cifar-100', 'train.bin');
    expect(Array.from(set.labels)).toEqual([42, 99]);
  });

  it('rejects files of the wrong length, saying which variant they look like', () => {
    expect(() => parseCifar(cifarBytes([1, 2], 'cifar-10').subarray(1), 'cifar-10', 'b.bin')).toThrow(/b\.bin: 6145 bytes is not a whole number of cifar-10 records of 3073 bytes/);
    expect(() => parseCifar(cifarBytes([1, 2], 'cifar-100'), 'cifar-10', 'c.bin')).toThrow(/it looks like cifar-100/);
    expect(() => parseCifar(new Uint8Array(0), 'cifar-10', 'e.bin')).toThrow(/0 bytes/);
  });

  it('rejects labels out of range', () => {
    expect(() => parseCifar(cifarBytes([10], 'cifar-10'), 'cifar-10', 'l.bin')).toThrow(/l\.bin: record 0 has label 10, outside 0\.\.9/);
  });

  it('concatenates batches', () => {
    const a = parseCifar(cifarBytes([1], 'cifar-10'), 'cifar-10', 'a');
    const b = parseCifar(cifarBytes([2, 3], 'cifar-10'), 'cifar-10', 'b');
    expect(Array.from(concatImageSets([a, b]).labels)).toEqual([1, 2, 3]);
  });
});
