import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * tfjs-core 4.22's jasmine test files (in its npm package as dist/ops/<name>_test.js) of the ops
 * the plugins' kernels serve, and of ops that go through Identity (every clone).
 */
export const TFJS_OP_TESTS = [
  'conv2d',
  'conv2d_transpose',
  'conv1d',
  'conv3d',
  'depthwise_conv2d',
  'fused/fused_conv2d',
  'batchnorm',
  'avg_pool',
  'max_pool',
  'add',
  'relu',
  'sum',
  'mean',
  'mat_mul',
  'clone',
] as const;

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const core = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
// Inside the package, so that a Node bundle resolves the backends' .wasm files from where it lies.
const work = join(packageRoot, 'node_modules', '.cache', 'tfjs-op-tests');

/** The setup file of a backend setup (`setups/<name>.ts`): the backend under test, registered as tfjs's test environment. */
export const setupFile = (setup: string) => join(packageRoot, 'setups', `${setup}.ts`);

/**
 * Bundles a setup and tfjs's test files into one ES module (tfjs-core's files are extensionless
 * ES modules that plain Node and browsers cannot load), with one copy of tfjs-core for the tests,
 * the backends and the plugins. Node bundles are written to a file (returned); browser bundles
 * are returned as text, with `runSpecs` exported by `browser-jasmine.ts`, imported first so that
 * jasmine's globals exist before the test files run.
 */
export async function bundleOpTests(options: { setup: string; platform: 'node' | 'browser'; tests?: readonly string[]; name?: string }): Promise<string> {
  const tests = options.tests ?? TFJS_OP_TESTS;
  mkdirSync(work, { recursive: true });
  const name = options.name ?? options.setup;
  const entry = join(work, `${name}-entry.ts`);
  const browser = options.platform === 'browser';
  writeFileSync(
    entry,
    [
      ...(browser ? [`export { runSpecs } from '${join(packageRoot, 'src', 'browser-jasmine.ts')}';`] : []),
      `import '${setupFile(options.setup)}';`,
      ...tests.map((t) => `import '${core}/dist/ops/${t}_test.js';`),
    ].join('\n'),
  );
  const outfile = join(work, `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: options.platform,
    format: 'esm',
    // tfjs-core's ES modules (the tests import its index), one copy for tests, backends and plugin.
    mainFields: browser ? ['browser', 'module', 'main'] : ['module', 'main'],
    // The test files are imported for their side effects, which tfjs-core's package.json denies.
    ignoreAnnotations: true,
    // tfjs-core's jasmine_util requires jasmine-core, a dependency of this package, not of tfjs-core.
    nodePaths: [join(packageRoot, 'node_modules')],
    logLevel: 'error',
    ...(browser
      ? // jasmine-core, bundled as CommonJS, finds the page's global object as `global`.
        { write: false, define: { 'process.env.NODE_ENV': '"test"', global: 'globalThis' } }
      : {
          outfile,
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module'; import { dirname as __pathDirname } from 'node:path'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __pathDirname(__filename);",
          },
        }),
  });
  return browser ? result.outputFiles![0]!.text : outfile;
}
