import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DATASETS, EMBEDDED_DATASET } from './catalogue.js';
import type { ImageDataset } from './dataset.js';
import { imageSetFromIdx } from './idx-dataset.js';

/**
 * The embedded default: the first 5,000 training and first 1,000 test images of Fashion-MNIST
 * (Zalando Research, MIT licence), re-encoded as gzipped IDX, 2.6 MB. See assets/README.md.
 */
export function readEmbeddedDataset(): ImageDataset {
  const base = new URL('../assets/fashion-mnist-subset/', import.meta.url);
  const read = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(name, base))));
  const split = (images: string, labels: string) => imageSetFromIdx(read(images), read(labels), { images: `embedded ${images}`, labels: `embedded ${labels}` }, 10);
  return {
    name: EMBEDDED_DATASET,
    classes: 10,
    classNames: DATASETS['fashion-mnist'].classNames,
    train: split('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    test: split('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
    source: 'embedded (Fashion-MNIST subset: 5,000 train / 1,000 test)',
  };
}
