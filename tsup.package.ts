import { defineConfig } from 'tsup';

/** The build of a package with a single entry, src/index.ts: ESM with declarations. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
