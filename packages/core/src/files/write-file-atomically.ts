import { open, rename, rm, writeFile } from 'node:fs/promises';

export interface AtomicWriteOptions {
  /** Flush the file to the disk before it is renamed into place (checkpoints: survive a power cut, not just a kill). */
  durable?: boolean;
}

/**
 * Writes `data` to `path` so that a reader, or a process killed at any moment, sees either the
 * old file or the whole new one: it is written beside the target as `<path>.tmp` and renamed.
 * The one atomic write of the project.
 */
export async function writeFileAtomically(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    await writeFile(temporary, data);
    if (options.durable) {
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await rename(temporary, path);
}
