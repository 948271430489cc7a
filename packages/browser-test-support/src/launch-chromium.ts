import { type Browser, chromium } from 'playwright-core';
import { chromiumPath } from './chromium-path.js';

/**
 * 'none': no GPU process (pages that draw with canvas or compute on the CPU);
 * 'software-webgl': WebGL 2 through SwiftShader, the only WebGL a machine without a GPU has
 * (Chromium 156 still falls back to it unasked; the flags keep it once that fallback is gone).
 */
export type ChromiumGraphics = 'none' | 'software-webgl';

// Quiet and offline: a test's page must not wait on the network or on Chrome's own services.
const QUIET = ['--headless', '--no-sandbox', '--no-first-run', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const GRAPHICS: Record<ChromiumGraphics, string[]> = {
  none: ['--disable-gpu'],
  'software-webgl': ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
};

/** Headless Chromium as every browser test of this repository starts it. */
export function launchChromium(graphics: ChromiumGraphics = 'none'): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...QUIET, ...GRAPHICS[graphics]] });
}
