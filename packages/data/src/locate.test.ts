import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from './catalogue.js';
import { sha256 } from './download.js';
import { loadDataset } from './locate.js';
import { cifarBytes, gzip, idxBytes } from './test-files.js';

function writeIdxDataset(directory: string, count: number, gzipped: boolean): void {
  mkdirSync(directory, { recursive: true });
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxBytes([count, 28, 28], new Uint8Array(count * 784).fill(7)),
    'train-labels-idx1-ubyte': idxBytes(
      [count],
      Uint8Array.from({ length: count }, (_, i) => i % 10),
    ),
    't10k-images-idx3-ubyte': idxBytes([2, 28, 28], new Uint8Array(2 * 784)),
    't10k-labels-idx1-ubyte': idxBytes([2], Uint8Array.from([1, 2])),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(directory, gzipped ? `${name}.gz` : name), gzipped ? gzip(bytes) : bytes);
}

const nowhere = { download: false, systemDirectories: [] as string[] };

describe('loadDataset', () => {
  const root = mkdtempSync(join(tmpdir(), 'procrustes-data-'));

  it('reads an explicit directory (raw or gzipped files) and refuses one that lacks files', async () => {
    writeIdxDataset(join(root, 'raw'), 5, false);
    writeIdxDataset(join(root, 'gz'), 6, true);
    // Synthetic files under mnist's name: fashion-mnist's are checked against the official SHA-256.
    expect((await loadDataset('mnist', { dataDirectory: join(root, 'raw') })).train.count).toBe(5);
    expect((await loadDataset('mnist', { dataDirectory: join(root, 'gz') })).train.count).toBe(6);
    mkdirSync(join(root, 'empty'));
    await expect(loadDataset('fashion-mnist', { dataDirectory: join(root, 'empty') })).rejects.toThrow(/lacks train-images-idx3-ubyte, .* of fashion-mnist/);
    await expect(loadDataset('fashion-mnist', { dataDirectory: join(root, 'absent') })).rejects.toThrow(/does not exist/);
  });

  it('reads CIFAR-10 batches, also from the archive sub-directory', async () => {
    const directory = join(root, 'cifar', 'cifar-10-batches-bin');
    mkdirSync(directory, { recursive: true });
    for (let i = 1; i <= 5; i++) writeFileSync(join(directory, `data_batch_${i}.bin`), cifarBytes([i, i + 1], 'cifar-10'));
    writeFileSync(join(directory, 'test_batch.bin'), cifarBytes([0], 'cifar-10'));
    const dataset = await loadDataset('cifar-10', { dataDirectory: join(root, 'cifar') });
    expect([dataset.train.count, dataset.test.count]).toEqual([10, 1]);
  });

  it('prefers the cache, then system directories', async () => {
    writeIdxDataset(join(root, 'cache'), 3, true);
    writeIdxDataset(join(root, 'system'), 4, true);
    const fromCache = await loadDataset('mnist', { ...nowhere, cacheDirectory: join(root, 'cache'), systemDirectories: [join(root, 'system')] });
    expect(fromCache.train.count).toBe(3);
    const fromSystem = await loadDataset('mnist', { ...nowhere, cacheDirectory: join(root, 'nocache'), systemDirectories: [join(root, 'system')] });
    expect(fromSystem.source).toBe(join(root, 'system'));
  });

  it('a named dataset found nowhere is an error listing where it looked and how to get it, never the embedded subset in its place', async () => {
    const missing = loadDataset('fashion-mnist', { ...nowhere, cacheDirectory: join(root, 'none'), systemDirectories: [join(root, 'nosystem')] });
    await expect(missing).rejects.toThrow(`fashion-mnist was not found (looked in ${join(root, 'none')}, ${join(root, 'nosystem')}; downloads off)`);
    await expect(loadDataset('fashion-mnist', { ...nowhere, cacheDirectory: join(root, 'none') })).rejects.toThrow(
      /apt-get install dataset-fashion-mnist.*--dataset fashion-mnist-subset/,
    );
    const subset = await loadDataset('fashion-mnist-subset');
    expect(subset.source).toMatch(/embedded/);
    expect([subset.train.count, subset.test.count]).toEqual([5000, 1000]);
    await expect(loadDataset('imagenet')).rejects.toThrow(/unknown dataset 'imagenet': choose one of fashion-mnist, mnist, cifar-10, cifar-100, fashion-mnist-subset/);
    await expect(loadDataset('cifar-10', { ...nowhere, cacheDirectory: join(root, 'none') })).rejects.toThrow(/cifar-10 was not found .*--data-dir/);
  });

  describe('verified downloads from a local server', () => {
    const served = join(root, 'served');
    let base = '';
    let corrupt = false;
    let interrupt = false;
    const server = createServer((request, response) => {
      const name = request.url!.slice(1);
      let bytes: Uint8Array = readFileSync(join(served, name));
      const range = /bytes=(\d+)-/.exec(request.headers.range ?? '');
      if (range) {
        response.writeHead(206);
        response.end(bytes.subarray(Number(range[1])));
        return;
      }
      if (interrupt && name.startsWith('train-images')) {
        // Half the file, then the connection drops.
        response.writeHead(200, { 'content-length': String(bytes.length) });
        response.write(bytes.subarray(0, bytes.length >> 1), () => response.destroy());
        return;
      }
      if (corrupt && name.startsWith('t10k-images')) {
        // Valid gzip of different content: only the checksum can tell.
        const content = gunzipSync(bytes);
        content[content.length - 1] ^= 0xff;
        bytes = gzip(content);
      }
      response.end(bytes);
    });
    beforeAll(async () => {
      writeIdxDataset(served, 4, true);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const patchedFetch = (): typeof fetch => {
      // The catalogue's canonical URLs and hashes, pointed at the local copies.
      const descriptor = DATASETS['fashion-mnist'];
      const originals = [...descriptor.trainFiles, ...descriptor.testFiles].map((f) => ({ ...f }));
      for (const f of [...descriptor.trainFiles, ...descriptor.testFiles]) {
        f.sha256 = sha256(gunzipSync(readFileSync(join(served, `${f.name}.gz`))));
      }
      restore = () =>
        [...descriptor.trainFiles, ...descriptor.testFiles].forEach((f, i) => {
          Object.assign(f, originals[i]);
        });
      return ((url: string) => fetch(base + url.split('/').pop())) as typeof fetch;
    };
    let restore = () => {};

    it('downloads into the cache after checking SHA-256, then reads it', async () => {
      const cache = join(root, 'download-cache');
      const dataset = await loadDataset('fashion-mnist', { cacheDirectory: cache, systemDirectories: [], fetch: patchedFetch() });
      restore();
      expect(dataset.train.count).toBe(4);
      expect(readdirSync(cache).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    });

    it('resumes a download that broke off, from where it stopped', async () => {
      const cache = join(root, 'resume-cache');
      interrupt = true;
      const messages: string[] = [];
      const first = loadDataset('fashion-mnist', { cacheDirectory: cache, systemDirectories: [], fetch: patchedFetch(), log: (m) => messages.push(m) });
      await expect(first).rejects.toThrow(/fashion-mnist was not found .*download failed: .*broke off/);
      restore();
      interrupt = false;
      expect(messages.join('\n')).toMatch(/broke off .* run again to resume it/);
      expect(readdirSync(cache)).toContain('train-images-idx3-ubyte.gz.part');
      const second = await loadDataset('fashion-mnist', { cacheDirectory: cache, systemDirectories: [], fetch: patchedFetch() });
      restore();
      expect(second.train.count).toBe(4);
      expect(readdirSync(cache).some((f) => f.endsWith('.part'))).toBe(false);
    });

    it('discards a download whose SHA-256 does not match and never leaves it in the cache', async () => {
      const cache = join(root, 'corrupt-cache');
      corrupt = true;
      const messages: string[] = [];
      const dataset = loadDataset('fashion-mnist', { cacheDirectory: cache, systemDirectories: [], fetch: patchedFetch(), log: (m) => messages.push(m) });
      await expect(dataset).rejects.toThrow(/download failed: .*SHA-256/);
      restore();
      corrupt = false;
      expect(messages.join('\n')).toMatch(/SHA-256 .* does not match/);
      expect(readdirSync(cache).some((f) => f.startsWith('t10k-images'))).toBe(false);
    });
  });
});
