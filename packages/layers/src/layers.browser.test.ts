import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, chromiumSkipReason, importInPage, launchChromium } from '@procrustes/browser-test-support';
import { describe, expect, it } from 'vitest';
import type { runInPage } from './layers.browser-entry.js';

const skipped = chromiumSkipReason();

describe.skipIf(skipped !== '')(`@procrustes/layers in headless Chromium${skipped}`, () => {
  it("bounds a Conv2D during fit, measures the ratios of the block, and saves and loads the constraint; only tfjs's own write keeps a tensor", async () => {
    const bundle = await bundleForBrowser(join(dirname(fileURLToPath(import.meta.url)), 'layers.browser-entry.ts'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const outcome = await importInPage<Awaited<ReturnType<typeof runInPage>>>(page, bundle, '(module) => module.runInPage()');
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
