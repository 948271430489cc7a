import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOpTests } from './op-test-bundle.js';
import type { OpTestOutcome } from './op-test-outcomes.js';

const runner = join(dirname(fileURLToPath(import.meta.url)), '..', 'runner', 'run-jasmine.mjs');
const work = mkdtempSync(join(tmpdir(), 'tfjs-op-tests-'));

/**
 * Runs tfjs's op tests on one setup in a Node process of its own (one engine, one jasmine per
 * setup); `mode` reaches the setup as PROCRUSTES_OP_TEST_MODE.
 */
export async function runOpTestsInNode(setup: string, mode = 'default'): Promise<OpTestOutcome> {
  const name = `${setup}-${mode}`;
  const bundle = await bundleOpTests({ setup, platform: 'node', name });
  const output = join(work, `${name}.json`);
  const result = spawnSync(process.execPath, [runner, bundle, output], { encoding: 'utf8', env: { ...process.env, PROCRUSTES_OP_TEST_MODE: mode }, timeout: 600_000 });
  if (result.status !== 0) throw new Error(`tfjs's op tests on ${setup} (${mode}) exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(output, 'utf8')) as OpTestOutcome;
}
