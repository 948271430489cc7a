import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ActiveBackend, BackendAvailability, BackendPlugin } from '@procrustes/core';
import { findCudaLibraries } from './cuda-libraries.js';

const PACKAGE = '@tensorflow/tfjs-node-gpu';
const INSTALL_FIX =
  `npm install ${PACKAGE}@4.22.0 (its install script downloads libtensorflow 2.9.1 built for CUDA 11.2 and cuDNN 8.1; ` +
  `with pnpm ≥ 10 list it under onlyBuiltDependencies so the script may run), on Linux x64 with Node.js 20 ` +
  `(there is no prebuilt addon for Node.js 22)`;
const CUDA_FIX = 'install the CUDA 11.2 runtime and cuDNN 8.1 (libcudart.so.11.0, libcudnn.so.8) and put their directory on LD_LIBRARY_PATH';

/** Where the plugin finds things; replaceable so its decisions can be tested without a GPU. */
export interface NodeGpuEnvironment {
  /** Resolves the package without loading it; throws when it is not installed. */
  resolvePackage(): string;
  /** Whether the package has its native addon (tfjs_binding.node under lib/), built or downloaded. */
  addonPresent(packageEntry: string): boolean;
  /** Loads the package (which registers the 'tensorflow' backend). */
  loadPackage(): Promise<unknown>;
  missingCudaLibraries(): string[];
  platform: string;
  arch: string;
}

const defaultEnvironment: NodeGpuEnvironment = {
  resolvePackage: () => createRequire(import.meta.url).resolve(PACKAGE),
  addonPresent: (packageEntry) => {
    // The entry is <root>/dist/index.js; the addon lives in <root>/lib/napi-v<N>/.
    const root = dirname(dirname(packageEntry));
    try {
      return readdirSync(join(root, 'lib')).some((d) => existsSync(join(root, 'lib', d, 'tfjs_binding.node')));
    } catch {
      return false;
    }
  },
  loadPackage: () => import(/* @vite-ignore */ PACKAGE),
  missingCudaLibraries: () => findCudaLibraries().missing,
  platform: process.platform,
  arch: process.arch,
};

export function createNodeGpuBackendPlugin(environment: Partial<NodeGpuEnvironment> = {}): BackendPlugin {
  const env: NodeGpuEnvironment = { ...defaultEnvironment, ...environment };
  return {
    name: 'node-gpu',
    description: 'TensorFlow.js Node GPU backend (libtensorflow with CUDA) via @tensorflow/tfjs-node-gpu, loaded only when chosen',
    async checkAvailability(): Promise<BackendAvailability> {
      if (env.platform !== 'linux' || env.arch !== 'x64') {
        return { available: false, reason: `${PACKAGE} supports Linux x64 with CUDA; this is ${env.platform} ${env.arch}`, fix: 'use the wasm backend here' };
      }
      let entry: string;
      try {
        entry = env.resolvePackage();
      } catch {
        return { available: false, reason: `${PACKAGE} is not installed (it is an optional peer dependency)`, fix: INSTALL_FIX };
      }
      if (!env.addonPresent(entry)) {
        return {
          available: false,
          reason: `${PACKAGE} is installed but its native addon (lib/napi-v*/tfjs_binding.node) is missing: its install script did not run or could not download libtensorflow`,
          fix: `rebuild it with network access (npm rebuild ${PACKAGE}), or ${INSTALL_FIX}`,
        };
      }
      const missing = env.missingCudaLibraries();
      if (missing.length > 0) {
        return {
          available: false,
          reason: `${PACKAGE} is installed but the CUDA libraries ${missing.join(', ')} are not found: libtensorflow would silently run on the CPU`,
          fix: CUDA_FIX,
        };
      }
      return { available: true };
    },
    async activate(): Promise<ActiveBackend> {
      try {
        await env.loadPackage();
      } catch (error) {
        throw new Error(`${PACKAGE} failed to load: ${(error as Error).message}\n  fix: ${INSTALL_FIX}`);
      }
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${PACKAGE} loaded but its 'tensorflow' backend failed to initialise`);
      const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
      const usingGpu = backend.isUsingGpuDevice === true;
      return {
        plugin: 'node-gpu',
        tfjsBackend: 'tensorflow',
        device: usingGpu ? 'GPU (CUDA, libtensorflow)' : `CPU: libtensorflow found no usable GPU and fell back to the CPU (${CUDA_FIX})`,
        usingGpu,
      };
    },
  };
}

export const nodeGpuBackendPlugin: BackendPlugin = { ...createNodeGpuBackendPlugin(), module: { url: import.meta.url, exportName: 'nodeGpuBackendPlugin' } };
