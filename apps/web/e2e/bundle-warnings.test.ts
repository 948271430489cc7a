import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createLogger } from 'vite';
import { describe, expect, it } from 'vitest';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the page builds with Vite', () => {
  it('without a Node module externalized for browser compatibility, or any other warning', async () => {
    const warnings: string[] = [];
    const logger = createLogger('warn');
    const collect = (message: string) => warnings.push(message);
    Object.assign(logger, { warn: collect, warnOnce: collect });
    const outDir = mkdtempSync(join(tmpdir(), 'web-build-'));
    try {
      await build({ root: web, configFile: join(web, 'vite.config.ts'), customLogger: logger, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
    expect(warnings).toEqual([]);
  }, 120_000);
});
