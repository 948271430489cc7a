import { gunzipSync } from 'fflate';
import { usageError } from '@procrustes/core';

/** Decompresses gzip data (recognised by its magic bytes); other data is returned as is. */
export function maybeGunzip(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw usageError(`${source}: damaged gzip data (${(error as Error).message}); delete the file and fetch it again`);
  }
}
