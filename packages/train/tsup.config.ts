import { defineConfig } from 'tsup';

export default defineConfig({
  // The step worker is loaded by file (new Worker(new URL('./step-worker.js', import.meta.url))).
  entry: { index: 'src/index.ts', 'step-worker': 'src/parallel/step-worker.ts' },
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  splitting: true,
  target: 'es2022',
});
