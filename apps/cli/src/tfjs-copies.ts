import { createRequire } from 'node:module';
import { sep } from 'node:path';

/** The directories of the copies of @tensorflow/tfjs-core loaded into this process, from the module cache. */
export function loadedTfjsCoreCopies(files: readonly string[] = Object.keys(createRequire(import.meta.url).cache)): string[] {
  const marker = `${sep}@tensorflow${sep}tfjs-core${sep}`;
  const copies = new Set<string>();
  for (const file of files) {
    const at = file.lastIndexOf(marker);
    if (at >= 0) copies.add(file.slice(0, at + marker.length - 1));
  }
  return [...copies].sort();
}

/**
 * What to tell the user when more than one copy is loaded: npm gives each package of a global
 * install its own copy of a peer dependency unless the same command installs it too, and tfjs
 * prints "Platform node has already been set" for every copy after the first. The copies share
 * one engine, but a tensor made by one is not an instance of another's Tensor class.
 */
export function tfjsCopiesWarning(copies: readonly string[]): string | undefined {
  if (copies.length <= 1) return undefined;
  const shown = copies.slice(0, 3).join(', ') + (copies.length > 3 ? `, and ${copies.length - 3} more` : '');
  return (
    `procrustes: ${copies.length} copies of @tensorflow/tfjs-core are loaded (hence tfjs's "Platform node has already been set" above): ${shown}. ` +
    'A tensor made by one copy is not a tensor to another. This happens when several @procrustes packages are installed globally in one command: ' +
    'add @tensorflow/tfjs-core@4.22.0 to that command (npm install -g @procrustes/cli … @tensorflow/tfjs-core@4.22.0), or install @procrustes/cli alone (it brings the packages it needs).'
  );
}
