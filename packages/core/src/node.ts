// Node-only helpers (file system). The main entry stays usable in browsers and bundlers.
export { saveWeights, loadWeights, loadParameters } from './weights/weights-files.js';
export { writeFileAtomically, type AtomicWriteOptions } from './files/write-file-atomically.js';
export { makeDirectory } from './files/make-directory.js';
