import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromiumSkipReason, importInPage, launchChromium } from '@procrustes/browser-test-support';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

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

const skipped = chromiumSkipReason();
describe.skipIf(skipped !== '')(`the bundles load in a browser${skipped}`, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  afterAll(async () => browser?.close());

  it('each bundle imports in headless Chromium without errors (no Node global touched at load)', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    const failures: string[] = [];
    for (const library of libraries) {
      const { name } = library;
      const { code, builtins } = await bundleOnce(library);
      if (builtins.length > 0) continue; // reported by the check above
      try {
        expect(await importInPage<number>(page, code, '(module) => Object.keys(module).length'), name).toBeGreaterThan(0);
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
