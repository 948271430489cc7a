import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { usageError } from '@procrustes/core';
import { DATASETS, EMBEDDED_DATASET } from './catalogue.js';
import type { ImageDataset } from './dataset.js';
import { imageSetFromIdx } from './idx-dataset.js';

const SUBSET_PACKAGE = '@procrustes/fashion-mnist-subset';

/**
 * The embedded default: the first 5,000 training and first 1,000 test images of Fashion-MNIST
 * (Zalando Research, MIT licence), from the package @procrustes/fashion-mnist-subset, which is
 * kept apart so that this one stays small.
 */
export async function readEmbeddedDataset(): Promise<ImageDataset> {
  let subset: typeof import('@procrustes/fashion-mnist-subset');
  try {
    subset = await import(SUBSET_PACKAGE);
  } catch (error) {
    throw usageError(
      `the dataset ${EMBEDDED_DATASET} lives in ${SUBSET_PACKAGE}, which cannot be loaded (${(error as Error).message.split('\n')[0]}): npm install ${SUBSET_PACKAGE}`,
    );
  }
  const read = async (file: keyof typeof subset.FASHION_MNIST_SUBSET_FILES) => new Uint8Array(await readFile(fileURLToPath(subset.fashionMnistSubsetUrl(file))));
  const split = async (images: 'trainImages' | 'testImages', labels: 'trainLabels' | 'testLabels') =>
    imageSetFromIdx(
      await read(images),
      await read(labels),
      { images: `embedded ${subset.FASHION_MNIST_SUBSET_FILES[images]}`, labels: `embedded ${subset.FASHION_MNIST_SUBSET_FILES[labels]}` },
      10,
    );
  return {
    name: EMBEDDED_DATASET,
    classes: 10,
    classNames: DATASETS['fashion-mnist'].classNames,
    train: await split('trainImages', 'trainLabels'),
    test: await split('testImages', 'testLabels'),
    source: 'embedded (Fashion-MNIST subset: 5,000 train / 1,000 test)',
  };
}
