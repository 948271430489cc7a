import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usageError } from '@procrustes/core';
import { makeDirectory } from '@procrustes/core/node';
import { CONFIG_FILE } from './read-run.js';

/**
 * Checks a run directory before anything is read or trained: a new run needs an absent or
 * empty writable directory (or `overwrite`, which keeps files that are not a run's); resuming
 * needs a run there. Creates the directory for a new run.
 */
export function prepareRunDirectory(directory: string, options: { resume?: boolean; overwrite?: boolean } = {}): void {
  if (directory.trim() === '') throw usageError('--out is empty: name the run directory, e.g. --out runs/x');
  if (existsSync(directory) && !statSync(directory).isDirectory()) throw usageError(`--out ${directory} is a file, not a directory: choose another --out`);
  const holdsRun = existsSync(`${directory}/${CONFIG_FILE}`);
  if (options.resume) {
    if (options.overwrite) throw usageError('--resume and --force contradict each other: --resume continues the run, --force starts it over');
    if (!holdsRun) throw usageError(`cannot resume: ${directory} has no ${CONFIG_FILE} (start a new run without --resume)`);
    return;
  }
  if (existsSync(directory) && readdirSync(directory).length > 0 && !options.overwrite) {
    if (!holdsRun) {
      const entries = readdirSync(directory);
      throw usageError(
        `--out ${directory} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) and holds no run: choose a new or empty directory, or pass --force to write the run beside those files (they are kept)`,
      );
    }
    throw usageError(`${directory} already holds a run: pass --resume to continue it or --force to start over in it`);
  }
  const parent = existsSync(directory) ? directory : dirname(resolve(directory));
  try {
    makeDirectory(parent);
    accessSync(parent, constants.W_OK);
  } catch {
    throw usageError(`cannot write the run directory ${directory}: choose a writable --out`);
  }
}
