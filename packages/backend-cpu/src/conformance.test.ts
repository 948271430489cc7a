import { beforeAll, describe, it } from 'vitest';
import { registerBackendPlugin } from '@procrustes/core';
import { backendConformanceChecks } from '@procrustes/backend-conformance';
import { cpuBackendPlugin } from './index.js';

// The reference against itself: parity is trivially exact, so what this run checks is that
// the kit's computations work on the reference and leave no tensor behind.
describe('backend conformance: cpu', () => {
  beforeAll(() => registerBackendPlugin(cpuBackendPlugin));
  for (const check of backendConformanceChecks({ backend: cpuBackendPlugin, reference: cpuBackendPlugin })) {
    it(check.name, () => check.run(), 120_000);
  }
});
