// The page side of the browser runs: jasmine-core's globals (describe, it, expect, …) for tfjs's
// test files, which the bundle imports after this module, and a runner that reports each spec.
import jasmineRequire from 'jasmine-core/lib/jasmine-core/jasmine.js';
import type { OpTestOutcome } from './op-test-outcomes.js';

const jasmine = jasmineRequire.core(jasmineRequire);
const env = jasmine.getEnv();
Object.assign(globalThis, jasmineRequire.interface(jasmine, env));

export async function runSpecs(): Promise<OpTestOutcome> {
  const outcome: OpTestOutcome = { specs: [], suiteFailures: [] };
  env.addReporter({
    suiteDone: (r: { fullName: string; failedExpectations: Array<{ message: string }> }) => {
      if (r.failedExpectations.length > 0) outcome.suiteFailures.push({ name: r.fullName, message: r.failedExpectations[0]!.message });
    },
    specDone: (r: { fullName: string; status: string; failedExpectations: Array<{ message: string }> }) =>
      outcome.specs.push({ name: r.fullName, status: r.status, message: r.failedExpectations[0]?.message }),
  });
  env.configure({ random: false });
  await env.execute();
  return outcome;
}
