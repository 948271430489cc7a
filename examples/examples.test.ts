import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user gets from npm: every package packed as it would be published, installed with
// plain npm into a fresh project outside the workspace, and each example run there.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PNPM = ['-y', 'pnpm@10.34.9'];

const published = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .map((directory) => ({ directory, manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);

const registry = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 30_000 });
const reachable = registry.status === 0;

function run(command: string, args: string[], cwd: string, timeout = 600_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

describe.skipIf(!reachable)(
  `the examples, from the packed tarballs in a fresh npm project${reachable ? '' : ' (skipped: the npm registry is not reachable for the third-party dependencies)'}`,
  () => {
    let project = '';

    beforeAll(() => {
      project = mkdtempSync(join(tmpdir(), 'procrustes-examples-'));
      const tarballs = join(project, 'tarballs');
      mkdirSync(tarballs);
      const files: Record<string, string> = {};
      for (const { directory, manifest } of published) {
        const packed = run('npx', [...PNPM, 'pack', '--pack-destination', tarballs], directory, 120_000);
        if (packed.status !== 0) throw new Error(`pnpm pack failed in ${directory}:\n${packed.output}`);
        const tarball = readdirSync(tarballs).find((f) => f.startsWith(manifest.name.replace('@', '').replace('/', '-')) && f.endsWith(`-${manifest.version}.tgz`));
        if (!tarball) throw new Error(`no tarball of ${manifest.name} in ${readdirSync(tarballs).join(', ')}`);
        files[manifest.name] = `file:./tarballs/${tarball}`;
      }
      const ours = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies as Record<string, string>;
      const dependencies = Object.fromEntries(Object.entries(ours).map(([name, version]) => [name, files[name] ?? version]));
      // overrides: the packages' own dependencies on each other resolve to the tarballs too, not the registry.
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module', dependencies, overrides: files }, null, 2));
      const installed = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
      if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.output}`);
      for (const file of readdirSync(here).filter((f) => /\.(mjs|cjs)$/.test(f))) cpSync(join(here, file), join(project, file));
    }, 900_000);

    afterAll(() => {
      if (project) rmSync(project, { recursive: true, force: true });
    });

    const example = (file: string, args: string[] = []) => {
      const result = run('node', [file, ...args], project, 300_000);
      expect(result.status, result.output).toBe(0);
      return result.output;
    };

    it('installed one copy of @tensorflow/tfjs-core and of each @procrustes package, the latter from the tarballs', () => {
      const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')).packages as Record<string, { resolved?: string }>;
      const copies = new Map<string, string[]>();
      for (const [path, entry] of Object.entries(lock)) {
        const name = /node_modules\/((?:@procrustes\/[^/]+)|@tensorflow\/tfjs-core)$/.exec(path)?.[1];
        if (name) copies.set(name, [...(copies.get(name) ?? []), entry.resolved ?? '']);
      }
      expect(copies.size).toBeGreaterThanOrEqual(9);
      for (const [name, resolved] of copies) {
        expect(resolved, name).toHaveLength(1);
        if (name.startsWith('@procrustes/')) expect(resolved[0], name).toMatch(/tarballs\//);
      }
    });

    it('network-on-wasm.mjs: builds a Procrustes ResNet and runs a batch on WASM, leaving no tensor', () => {
      const output = example('network-on-wasm.mjs');
      expect(output).toMatch(/backend: CPU, WebAssembly SIMD/);
      expect(output).toMatch(/procresnet-22: 11 units, 295,130 parameters/);
      expect(output).toMatch(/logits: \[8, 10\]/);
      expect(output).toMatch(/tensors left behind: 0/);
    }, 300_000);

    it('spectra-and-projections.mjs: exact spectra, one projection, and repeated ones that reach their tolerance', () => {
      const output = example('spectra-and-projections.mjs');
      expect(output).toMatch(/singular values at 8×8: 8\.637 … 1\.080/);
      expect(output).toMatch(/repeated: \d+ rounds, .* converged true/);
      expect(output).toMatch(/clipped to 1: largest 1\.0\d\d after \d+ rounds, converged true/);
    }, 300_000);

    it('clip-tfjs-layers-model.mjs: spectralClip constraints on the Conv2D layers of a tfjs-layers model hold after fit, with no tensor left behind', () => {
      const output = example('clip-tfjs-layers-model.mjs');
      const values = [...output.matchAll(/largest singular value (\d\.\d+) before fit, (\d\.\d+) after/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(values).toHaveLength(2);
      for (const [before, after] of values) {
        expect(before).toBeGreaterThan(1.2);
        expect(after).toBeLessThanOrEqual(1.01);
      }
    }, 300_000);

    it('resnet-tfjs-layers-probes.mjs: a functional ResNet with Procrustes shortcuts, ratios per block during fit, saved and loaded with its constraints', () => {
      const output = example('resnet-tfjs-layers-probes.mjs', ['runs']);
      expect(output.match(/^step \d+: block1 r=\d\.\d+, block2 ↓ r=\d\.\d+, block3 r=\d\.\d+$/gm)).toHaveLength(2);
      const offset = Number(/max \|WWᵀ − I\| = (\S+)/.exec(output)?.[1]);
      expect(offset).toBeLessThan(0.025);
      expect(output).toMatch(/keeps its constraint SpectralConstraint \{"mode":"procrustes","scale":1,"inputSize":\[16,16\],"strides":\[2,2\]/);
      expect(output).toMatch(/predictions differ by 0$/m);
    }, 300_000);

    it('train-with-defaults.mjs then probes-on-checkpoint.mjs: train from the library, then probe the checkpoint', () => {
      const trained = example('train-with-defaults.mjs', ['runs/example']);
      expect(trained).toMatch(/resnet-8: train loss \d\.\d+, test accuracy \d+\.\d %/);
      const probed = example('probes-on-checkpoint.mjs', ['runs/example']);
      expect(probed.match(/^unit +\d+ /gm)).toHaveLength(3);
      expect(probed).toMatch(/δ = \d\.\d+/);
      expect(probed).toMatch(/tensors left behind: 0/);
    }, 600_000);

    it('require-from-commonjs.cjs: require() of the packages works', () => {
      expect(example('require-from-commonjs.cjs')).toMatch(/procresnet-166: 1,713,866 parameters; plugins spectral-regularizer, spectral-monitor/);
    }, 300_000);

    it('the CLI from its tarball: --version and backends', () => {
      const bin = join(project, 'node_modules', '.bin', 'procrustes');
      const version = run(bin, ['--version'], project);
      expect(version.output.trim()).toBe(published.find((p) => p.manifest.name === '@procrustes/cli')!.manifest.version);
      const backends = run(bin, ['backends'], project);
      expect(backends.status, backends.output).toBe(0);
      for (const name of ['wasm', 'cpu', 'node', 'node-gpu']) expect(backends.output).toMatch(new RegExp(`^\\s*${name}\\b`, 'm'));
    }, 300_000);
  },
);
