// The page side of webgl.browser.test.ts: the conformance kit against the CPU reference, in the browser.
import { registerBackendPlugin } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { backendConformanceChecks } from '@procrustes/backend-conformance';
import { webglBackendPlugin } from './index.js';

export interface PageConformance {
  availability: { available: boolean; reason?: string };
  device?: string;
  results: Array<{ name: string; passed: boolean; error?: string; seconds: number }>;
}

export async function runConformance(): Promise<PageConformance> {
  registerBackendPlugin(cpuBackendPlugin);
  registerBackendPlugin(webglBackendPlugin);
  const availability = await webglBackendPlugin.checkAvailability();
  if (!availability.available) return { availability, results: [] };
  const device = (await webglBackendPlugin.activate()).device;
  const results: PageConformance['results'] = [];
  for (const check of backendConformanceChecks({ backend: webglBackendPlugin, reference: cpuBackendPlugin })) {
    const start = performance.now();
    try {
      await check.run();
      results.push({ name: check.name, passed: true, seconds: (performance.now() - start) / 1000 });
    } catch (error) {
      results.push({ name: check.name, passed: false, error: String((error as Error).message ?? error), seconds: (performance.now() - start) / 1000 });
    }
  }
  return { availability, device, results };
}
