import { chromiumSkipReason, importInPage, launchChromium } from '@procrustes/browser-test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOpTests, TFJS_OP_TESTS } from './op-test-bundle.js';
import { failedSpecs, type OpTestOutcome, outcomeLine, regressions, specNames } from './op-test-outcomes.js';

const skipped = chromiumSkipReason();

// tfjs's op tests in headless Chromium on WebGL 2 through SwiftShader (a software rasteriser:
// this checks behaviour, not speed), on the plugin and, where it fails any, on tfjs's WebGL
// backend as it ships (the baseline); each setup in a page of its own.
describe.skipIf(skipped !== '')(`tfjs-core's own op tests (${TFJS_OP_TESTS.length} files) on the WebGL plugin in headless Chromium${skipped}`, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const outcomes: Record<string, OpTestOutcome> = {};

  async function runInPage(setup: string): Promise<OpTestOutcome> {
    const source = await bundleOpTests({ setup, platform: 'browser' });
    const page = await browser!.newPage();
    try {
      return await importInPage<OpTestOutcome>(page, source, '(module) => module.runSpecs()');
    } finally {
      await page.close();
    }
  }

  beforeAll(async () => {
    browser = await launchChromium('software-webgl');
    outcomes.plugin = await runInPage('procrustes-webgl');
    // Software WebGL is slow (about a minute per run here): tfjs's own backend runs only where
    // the plugin fails a spec, to tell a regression from a test tfjs's WebGL backend fails too.
    if (failedSpecs(outcomes.plugin).length > 0) outcomes.baseline = await runInPage('tfjs-webgl');
  }, 600_000);

  afterAll(async () => browser?.close());

  it('the plugin, activated as a user activates it, runs them all and fails none that tfjs-backend-webgl 4.22 passes', () => {
    const outcome = outcomes.plugin!;
    console.log(outcomeLine('@procrustes/backend-webgl', outcome));
    expect(outcome.suiteFailures).toEqual([]);
    expect(outcome.specs.length).toBeGreaterThan(400);
    if (outcomes.baseline === undefined) {
      expect(failedSpecs(outcome)).toEqual([]);
      return;
    }
    console.log(outcomeLine('tfjs-backend-webgl', outcomes.baseline));
    expect(specNames(outcome)).toEqual(specNames(outcomes.baseline));
    expect(regressions(outcomes.baseline, outcome)).toEqual([]);
  });
});
