import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumSkipReason, launchChromium } from '@procrustes/browser-test-support';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.gz': 'application/octet-stream' };

/** A static server for the production build on loopback; cross-origin isolated (threads) only when asked. */
function serve(isolated = false): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(join(dist, decodeURIComponent(new URL(request.url!, 'http://x').pathname)));
    const file = path.endsWith('/') || path === dist ? join(path, 'index.html') : path;
    if (!file.startsWith(dist) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const isolation = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...isolation }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

const skipped = chromiumSkipReason() || (existsSync(join(dist, 'index.html')) ? '' : ' (skipped: the page is not built; run the build first)');

describe.skipIf(skipped !== '')(`the training page in a real headless browser${skipped}`, () => {
  let browser: Browser;
  let site: { server: Server; url: string };
  beforeAll(async () => {
    site = await serve();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    site?.server.close();
  });

  for (const viewport of [
    { name: 'desktop', width: 1200, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    it(`${viewport.name}: trains in a worker, fills the heatmap for every unit, the loss is finite and falls, no console errors`, async () => {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(site.url);
      await page.selectOption('select[name=family]', 'resnet');
      await page.fill('input[name=n]', '1');
      await page.selectOption('select[name=backend]', 'wasm');
      await page.click('#start');
      await page.waitForFunction(() => Number(document.getElementById('status')!.dataset.steps) >= 30, undefined, { timeout: 120_000 });
      const state = await page.$eval('#status', (el) => ({ ...(el as HTMLElement).dataset }));
      expect(Number(state.units)).toBe(3);
      expect(state.unitsWithData).toBe(state.units);
      expect(Number.isFinite(Number(state.loss))).toBe(true);
      const losses = await page.evaluate(() => {
        // The loss chart's data, read from the page's ECharts instance via its DOM.
        const text = document.getElementById('status')!.dataset;
        return { first: Number(text.firstLoss), last: Number(text.loss) };
      });
      expect(losses.last).toBeLessThan(losses.first);
      const cells = await page.$$eval('#heatmap svg path, #heatmap svg rect', (nodes) => nodes.length);
      expect(cells).toBeGreaterThan(30);
      // Export: the CLI's files (weights in TensorFlow.js format, probes and metrics as JSON Lines).
      const downloads: string[] = [];
      page.on('download', (d) => downloads.push(d.suggestedFilename()));
      await page.click('#export');
      await expect.poll(() => downloads.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
      expect(downloads.sort()).toEqual(['config.json', 'metrics.jsonl', 'model.json', 'probes.jsonl', 'weights.bin']);
      // The page stays responsive however fast steps arrive and however many there are: past the
      // heatmap's column budget (240 columns) the cells stay bounded and a click is handled at once.
      await page.waitForFunction(() => Number(document.getElementById('status')!.dataset.steps) >= 300, undefined, { timeout: 120_000 });
      const cellsLater = await page.$$eval('#heatmap svg path, #heatmap svg rect', (nodes) => nodes.length);
      expect(cellsLater).toBeLessThan(240 * 3 + 100);
      await page.click('#pause', { timeout: 5_000 });
      expect(await page.textContent('#pause')).toBe('Resume');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(errors).toEqual([]);
      expect(await page.textContent('#backend')).toMatch(/^wasm: CPU, WebAssembly SIMD, 1 thread, Procrustes SIMD kernels$/);
      await page.screenshot({ path: join(dist, `..`, `screenshot-${viewport.name}.png`), fullPage: true });
      await page.close();
    }, 180_000);
  }

  it('uses the threaded WASM build when the page is cross-origin isolated (threads: half the cores, as tfjs sizes its pool)', async () => {
    const isolatedSite = await serve(true);
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(isolatedSite.url);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.selectOption('select[name=backend]', 'wasm');
      await page.click('#start');
      await page.waitForFunction(() => Number(document.getElementById('status')!.dataset.steps) >= 3, undefined, { timeout: 120_000 });
      const hardware = await page.evaluate(() => navigator.hardwareConcurrency);
      const expected = Math.min(4, Math.max(1, Math.floor(hardware / 2)));
      expect(await page.textContent('#backend')).toMatch(new RegExp(`threaded build, ${expected} threads?$`));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      isolatedSite.server.close();
    }
  }, 180_000);

  it('trains on WebGL where the browser has it (WebGL2 through SwiftShader here: software, so correctness, not speed)', async () => {
    const webglBrowser = await launchChromium('software-webgl');
    try {
      const page = await webglBrowser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(site.url);
      await page.selectOption('select[name=family]', 'resnet');
      await page.fill('input[name=n]', '1');
      await page.click('#start'); // backend 'auto'
      await page.waitForFunction(() => Number(document.getElementById('status')!.dataset.steps) >= 10, undefined, { timeout: 150_000 });
      expect(await page.textContent('#backend')).toMatch(/^webgl: CPU, software WebGL 2 \(ANGLE .*SwiftShader/);
      const state = await page.$eval('#status', (el) => ({ ...(el as HTMLElement).dataset }));
      expect(state.unitsWithData).toBe(state.units);
      expect(Number.isFinite(Number(state.loss))).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await webglBrowser.close();
    }
  }, 240_000);
});
