export { chromiumPath, chromiumSkipReason } from './chromium-path.js';
export { launchChromium, type ChromiumGraphics } from './launch-chromium.js';
export type { Browser, Page } from 'playwright-core';
export { bundleForBrowser } from './bundle-for-browser.js';
export { importInPage } from './import-in-page.js';
