import { beforeAll, describe, it } from 'vitest';
import { registerBackendPlugin } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { backendConformanceChecks } from '@procrustes/backend-conformance';
import { wasmBackendPlugin } from './index.js';

describe('backend conformance: wasm', () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });
  for (const check of backendConformanceChecks({ backend: wasmBackendPlugin, reference: cpuBackendPlugin })) {
    it(check.name, () => check.run(), 60_000);
  }
});
