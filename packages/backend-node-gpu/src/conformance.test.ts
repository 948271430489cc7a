import { beforeAll, describe, it } from 'vitest';
import { registerBackendPlugin } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { backendConformanceChecks } from '@procrustes/backend-conformance';
import { nodeGpuBackendPlugin } from './index.js';

// The kit runs where @tensorflow/tfjs-node-gpu and CUDA 11 are installed; elsewhere this file
// checks, and says, that the backend is unavailable.
const availability = await nodeGpuBackendPlugin.checkAvailability();

describe.skipIf(!availability.available)(`backend conformance: node-gpu${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(nodeGpuBackendPlugin);
  });
  for (const check of backendConformanceChecks({ backend: nodeGpuBackendPlugin, reference: cpuBackendPlugin })) {
    it(check.name, () => check.run(), 120_000);
  }
});
