import type { Page } from 'playwright-core';

/**
 * Imports the ES module `source` in `page` and returns what `use` (the source of a function of
 * the module, run in the page: `'(module) => module.runChecks()'`) resolves to. A module that
 * fails to load, or a `use` that throws, rejects with the page's error.
 */
export async function importInPage<T>(page: Page, source: string, use: string): Promise<T> {
  await page.evaluate((text) => Object.assign(globalThis, { bundleSource: text }), source);
  // A string, not a function: vitest would rewrite a function's import() for Node.
  return (await page.evaluate(`(async () => {
    const url = URL.createObjectURL(new Blob([globalThis.bundleSource], { type: 'text/javascript' }));
    try {
      return await (${use})(await import(url));
    } finally {
      URL.revokeObjectURL(url);
    }
  })()`)) as T;
}
