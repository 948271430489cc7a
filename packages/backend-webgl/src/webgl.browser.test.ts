import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, chromiumSkipReason, importInPage, launchChromium } from '@procrustes/browser-test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendConformanceChecks } from '@procrustes/backend-conformance';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import type { PageConformance } from './conformance.browser-entry.js';
import { webglBackendPlugin } from './index.js';

const skipped = chromiumSkipReason();
const checkNames = backendConformanceChecks({ backend: webglBackendPlugin, reference: cpuBackendPlugin }).map((c) => c.name);

// The conformance kit against the CPU reference, run inside headless Chromium on WebGL2 through
// SwiftShader (software: this checks correctness, not speed).
describe.skipIf(skipped !== '')(`backend conformance: webgl in headless Chromium${skipped}`, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let outcome: PageConformance;

  beforeAll(async () => {
    const bundle = await bundleForBrowser(join(dirname(fileURLToPath(import.meta.url)), 'conformance.browser-entry.ts'));
    browser = await launchChromium('software-webgl');
    outcome = await importInPage(await browser.newPage(), bundle, '(module) => module.runConformance()');
  }, 600_000);

  afterAll(async () => browser?.close());

  it('has WebGL2 and activates the backend', () => {
    expect(outcome.availability.available, outcome.availability.reason).toBe(true);
    expect(outcome.device).toMatch(/WebGL 2/);
    console.log(`webgl: ${outcome.device}; ${outcome.results.length} checks in ${outcome.results.reduce((s, r) => s + r.seconds, 0).toFixed(1)} s`);
  });

  it.each(checkNames)('%s', (name) => {
    const result = outcome.results.find((r) => r.name === name);
    expect(result, `${name} did not run`).toBeDefined();
    expect(result!.passed, result!.error).toBe(true);
  });
});
