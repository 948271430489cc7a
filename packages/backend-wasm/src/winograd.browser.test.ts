import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, chromiumSkipReason, launchChromium } from '@procrustes/browser-test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageWinograd } from './winograd.browser-entry.js';

const skipped = chromiumSkipReason();
const wasmDirectory = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

const relativeError = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

// The browser build gets the same kernels: the bundled package in headless Chromium (not
// cross-origin isolated, so tfjs's unthreaded build, where the hand-written module runs).
describe.skipIf(skipped !== '')(`Winograd convolutions in headless Chromium${skipped}`, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let server: Server | undefined;
  let outcome: PageWinograd;

  beforeAll(async () => {
    const bundle = await bundleForBrowser(join(dirname(fileURLToPath(import.meta.url)), 'winograd.browser-entry.ts'));
    // One origin serves the page, the bundle and tfjs's .wasm files.
    server = createServer((request, response) => {
      const name = (request.url ?? '/').slice(1);
      if (name === 'entry.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      } else if (/^[\w-]+\.wasm$/.test(name) && existsSync(join(wasmDirectory, name))) {
        response.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(join(wasmDirectory, name)));
      } else {
        response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>winograd</title>');
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    // A string, not a function: vitest would rewrite a function's import() for Node.
    outcome = await page.evaluate(`(async () => (await import('${origin}/entry.js')).runWinograd('${origin}/'))()`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('runs the hand-written kernels there, and F(2×2,3×3) and F(4×4,3×3) agree with XNNPACK and the direct kernels for all three passes', () => {
    expect(outcome.device).toMatch(/Procrustes SIMD kernels/);
    const off = outcome.passes.off;
    for (const [mode, tolerance] of [
      ['2', 1e-6],
      ['4', 5e-6],
    ] as const) {
      for (const pass of ['forward', 'inputGradient', 'filterGradient'] as const) {
        expect(relativeError(outcome.passes[mode][pass], off[pass]), `F(${mode}) ${pass}`).toBeLessThan(tolerance);
        // Not bit for bit: the Winograd path really ran.
        expect(outcome.passes[mode][pass], `F(${mode}) ${pass}`).not.toEqual(off[pass]);
      }
    }
    expect(outcome.tensorDrift).toBe(0);
  });
});
