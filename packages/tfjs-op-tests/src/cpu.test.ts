import { describe, expect, it } from 'vitest';
import { TFJS_OP_TESTS } from './op-test-bundle.js';
import { failedSpecs, outcomeLine, passedSpecs, regressions, specNames } from './op-test-outcomes.js';
import { runOpTestsInNode } from './run-in-node.js';

describe(`tfjs-core's own op tests (${TFJS_OP_TESTS.length} files) on the CPU plugin`, async () => {
  const baseline = await runOpTestsInNode('tfjs-cpu');

  it('the baseline runs them: tfjs-backend-cpu 4.22, the reference, passes every one', () => {
    console.log(outcomeLine('tfjs-backend-cpu', baseline));
    expect(baseline.suiteFailures).toEqual([]);
    expect(baseline.specs.length).toBeGreaterThan(400);
    expect(failedSpecs(baseline)).toEqual([]);
  });

  it('the plugin, activated as a user activates it, passes every test tfjs-backend-cpu passes', async () => {
    const outcome = await runOpTestsInNode('procrustes-cpu');
    console.log(outcomeLine('@procrustes/backend-cpu', outcome));
    expect(outcome.suiteFailures).toEqual([]);
    expect(specNames(outcome)).toEqual(specNames(baseline));
    expect(regressions(baseline, outcome)).toEqual([]);
    expect(passedSpecs(outcome).size).toBe(passedSpecs(baseline).size);
  }, 600_000);
});
