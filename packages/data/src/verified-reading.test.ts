import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCifar } from './cifar.js';
import { maybeGunzip } from './gzip.js';
import { idxFileSize, parseIdx } from './idx.js';
import { loadDataset } from './locate.js';
import { cifarBytes, gzip, idxBytes } from './test-files.js';

const OFFICIAL_LABELS = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';

function writeIdxDataset(directory: string, files: Partial<Record<string, Uint8Array>> = {}): void {
  mkdirSync(directory, { recursive: true });
  const all: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxBytes([4, 28, 28], new Uint8Array(4 * 784).fill(7)),
    'train-labels-idx1-ubyte': idxBytes([4], Uint8Array.from([0, 1, 2, 3])),
    't10k-images-idx3-ubyte': idxBytes([2, 28, 28], new Uint8Array(2 * 784)),
    't10k-labels-idx1-ubyte': idxBytes([2], Uint8Array.from([1, 2])),
  };
  for (const [name, bytes] of Object.entries({ ...all, ...files })) writeFileSync(join(directory, `${name}.gz`), gzip(bytes as Uint8Array));
}

/** Every single-bit flip of a gzip file: each is an error, or decodes to exactly the original (a flip in the header's time stamp). */
function flipsDecodedDifferently(file: Uint8Array, flips: number): number {
  const original = parseIdx(maybeGunzip(file, 'original', idxFileSize), 'original');
  let silent = 0;
  for (let k = 0; k < flips; k++) {
    const damaged = file.slice();
    const bit = (k * 7919) % (8 * damaged.length); // spread over the whole file
    damaged[bit >> 3] ^= 1 << (bit & 7);
    try {
      const decoded = parseIdx(maybeGunzip(damaged, 'damaged', idxFileSize), 'damaged');
      if (Buffer.compare(Buffer.from(decoded.data), Buffer.from(original.data)) !== 0) silent++;
    } catch {
      // refused: what damaged data must be
    }
  }
  return silent;
}

describe('reading dataset files: damaged, forged or hostile files are refused, never decoded into data', () => {
  it('no single-bit flip of gzip data decodes to other labels (the trailer CRC-32 and length are checked)', () => {
    const labels = gzipSync(
      idxBytes(
        [2000],
        Uint8Array.from({ length: 2000 }, (_, i) => (i * 7) % 10),
      ),
    );
    expect(flipsDecodedDifferently(labels, 2000)).toBe(0);
  });

  it.skipIf(!existsSync(OFFICIAL_LABELS))('no single-bit flip of the official t10k-labels-idx1-ubyte.gz decodes to other labels (needs dataset-fashion-mnist)', () => {
    expect(flipsDecodedDifferently(new Uint8Array(readFileSync(OFFICIAL_LABELS)), 2000)).toBe(0);
  });

  it('reads a file named as an official Fashion-MNIST file only if it is that file (SHA-256), wherever it is read from', async () => {
    const root = mkdtempSync(join(tmpdir(), 'verified-'));
    writeIdxDataset(join(root, 'synthetic'));
    await expect(loadDataset('fashion-mnist', { dataDirectory: join(root, 'synthetic') })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz is not the official train-images-idx3-ubyte of fashion-mnist \(its SHA-256 is [0-9a-f]{64}, the official file's c59f468a.*replace it with the official file/,
    );
    await expect(loadDataset('fashion-mnist', { download: false, cacheDirectory: join(root, 'synthetic'), systemDirectories: [] })).rejects.toThrow(/is not the official/);
  });

  it('refuses a gzip bomb once it decompresses past what its IDX header announces, before it exhausts memory', () => {
    // A label file announcing 10 labels, followed by 200 MB of zeros (compresses to ~200 kB).
    const body = new Uint8Array(200 * 2 ** 20);
    body.set(idxBytes([10], new Uint8Array(10)));
    const bomb = gzipSync(body, { level: 9 });
    expect(bomb.length).toBeLessThan(1 << 20);
    const before = process.memoryUsage().rss;
    expect(() => maybeGunzip(bomb, 'bomb.gz', idxFileSize)).toThrow(/bomb\.gz: decompresses to more than 18 bytes, what its header announces/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('refuses a dataset file that is a link to a device, which would read without end', async () => {
    const root = mkdtempSync(join(tmpdir(), 'device-'));
    writeIdxDataset(join(root, 'linked'));
    const labels = join(root, 'linked', 't10k-labels-idx1-ubyte');
    symlinkSync('/dev/zero', labels);
    await expect(loadDataset('mnist', { dataDirectory: join(root, 'linked') })).rejects.toThrow(/t10k-labels-idx1-ubyte is not a regular file \(a device, a pipe or a directory\)/);
  });

  it("checks CIFAR-100's coarse label, and does not call an empty file the other variant", () => {
    const records = cifarBytes([3], 'cifar-100');
    records[0] = 150;
    expect(() => parseCifar(records, 'cifar-100', 'train.bin')).toThrow(/train\.bin: record 0 has coarse label 150, outside 0\.\.19/);
    expect(() => parseCifar(new Uint8Array(0), 'cifar-10', 'data_batch_1.bin')).toThrow(/0 bytes is not a whole number of cifar-10 records of 3073 bytes$/);
  });
});
