import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples'],
    // Tests that start the CLI or a browser take seconds on a loaded 2-core machine: the test
    // script passes --testTimeout=60000, which (unlike this file) reaches every project.
  },
});
