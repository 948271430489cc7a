import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_SUBSET_FILES, FASHION_MNIST_SUBSET_SIZES, fashionMnistSubsetUrl, type FashionMnistSubsetFile } from './index.js';

describe('fashion-mnist-subset', () => {
  it('every file is where its URL says, with the IDX header of its count', () => {
    for (const file of Object.keys(FASHION_MNIST_SUBSET_FILES) as FashionMnistSubsetFile[]) {
      const url = fashionMnistSubsetUrl(file);
      expect(url.pathname.endsWith(FASHION_MNIST_SUBSET_FILES[file])).toBe(true);
      const bytes = gunzipSync(readFileSync(fileURLToPath(url)));
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const images = file.endsWith('Images');
      expect(view.getUint32(0)).toBe(images ? 0x803 : 0x801);
      expect(view.getUint32(4)).toBe(file.startsWith('train') ? FASHION_MNIST_SUBSET_SIZES.train : FASHION_MNIST_SUBSET_SIZES.test);
      expect(bytes.length).toBe((images ? 16 : 8) + view.getUint32(4) * (images ? 784 : 1));
      expect(createHash('sha256').update(bytes).digest('hex')).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
