/**
 * The four gzipped IDX files of the subset: the first 5,000 training and first 1,000 test
 * images of Fashion-MNIST (Zalando Research, MIT licence) with their labels.
 */
export const FASHION_MNIST_SUBSET_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export type FashionMnistSubsetFile = keyof typeof FASHION_MNIST_SUBSET_FILES;

export const FASHION_MNIST_SUBSET_SIZES = { train: 5000, test: 1000 } as const;

/**
 * Where one file lies: a file: URL in Node (read it with fs), and in a bundle whatever URL the
 * bundler gave the asset. Bundlers that do not follow `new URL(…, import.meta.url)` can import
 * the files as `@procrustes/fashion-mnist-subset/assets/<name>` instead.
 */
export function fashionMnistSubsetUrl(file: FashionMnistSubsetFile): URL {
  switch (file) {
    // Literal paths, one per file, so that bundlers can see and copy each asset.
    case 'trainImages':
      return new URL('../assets/train-images-idx3-ubyte.gz', import.meta.url);
    case 'trainLabels':
      return new URL('../assets/train-labels-idx1-ubyte.gz', import.meta.url);
    case 'testImages':
      return new URL('../assets/t10k-images-idx3-ubyte.gz', import.meta.url);
    case 'testLabels':
      return new URL('../assets/t10k-labels-idx1-ubyte.gz', import.meta.url);
  }
}
