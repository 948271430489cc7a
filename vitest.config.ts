import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    // Many tests start the CLI or a browser as a process; on a loaded 2-core machine that takes seconds.
    testTimeout: 60_000,
  },
});
