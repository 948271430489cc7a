import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The .wasm files of the WASM backend are served with the page (see src/training-worker.ts).
    assetsInlineLimit: 0,
    // tfjs's threaded WASM build starts its threads from the source text of its factory function;
    // minification renames what that text refers to and the threads fail to start.
    minify: false,
    chunkSizeWarningLimit: 4000,
    // Rolldown warns when plugins take a large share of the build time: a reading of how busy the
    // machine is (it fired while the test suite ran in parallel), not a property of the bundle.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  // Cross-origin isolation lets tfjs use its threaded WASM build in the worker; without these
  // headers (any plain static host) the page runs single-threaded.
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  preview: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  test: {
    include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
