/** What Procrustes knows about each dataset: classes, file names, verified download locations. */
export interface DatasetFile {
  /** File name without `.gz`; a directory may hold it raw or gzipped. */
  name: string;
  /** SHA-256 of the decompressed file, checked after a download. */
  sha256?: string;
  /** Canonical download location (gzipped). */
  url?: string;
}

export interface DatasetDescriptor {
  name: string;
  format: 'idx' | 'cifar-10' | 'cifar-100';
  classes: number;
  classNames: readonly string[];
  trainFiles: DatasetFile[];
  testFiles: DatasetFile[];
  /** Directories where an operating-system package installs the files. */
  systemDirectories: string[];
}

// The dataset's own repository, over https (the S3 website mirror it links to serves plain http only).
const FASHION_BASE = 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/';

export const DATASETS: Record<string, DatasetDescriptor> = {
  'fashion-mnist': {
    name: 'fashion-mnist',
    format: 'idx',
    classes: 10,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    trainFiles: [
      { name: 'train-images-idx3-ubyte', sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888', url: `${FASHION_BASE}train-images-idx3-ubyte.gz` },
      { name: 'train-labels-idx1-ubyte', sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9', url: `${FASHION_BASE}train-labels-idx1-ubyte.gz` },
    ],
    testFiles: [
      { name: 't10k-images-idx3-ubyte', sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b', url: `${FASHION_BASE}t10k-images-idx3-ubyte.gz` },
      { name: 't10k-labels-idx1-ubyte', sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34', url: `${FASHION_BASE}t10k-labels-idx1-ubyte.gz` },
    ],
    systemDirectories: ['/usr/share/datasets/fashion-mnist'],
  },
  mnist: {
    name: 'mnist',
    format: 'idx',
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainFiles: [{ name: 'train-images-idx3-ubyte' }, { name: 'train-labels-idx1-ubyte' }],
    testFiles: [{ name: 't10k-images-idx3-ubyte' }, { name: 't10k-labels-idx1-ubyte' }],
    systemDirectories: ['/usr/share/datasets/mnist'],
  },
  'cifar-10': {
    name: 'cifar-10',
    format: 'cifar-10',
    classes: 10,
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    trainFiles: [1, 2, 3, 4, 5].map((i) => ({ name: `data_batch_${i}.bin` })),
    testFiles: [{ name: 'test_batch.bin' }],
    systemDirectories: [],
  },
  'cifar-100': {
    name: 'cifar-100',
    format: 'cifar-100',
    classes: 100,
    classNames: Array.from({ length: 100 }, (_, i) => String(i)),
    trainFiles: [{ name: 'train.bin' }],
    testFiles: [{ name: 'test.bin' }],
    systemDirectories: [],
  },
};

/** The subset of Fashion-MNIST shipped inside this package. */
export const EMBEDDED_DATASET = 'fashion-mnist-subset';

export const DATASET_NAMES = [...Object.keys(DATASETS), EMBEDDED_DATASET];

/** The image shape (height, width, channels) and classes of each dataset a run can name. */
export const DATASET_SHAPES: Record<string, { inputShape: [number, number, number]; classes: number }> = {
  'fashion-mnist': { inputShape: [28, 28, 1], classes: DATASETS['fashion-mnist'].classes },
  [EMBEDDED_DATASET]: { inputShape: [28, 28, 1], classes: DATASETS['fashion-mnist'].classes },
  mnist: { inputShape: [28, 28, 1], classes: DATASETS.mnist.classes },
  'cifar-10': { inputShape: [32, 32, 3], classes: DATASETS['cifar-10'].classes },
  'cifar-100': { inputShape: [32, 32, 3], classes: DATASETS['cifar-100'].classes },
};
