import { afterAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, importInPage, launchChromium } from './index.js';

describe('chromiumSkipReason', () => {
  it('names the missing path and how to get Chromium', () => {
    expect(chromiumSkipReason('/nowhere/chromium')).toBe(' (skipped: /nowhere/chromium is missing; apt-get install -y chromium, or set CHROMIUM_PATH)');
  });
  it('is empty where the file exists', () => {
    expect(chromiumSkipReason(process.execPath)).toBe('');
  });
});

const skipped = chromiumSkipReason();
describe.skipIf(skipped !== '')(`headless Chromium as the browser tests start it${skipped}`, () => {
  const browsers: Awaited<ReturnType<typeof launchChromium>>[] = [];
  afterAll(async () => Promise.all(browsers.map((b) => b.close())));

  it('imports a module in a page and returns what the function of it gives; a failing module rejects with its error', async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await browser.newPage();
    const source = 'export const answer = 21; export function twice(x) { return 2 * x; }';
    expect(await importInPage<number>(page, source, '(module) => module.twice(module.answer)')).toBe(42);
    await expect(importInPage(page, "throw new Error('broken at load');", '(module) => module')).rejects.toThrow(/broken at load/);
  }, 60_000);

  it("has WebGL 2 through SwiftShader with 'software-webgl', as the WebGL tests need", async () => {
    const browser = await launchChromium('software-webgl');
    browsers.push(browser);
    const page = await browser.newPage();
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'no WebGL 2';
    });
    expect(renderer).toMatch(/SwiftShader/);
  }, 60_000);
});
