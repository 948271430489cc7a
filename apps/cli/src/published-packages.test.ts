import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publint } from 'publint';

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Published packages only: the private app `web` is a page, not a package.
const packageDirectories = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(workspaceRoot, group)).map((name) => join(workspaceRoot, group, name)))
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
      // What the registry's page shows and links: metadata, and a README without relative links.
      const rootManifest = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8'));
      expect(manifest.repository).toMatchObject({ url: rootManifest.repository.url, directory: directory.slice(workspaceRoot.length + 1) });
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.bugs.url).toBe(rootManifest.bugs.url);
      expect(manifest.keywords).toEqual(expect.arrayContaining(['tensorflowjs']));
      expect(manifest.engines.node).toBe(rootManifest.engines.node);
      const readme = readFileSync(join(directory, 'README.md'), 'utf8');
      expect(readme.match(/\]\((?!https?:|#)[^)]*\)/g) ?? []).toEqual([]);
      expect(existsSync(join(directory, 'LICENSE'))).toBe(true);
      // The changes of each version, from the changesets (npm does not include it by itself).
      expect(manifest.files).toContain('CHANGELOG.md');
      expect(readFileSync(join(directory, 'CHANGELOG.md'), 'utf8')).toContain(`## ${manifest.version}`);
      // require() works where Node loads ES modules synchronously (a `default` condition).
      for (const [subpath, conditions] of Object.entries(manifest.exports as Record<string, unknown>)) {
        if (typeof conditions === 'object' && conditions !== null && 'import' in conditions) expect((conditions as Record<string, string>).default, subpath).toBeTruthy();
      }
    },
    60_000,
  );
});

// `changeset version` refuses the whole release when one changeset names a package that is not
// in the workspace (a renamed package did exactly that).
describe('every changeset names published workspace packages', () => {
  const names = new Set(packageDirectories.map((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name as string));
  const changesets = readdirSync(join(workspaceRoot, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  it.each(changesets)('%s', (file) => {
    const text = readFileSync(join(workspaceRoot, '.changeset', file), 'utf8');
    const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1];
    expect(front, `${file} has no front matter`).toBeDefined();
    const entries = front!.split('\n').filter((line) => line.trim() !== '');
    expect(entries.length).toBeGreaterThan(0);
    for (const line of entries) {
      const [, , name, bump] = /^(['"])([^'"]+)\1:\s*(patch|minor|major)$/.exec(line.trim()) ?? [];
      expect(bump, `${file}: '${line}' is not "package": patch|minor|major`).toBeDefined();
      expect(names.has(name!), `${file}: ${name} is not a published workspace package`).toBe(true);
    }
  });
});
