import * as tf from '@tensorflow/tfjs-core';
import { isNodeRuntime, nodeBuiltin, type ActiveBackend, type BackendAvailability, type BackendPlugin } from '@procrustes/core';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './register-training-kernels.js';
import { nativeKernels, prepareNativeKernels } from './native-kernels.js';
import { registerBatchNormTrainingKernels } from './batch-norm-training.js';

export interface WasmBackendOptions {
  /**
   * Where the `.wasm` files are served from (a URL prefix ending in '/', or a map of file
   * name to URL), as tfjs's `setWasmPaths` takes it. Needed in bundled browser builds; in Node
   * the files are read from the installed @tensorflow/tfjs-backend-wasm, never the network.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Threads of the threaded WASM build, which tfjs uses in cross-origin-isolated pages (tfjs's
   * default is half the logical cores, one thread on a 2-core machine). Ignored in Node, where
   * tfjs runs one thread.
   */
  threads?: number;
}

let wasmPathsSet = false;

const isNode = isNodeRuntime();

/** The directory of the installed package's `.wasm` files, in Node. */
function localWasmDirectory(): string {
  const { createRequire } = nodeBuiltin<typeof import('node:module')>('node:module', 'locating the .wasm files');
  const { dirname, join } = nodeBuiltin<typeof import('node:path')>('node:path', 'locating the .wasm files');
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return join(dirname(main), '/');
}

/** Creates the WASM backend plugin; `wasmBackendPlugin` is the one with default options. */
export function createWasmBackendPlugin(options: WasmBackendOptions = {}): BackendPlugin {
  return {
    name: 'wasm',
    description: 'TensorFlow.js WebAssembly backend (XNNPACK, SIMD) with Procrustes training kernels; Node and browsers',
    async checkAvailability(): Promise<BackendAvailability> {
      if (typeof WebAssembly === 'undefined') {
        return { available: false, reason: 'this JavaScript runtime has no WebAssembly', fix: 'use Node.js ≥ 20 or a current browser' };
      }
      try {
        await import('@tensorflow/tfjs-backend-wasm');
      } catch (error) {
        return {
          available: false,
          reason: `@tensorflow/tfjs-backend-wasm cannot be loaded: ${(error as Error).message}`,
          fix: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
        };
      }
      return { available: true };
    },
    async activate(): Promise<ActiveBackend> {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const paths = options.wasmPaths ?? (isNode ? localWasmDirectory() : undefined);
      // Paths must be set before the backend first initialises (tf.findBackend would start that).
      if (paths !== undefined && !wasmPathsSet) {
        wasm.setWasmPaths(paths as never);
        wasmPathsSet = true;
      }
      if (options.threads !== undefined && !isNode) wasm.setThreadsCount(options.threads);
      registerWasmTrainingKernels();
      const ok = await tf.setBackend('wasm');
      if (!ok) throw new Error('the WASM backend failed to initialise (see the messages above)');
      await tf.ready();
      const native = (await prepareNativeKernels(tf.backend())) && nativeKernels(tf.backend()) !== undefined;
      registerBatchNormTrainingKernels(native);
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      const threads = wasm.getThreadsCount();
      // tfjs's threaded build sizes its thread pool at half the logical cores (at most 4).
      const threaded = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
      return {
        plugin: 'wasm',
        tfjsBackend: 'wasm',
        device: `CPU, WebAssembly${simd ? ' SIMD' : ''}${threaded ? ', threaded build' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${native ? ', Procrustes SIMD kernels' : ''}`,
        usingGpu: false,
      };
    },
    // tfjs's kernel registry is the process's: unregistering the plugin gives tfjs its own kernels back.
    deactivate: unregisterWasmTrainingKernels,
  };
}

/** The plugin with default options; worker threads load it from this module. */
export const wasmBackendPlugin: BackendPlugin = { ...createWasmBackendPlugin(), module: { url: import.meta.url, exportName: 'wasmBackendPlugin' } };
