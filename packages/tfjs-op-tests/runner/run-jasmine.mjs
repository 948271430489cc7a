// Runs one bundle of tfjs-core's jasmine op tests (made by src/op-test-bundle.ts) with jasmine in
// its own Node process and writes each spec's outcome as JSON.
// Usage: node run-jasmine.mjs <bundle.mjs> <out.json>
import { writeFileSync } from 'node:fs';
import Jasmine from 'jasmine';

const [bundle, output] = process.argv.slice(2);
const runner = new Jasmine();
runner.exitOnCompletion = false;
runner.randomizeTests(false);
runner.env.clearReporters();
const specs = [];
const suiteFailures = [];
runner.env.addReporter({
  suiteDone: (r) => {
    if (r.failedExpectations.length > 0) suiteFailures.push({ name: r.fullName, message: r.failedExpectations[0].message });
  },
  specDone: (r) => specs.push({ name: r.fullName, status: r.status, message: r.failedExpectations[0]?.message }),
});
runner.addSpecFile(bundle);
await runner.execute();
writeFileSync(output, JSON.stringify({ specs, suiteFailures }, null, 1));
