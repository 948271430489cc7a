import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publint } from 'publint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Published packages only: the private app `web` is a page, not a package.
const packageDirectories = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((directory) => JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')).private !== true);

// What npm would publish: a valid exports map, files that exist in the packed tarball, types.
describe('every workspace package packs into a valid tarball', () => {
  it.each(packageDirectories.map((d) => [JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name as string, d]))(
    '%s',
    async (_, directory) => {
      const { messages } = await publint({ pkgDir: directory, level: 'warning', pack: 'npm' });
      expect(messages).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
      expect(manifest.exports['.'].types).toMatch(/\.d\.ts$/);
      expect(manifest.license).toBeTruthy();
    },
    60_000,
  );
});
