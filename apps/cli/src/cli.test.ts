import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

describe('procrustes CLI', () => {
  it('--version prints the version of the installed command', () => {
    const { code, stdout } = procrustes('--version');
    expect(code).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(stdout.trim()).toBe(version);
  });

  it('backends: wasm and cpu usable, node-gpu not, with the reason and the fix', () => {
    const { code, stdout } = procrustes('backends', '--json');
    expect(code).toBe(0);
    const backends = JSON.parse(stdout).backends as Array<{ name: string; available: boolean; reason?: string; fix?: string }>;
    const byName = Object.fromEntries(backends.map((b) => [b.name, b]));
    expect(byName.wasm.available).toBe(true);
    expect(byName.cpu.available).toBe(true);
    expect(byName['node-gpu'].available).toBe(false);
    expect(byName['node-gpu'].reason).toMatch(/tfjs-node-gpu/);
    expect(byName['node-gpu'].fix).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
    const text = procrustes('backends', '--activate');
    expect(text.stdout).toMatch(/wasm\s+yes\s+CPU, WebAssembly/);
    expect(text.stdout).toMatch(/node-gpu\s+no\s+@tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('models: the presets with depth and parameter count for 32×32×3 and 10 classes by default', () => {
    const { code, stdout } = procrustes('models', '--json');
    expect(code).toBe(0);
    const models = JSON.parse(stdout).models as Array<{ name: string; depth: number; parameters: number }>;
    expect(models.find((m) => m.name === 'resnet-164')).toMatchObject({ depth: 164, parameters: 1_703_706 });
    expect(models.find((m) => m.name === 'procresnet-1003')).toMatchObject({ depth: 1003, parameters: 10_339_466 });
    const mnist = JSON.parse(procrustes('models', '--input', '28x28x1', '--json').stdout).models;
    expect(mnist.find((m: { name: string }) => m.name === 'resnet-20').parameters).toBe(272_122);
  });

  it('bad input exits 2 with a short message and no stack trace', () => {
    for (const args of [['models', '--input', '28x1'], ['frobnicate'], ['models', '--classes', '-3'], ['models', '--nope']]) {
      const { code, stderr } = procrustes(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.split('\n').length, stderr).toBeLessThanOrEqual(4);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});
