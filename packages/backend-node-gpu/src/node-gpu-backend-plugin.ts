import type { BackendPlugin } from '@procrustes/core';
import { createLibtensorflowBackendPlugin, type LibtensorflowEnvironment } from '@procrustes/backend-node';
import { findCudaLibraries } from './cuda-libraries.js';

const PACKAGE = '@tensorflow/tfjs-node-gpu';
const INSTALL_FIX =
  `npm install ${PACKAGE}@4.22.0 (its install script downloads libtensorflow 2.9.1 built for CUDA 11.2 and cuDNN 8.1; ` +
  `with pnpm ≥ 10 list it under onlyBuiltDependencies so the script may run), on Linux x64 with Node.js 20 ` +
  `(there is no prebuilt addon for Node.js 22)`;
const CUDA_FIX = 'install the CUDA 11.2 runtime and cuDNN 8.1 (libcudart.so.11.0, libcudnn.so.8) and put their directory on LD_LIBRARY_PATH';

/** Where the plugin finds things; replaceable so its decisions can be tested without a GPU. */
export interface NodeGpuEnvironment extends LibtensorflowEnvironment {
  missingCudaLibraries(): string[];
}

/** libtensorflow with CUDA, through @tensorflow/tfjs-node-gpu: the Node backend plus the GPU's checks. */
export function createNodeGpuBackendPlugin(environment: Partial<NodeGpuEnvironment> = {}): BackendPlugin {
  const { missingCudaLibraries = () => findCudaLibraries().missing, ...rest } = environment;
  return createLibtensorflowBackendPlugin(
    {
      plugin: 'node-gpu',
      packageName: PACKAGE,
      description: 'TensorFlow.js Node GPU backend (libtensorflow with CUDA) via @tensorflow/tfjs-node-gpu, loaded only when chosen',
      installFix: INSTALL_FIX,
      checkPlatform: (platform, arch) =>
        platform === 'linux' && arch === 'x64'
          ? undefined
          : { available: false, reason: `${PACKAGE} supports Linux x64 with CUDA; this is ${platform} ${arch}`, fix: 'use the wasm or node backend here' },
      checkRuntime: () => {
        const missing = missingCudaLibraries();
        if (missing.length === 0) return undefined;
        return {
          available: false,
          reason: `${PACKAGE} is installed but the CUDA libraries ${missing.join(', ')} are not found: libtensorflow would silently run on the CPU`,
          fix: CUDA_FIX,
        };
      },
      describeDevice: (usingGpu) => (usingGpu ? 'GPU (CUDA, libtensorflow)' : `CPU: libtensorflow found no usable GPU and fell back to the CPU (${CUDA_FIX})`),
    },
    rest,
  );
}

/** The plugin with the real environment; worker threads load it from this module. */
export const nodeGpuBackendPlugin: BackendPlugin = { ...createNodeGpuBackendPlugin(), module: { url: import.meta.url, exportName: 'nodeGpuBackendPlugin' } };
