import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendConformanceChecks } from '@procrustes/backend-conformance';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import type { PageConformance } from './conformance.browser-entry.js';
import { webglBackendPlugin } from './index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const checkNames = backendConformanceChecks({ backend: webglBackendPlugin, reference: cpuBackendPlugin }).map((c) => c.name);

// The conformance kit against the CPU reference, run inside headless Chromium on WebGL2 through
// SwiftShader (software: this checks correctness, not speed).
describe.skipIf(!available)(`backend conformance: webgl in headless Chromium${available ? '' : ` (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`}`, () => {
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  let outcome: PageConformance;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'conformance.browser-entry.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run'] });
    const page = await browser.newPage();
    await page.evaluate((source) => Object.assign(globalThis, { bundleSource: source }), bundle.outputFiles[0]!.text);
    // A string, not a function: vitest would rewrite a function's import() for Node.
    outcome = await page.evaluate(`(async () => {
      const url = URL.createObjectURL(new Blob([globalThis.bundleSource], { type: 'text/javascript' }));
      return (await import(url)).runConformance();
    })()`);
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
