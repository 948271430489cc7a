import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cpuBackend = createRequire(join(packageRoot, 'package.json')).resolve('@tensorflow/tfjs-backend-cpu');

// The built package in plain Node (no vitest transforms): gradients must be registered.
describe('built @procrustes/core in plain Node', () => {
  it('imports, registers gradients, builds a network and takes gradients', () => {
    const script = `
      const core = await import(${JSON.stringify(join(packageRoot, 'dist/index.js'))});
      await import(${JSON.stringify(cpuBackend)});
      const { tf } = core;
      await tf.setBackend('cpu');
      const spec = core.buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 1, width: 2, inputShape: [4, 4, 1], classes: 2 });
      const parameters = core.initializeParameters(spec, 0);
      const r = core.lossAndGradients(spec, parameters, tf.ones([2, 4, 4, 1]), tf.tensor1d([0, 1], 'int32'));
      console.log(JSON.stringify({ gradients: Object.keys(r.gradients).length, trainable: spec.parameters.filter(p => p.trainable).length, loss: r.loss.dataSync()[0] }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.gradients).toBe(result.trainable);
    expect(Number.isFinite(result.loss)).toBe(true);
  });

  it('passes publint (valid exports map and files for the published tarball)', async () => {
    const { publint } = await import('publint');
    const { messages } = await publint({ pkgDir: packageRoot, level: 'warning', pack: 'npm' });
    expect(messages).toEqual([]);
  });
});
