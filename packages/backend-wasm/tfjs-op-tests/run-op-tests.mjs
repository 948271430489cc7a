// Runs tfjs-core 4.22's own jasmine op tests (shipped in its npm package as dist/**/*_test.js) on
// one backend setup: bundles the setup and the test files with esbuild (tfjs-core's files are
// extensionless ES modules plain Node cannot load), runs them with jasmine, and writes each
// spec's outcome as JSON. Usage: node run-op-tests.mjs <setup> <out.json> <test> [<test> …]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const core = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const jasmineModules = dirname(dirname(createRequire(require.resolve('jasmine')).resolve('jasmine-core/package.json')));
const [setup, output, ...tests] = process.argv.slice(2);
// Inside the package, so that the bundle resolves @tensorflow/tfjs-backend-wasm's .wasm files.
const work = join(here, '..', 'node_modules', '.cache', 'tfjs-op-tests');
mkdirSync(work, { recursive: true });
const entry = join(work, `${setup}-entry.ts`);
writeFileSync(entry, [`import '${join(here, `setup-${setup}.ts`)}';`, ...tests.map((t) => `import '${core}/dist/ops/${t}_test.js';`)].join('\n'));
const bundle = join(work, `${setup}-${process.env.PROCRUSTES_OP_TEST_MODE ?? 'default'}.mjs`);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  // tfjs-core's ES modules (the tests import its index), one copy for tests, backends and plugin.
  mainFields: ['module', 'main'],
  nodePaths: [jasmineModules],
  // The test files are imported for their side effects, which tfjs-core's package.json denies.
  ignoreAnnotations: true,
  outfile: bundle,
  logLevel: 'error',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; import { dirname as __pathDirname } from 'node:path'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __pathDirname(__filename);",
  },
});
const Jasmine = (await import('jasmine')).default;
const runner = new Jasmine();
runner.exitOnCompletion = false;
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
writeFileSync(output, JSON.stringify({ setup, mode: process.env.PROCRUSTES_OP_TEST_MODE ?? 'default', tests, specs, suiteFailures }, null, 1));
