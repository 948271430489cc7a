import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

// The built packages in plain Node, outside vitest: the .wasm files resolve locally and a
// training step (which needs Conv2DBackpropFilter) runs.
describe('built @procrustes/backend-wasm in plain Node', () => {
  it('activates offline and runs an SGD step of a procresnet', () => {
    const script = `
      const core = await import('@procrustes/core');
      const { wasmBackendPlugin } = await import(${JSON.stringify(join(packageRoot, 'dist/index.js'))});
      const { sgdStep } = await import('@procrustes/backend-conformance');
      const active = await wasmBackendPlugin.activate();
      const spec = core.buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 1, width: 4, inputShape: [8, 8, 1], classes: 3 });
      const result = await sgdStep(spec, 2);
      console.log(JSON.stringify({ backend: core.tf.getBackend(), device: active.device, loss: result.loss.values[0] }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageRoot, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.backend).toBe('wasm');
    expect(result.device).toMatch(/WebAssembly SIMD/);
    expect(Number.isFinite(result.loss)).toBe(true);
  });
});
