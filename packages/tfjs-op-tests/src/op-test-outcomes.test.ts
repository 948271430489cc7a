import { describe, expect, it } from 'vitest';
import { failedSpecs, gains, type OpTestOutcome, outcomeLine, regressions, specNames } from './op-test-outcomes.js';

const outcome = (...specs: Array<[string, string]>): OpTestOutcome => ({
  specs: specs.map(([name, status]) => ({ name, status, ...(status === 'failed' ? { message: `${name} broke` } : {}) })),
  suiteFailures: [],
});

describe('comparing op test outcomes', () => {
  it('tells a regression of one of two specs that share a name', () => {
    const baseline = outcome(['conv2d x', 'passed'], ['conv2d x', 'passed'], ['nchw', 'failed']);
    const plugin = outcome(['conv2d x', 'passed'], ['conv2d x', 'failed'], ['nchw', 'failed']);
    expect(regressions(baseline, plugin)).toEqual(['conv2d x (2): conv2d x broke']);
    expect(specNames(plugin)).toEqual(['conv2d x', 'conv2d x (2)', 'nchw']);
    expect(outcomeLine('plugin', plugin)).toBe('plugin: 3 specs, 1 passed, 2 failed');
  });

  it('counts a spec the plugin did not run as a regression, and a spec only it passes as a gain', () => {
    const baseline = outcome(['a', 'passed'], ['gradient', 'failed']);
    const plugin = outcome(['gradient', 'passed']);
    expect(regressions(baseline, plugin)).toEqual(['a: not run']);
    expect(gains(baseline, plugin)).toEqual(['gradient']);
    expect(failedSpecs(baseline)).toEqual(['gradient: gradient broke']);
  });
});
