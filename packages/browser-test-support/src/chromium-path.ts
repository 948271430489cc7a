import { existsSync } from 'node:fs';

/** Debian's chromium unless CHROMIUM_PATH names another build. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why a browser test cannot run here, for its title (a skipped test says why), or '' where
 * Chromium is at `path`.
 */
export function chromiumSkipReason(path = chromiumPath): string {
  return existsSync(path) ? '' : ` (skipped: ${path} is missing; apt-get install -y chromium, or set CHROMIUM_PATH)`;
}
