import { defineConfig, type Options } from 'tsup';

/**
 * The build of a package: ESM with declarations. A package with a browser-safe main entry and
 * a Node-only `./node` entry builds both, with shared code split into common chunks so that
 * the two entries share one copy of each module (and of its state).
 */
export function packageBuild(entry: string[] = ['src/index.ts'], options: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    splitting: entry.length > 1,
    target: 'es2022',
    ...options,
  });
}

export default packageBuild();
