import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Every published library package; the CLI is a Node program, not a library for bundles.
const libraries = readdirSync(join(root, 'packages'))
  .map((name) => {
    const directory = join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name: string; private?: boolean };
    return { name: manifest.name, directory, published: manifest.private !== true };
  })
  .filter((library) => library.published);

/**
 * The Node built-ins a failed browser build could not resolve, with the file importing each.
 * esbuild applies packages' "browser" fields first (tfjs maps its own Node imports to false
 * there), so what is left is what a bundler would really have to stub.
 */
function unresolvedBuiltins(error: unknown): string[] {
  const messages = (error as { errors?: Array<{ text: string; location?: { file: string } | null }> }).errors ?? [];
  if (messages.length === 0) throw error;
  return messages.map((m) => `${m.text.replace(/^Could not resolve /, '')} (imported by ${m.location?.file.replace(/^.*node_modules\//, '') ?? '?'})`);
}

/** The package's main entry bundled as a browser would get it: every dependency inlined, none external. */
async function bundleForBrowser(library: { name: string; directory: string }) {
  const entry = join(library.directory, '.browser-bundle-entry.mjs');
  writeFileSync(entry, `export * from '${library.name}';\n`);
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    return { code: result.outputFiles[0]!.text, builtins: [] };
  } catch (error) {
    return { code: '', builtins: unresolvedBuiltins(error) };
  } finally {
    rmSync(entry);
  }
}

// Each bundle is built once and shared by both checks (either may run alone under -t).
const bundles = new Map<string, ReturnType<typeof bundleForBrowser>>();
const bundleOnce = (library: { name: string; directory: string }) => {
  if (!bundles.has(library.name)) bundles.set(library.name, bundleForBrowser(library));
  return bundles.get(library.name)!;
};

describe('every package main entry bundles for the browser with no Node built-in (esbuild, no externals)', () => {
  it.each(libraries.map((l) => [l.name, l] as const))(
    '%s',
    async (_, library) => {
      const { builtins } = await bundleOnce(library);
      expect(builtins).toEqual([]);
    },
    60_000,
  );
});

const available = existsSync(CHROMIUM);
describe.skipIf(!available)(`the bundles load in a browser${available ? '' : ` (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`}`, () => {
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  afterAll(async () => browser?.close());

  it('each bundle imports in headless Chromium without errors (no Node global touched at load)', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const page = await browser.newPage();
    const failures: string[] = [];
    for (const library of libraries) {
      const { name } = library;
      const { code, builtins } = await bundleOnce(library);
      if (builtins.length > 0) continue; // reported by the check above
      // A string, not a function: vitest would rewrite a function's import() for Node.
      await page.evaluate((source) => Object.assign(globalThis, { bundleSource: source }), code);
      const outcome: { exports: number } | { error: string } = await page.evaluate(`(async () => {
        const url = URL.createObjectURL(new Blob([globalThis.bundleSource], { type: 'text/javascript' }));
        try {
          return { exports: Object.keys(await import(url)).length };
        } catch (error) {
          return { error: String(error) };
        } finally {
          URL.revokeObjectURL(url);
        }
      })()`);
      if ('error' in outcome) failures.push(`${name}: ${outcome.error}`);
      else expect(outcome.exports, name).toBeGreaterThan(0);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
