import * as tf from '@tensorflow/tfjs-core';
import type { ActiveBackend, BackendAvailability, BackendPlugin } from '@procrustes/core';
import { silenceFirstUseNotice } from './tfjs-internals.js';

/** The pure-JavaScript CPU backend: complete and exact, slow; the reference for parity checks. */
export const cpuBackendPlugin: BackendPlugin = {
  name: 'cpu',
  description: 'TensorFlow.js pure-JavaScript CPU backend: the numerical reference (slow; not for training)',
  module: { url: import.meta.url, exportName: 'cpuBackendPlugin' },
  async checkAvailability(): Promise<BackendAvailability> {
    try {
      await import('@tensorflow/tfjs-backend-cpu');
      return { available: true, reason: 'reference backend, about 500× slower than WASM for convolution gradients' };
    } catch (error) {
      return {
        available: false,
        reason: `@tensorflow/tfjs-backend-cpu cannot be loaded: ${(error as Error).message}`,
        fix: 'npm install @tensorflow/tfjs-backend-cpu@4.22.0',
      };
    }
  },
  async activate(): Promise<ActiveBackend> {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('the CPU backend failed to initialise');
    silenceFirstUseNotice(tf.backend());
    return { plugin: 'cpu', tfjsBackend: 'cpu', device: 'CPU, pure JavaScript (reference)', usingGpu: false };
  },
};
