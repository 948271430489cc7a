import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isUsageError, usageError } from '../errors.js';

/**
 * Creates a directory and its missing parents, one level at a time. Node 20's
 * `mkdir(path, { recursive: true })` never returns where a parent exists but refuses new
 * entries with ENOENT (`/proc`): measured, `--out /proc/x` hung forever. Errors name the path.
 */
export function makeDirectory(path: string): void {
  try {
    if (statSync(path).isDirectory()) return;
    throw usageError(`${path} is a file, not a directory: choose another path`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (isUsageError(error)) throw error;
      throw usageError(`cannot use the directory ${path}: ${(error as Error).message}`);
    }
  }
  const parent = dirname(path);
  if (parent !== path) makeDirectory(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw usageError(`cannot create the directory ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): choose a writable path`);
  }
}
