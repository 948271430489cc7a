export type { ImageDataset, ImageSet } from './dataset.js';
export { takeFirst, pixelScale, checkImageSet } from './dataset.js';
export { parseIdx, type IdxArray } from './idx.js';
export { imageSetFromIdx } from './idx-dataset.js';
export { parseCifar, concatImageSets, type CifarVariant } from './cifar.js';
export { maybeGunzip } from './gzip.js';
export { DATASETS, DATASET_NAMES, DATASET_SHAPES, EMBEDDED_DATASET, type DatasetDescriptor, type DatasetFile } from './catalogue.js';
export { channelStatistics, type ChannelStatistics } from './standardize.js';
export { hostBatches, batchTensors, batchCount, type Augmentation, type BatchOptions, type HostBatch } from './batches.js';
