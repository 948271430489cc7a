import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { runInPage } from './layers.browser-entry.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

describe.skipIf(!available)(`@procrustes/layers in headless Chromium${available ? '' : ` (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`}`, () => {
  it("bounds a Conv2D during fit, measures the ratios of the block, and saves and loads the constraint; only tfjs's own write keeps a tensor", async () => {
    const bundle = await build({
      entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'layers.browser-entry.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.evaluate((source) => Object.assign(globalThis, { bundleSource: source }), bundle.outputFiles[0]!.text);
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const outcome = (await page.evaluate(`(async () => {
        const url = URL.createObjectURL(new Blob([globalThis.bundleSource], { type: 'text/javascript' }));
        return (await import(url)).runInPage();
      })()`)) as Awaited<ReturnType<typeof runInPage>>;
      expect(errors).toEqual([]);
      expect(outcome.converged).toBe(true);
      expect(outcome.largest).toBeLessThanOrEqual(1.01);
      expect(outcome.ratios).toHaveLength(1);
      expect(outcome.ratios[0]).toBeGreaterThan(0);
      expect(outcome.loadedConstraint).toMatch(/"className":"SpectralConstraint".*"inputSize":\[7,7\]/);
      // tfjs-layers' LayerVariable.write keeps the tensor a constraint returns, whatever the
      // constraint (its own maxNorm too): loading the model leaves one per constrained weight.
      expect(outcome.tensorsLeft).toBe(1);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
