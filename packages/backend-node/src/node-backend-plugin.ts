import type { BackendPlugin } from '@procrustes/core';
import { createLibtensorflowBackendPlugin, type LibtensorflowEnvironment } from './libtensorflow-backend-plugin.js';

const PACKAGE = '@tensorflow/tfjs-node';

/** libtensorflow on the CPU, through @tensorflow/tfjs-node. */
export function createNodeBackendPlugin(environment: Partial<LibtensorflowEnvironment> = {}): BackendPlugin {
  return createLibtensorflowBackendPlugin(
    {
      plugin: 'node',
      packageName: PACKAGE,
      description: 'TensorFlow.js Node backend (libtensorflow on the CPU) via @tensorflow/tfjs-node, loaded only when chosen',
      installFix:
        `npm install ${PACKAGE}@4.22.0 (its install script downloads libtensorflow 2.9.1 for the CPU; ` +
        'with pnpm ≥ 10 list it under onlyBuiltDependencies so the script may run), on Linux, macOS or Windows x64 with Node.js 20',
      describeDevice: () => 'CPU (libtensorflow, oneDNN)',
    },
    environment,
  );
}

/** The plugin with the real environment; worker threads load it from this module. */
export const nodeBackendPlugin: BackendPlugin = { ...createNodeBackendPlugin(), module: { url: import.meta.url, exportName: 'nodeBackendPlugin' } };
