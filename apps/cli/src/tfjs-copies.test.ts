import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadedTfjsCoreCopies, tfjsCopiesWarning } from './tfjs-copies.js';

describe('copies of tfjs-core in one process', () => {
  it('finds one copy in this workspace (every package resolves the same tfjs-core)', async () => {
    await import('@procrustes/core');
    await import('@procrustes/backend-wasm');
    const copies = loadedTfjsCoreCopies();
    expect(copies).toHaveLength(1);
    expect(tfjsCopiesWarning(copies)).toBeUndefined();
  });

  it('names each copy of a global install where every package got its own, and the install that gives one', () => {
    const global = join(sep, 'usr', 'lib', 'node_modules', '@procrustes');
    const file = (owner: string, path: string) => join(global, owner, 'node_modules', '@tensorflow', 'tfjs-core', 'dist', path);
    const copies = loadedTfjsCoreCopies([
      file('core', 'tf-core.node.js'),
      file('core', 'index.js'),
      file('backend-wasm', 'tf-core.node.js'),
      file('backend-cpu', 'tf-core.node.js'),
      join(global, 'cli', 'dist', 'bin.js'),
    ]);
    expect(copies).toEqual([
      join(global, 'backend-cpu', 'node_modules', '@tensorflow', 'tfjs-core'),
      join(global, 'backend-wasm', 'node_modules', '@tensorflow', 'tfjs-core'),
      join(global, 'core', 'node_modules', '@tensorflow', 'tfjs-core'),
    ]);
    const warning = tfjsCopiesWarning(copies)!;
    expect(warning).toMatch(/^procrustes: 3 copies of @tensorflow\/tfjs-core are loaded/);
    expect(warning).toContain(copies[0]);
    expect(warning).toMatch(/npm install -g @procrustes\/cli … @tensorflow\/tfjs-core@4\.22\.0/);
  });
});
