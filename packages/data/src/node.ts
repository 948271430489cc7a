// Node-only parts: files, the cache, downloads. The main entry stays usable in browsers and bundlers.
export { readDatasetDirectory, missingDatasetFiles, findDatasetFile } from './read-directory.js';
export { downloadDatasetFile, sha256 } from './download.js';
export { loadDataset, defaultCacheDirectory, type LoadDatasetOptions } from './locate.js';
export { readEmbeddedDataset } from './embedded.js';
