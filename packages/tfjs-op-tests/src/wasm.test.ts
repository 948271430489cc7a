import { describe, expect, it } from 'vitest';
import { TFJS_OP_TESTS } from './op-test-bundle.js';
import { gains, outcomeLine, passedSpecs, regressions, specNames } from './op-test-outcomes.js';
import { runOpTestsInNode } from './run-in-node.js';

// tfjs's WASM backend as it ships is the baseline: what it fails is upstream's exclusion. The
// plugin runs in each of its kernel modes.
const MODES = ['default', 'winograd-off', 'winograd-2', 'native-off'];

describe(`tfjs-core's own op tests (${TFJS_OP_TESTS.length} files) on the WASM plugin`, async () => {
  const baseline = await runOpTestsInNode('tfjs-wasm');

  it('the baseline runs them: tfjs-backend-wasm 4.22 passes most, and its failures are the upstream exclusions', () => {
    console.log(outcomeLine('tfjs-backend-wasm', baseline));
    expect(baseline.suiteFailures).toEqual([]);
    expect(baseline.specs.length).toBeGreaterThan(400);
    expect(passedSpecs(baseline).size).toBeGreaterThan(baseline.specs.length / 2);
  });

  for (const mode of MODES) {
    it(`the plugin (${mode}) passes every test tfjs's WASM backend passes, and the gradient tests it adds kernels for`, async () => {
      const outcome = await runOpTestsInNode('procrustes-wasm', mode);
      console.log(outcomeLine(`@procrustes/backend-wasm (${mode})`, outcome));
      expect(outcome.suiteFailures).toEqual([]);
      expect(specNames(outcome)).toEqual(specNames(baseline));
      expect(regressions(baseline, outcome)).toEqual([]);
      // Conv2DBackpropFilter (absent from tfjs's WASM backend) serves conv2d's and conv2dTranspose's filter gradients.
      expect(gains(baseline, outcome).filter((name) => /^conv2d(Transpose)? .*gradient/i.test(name)).length).toBeGreaterThan(0);
    }, 600_000);
  }
});
