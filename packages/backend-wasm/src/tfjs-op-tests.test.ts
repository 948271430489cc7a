import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// tfjs-core 4.22's own jasmine tests of the ops this package's kernels serve, and of ops that go
// through its Identity (every clone); run on tfjs's WASM backend as it ships (the baseline: what it
// fails is upstream's exclusion) and on this plugin in each of its modes.
const TESTS = [
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
];
const MODES = ['default', 'winograd-off', 'winograd-2', 'native-off'];
const runner = join(dirname(fileURLToPath(import.meta.url)), '..', 'tfjs-op-tests', 'run-op-tests.mjs');
const work = mkdtempSync(join(tmpdir(), 'tfjs-op-tests-'));

interface Outcome {
  specs: Array<{ name: string; status: string; message?: string }>;
  suiteFailures: Array<{ name: string; message: string }>;
}

function run(setup: string, mode = 'default'): Outcome {
  const output = join(work, `${setup}-${mode}.json`);
  const result = spawnSync(process.execPath, [runner, setup, output, ...TESTS], { encoding: 'utf8', env: { ...process.env, PROCRUSTES_OP_TEST_MODE: mode }, timeout: 600_000 });
  if (result.status !== 0) throw new Error(`run-op-tests ${setup} ${mode} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(output, 'utf8')) as Outcome;
}

const passed = (outcome: Outcome) => new Set(outcome.specs.filter((s) => s.status === 'passed').map((s) => s.name));

describe("tfjs-core's own op tests", () => {
  const baseline = run('tfjs-wasm');
  const upstreamPassed = passed(baseline);

  it('the baseline runs them: tfjs-backend-wasm 4.22 passes most, and its failures are the upstream exclusions', () => {
    expect(baseline.suiteFailures).toEqual([]);
    expect(baseline.specs.length).toBeGreaterThan(400);
    expect(upstreamPassed.size).toBeGreaterThan(baseline.specs.length / 2);
  });

  for (const mode of MODES) {
    it(`the plugin (${mode}) passes every test tfjs's WASM backend passes, and the gradient tests it adds kernels for`, () => {
      const outcome = run('procrustes-wasm', mode);
      expect(outcome.suiteFailures).toEqual([]);
      expect(outcome.specs.map((s) => s.name).sort()).toEqual(baseline.specs.map((s) => s.name).sort());
      const ours = passed(outcome);
      const regressions = [...upstreamPassed].filter((name) => !ours.has(name)).map((name) => `${name}: ${outcome.specs.find((s) => s.name === name)?.message}`);
      expect(regressions).toEqual([]);
      const gains = [...ours].filter((name) => !upstreamPassed.has(name));
      // Conv2DBackpropFilter (absent from tfjs's WASM backend) serves conv2d's and conv2dTranspose's filter gradients.
      expect(gains.filter((name) => /^conv2d(Transpose)? .*gradient/i.test(name)).length).toBeGreaterThan(0);
      writeFileSync(
        join(work, `summary-${mode}.json`),
        JSON.stringify({ mode, specs: outcome.specs.length, passed: ours.size, upstreamPassed: upstreamPassed.size, gains }, null, 1),
      );
    }, 600_000);
  }
});
