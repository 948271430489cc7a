import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of a file, or of its first `bytes` bytes; streamed, so large files cost no memory. */
export async function sha256OfFile(path: string, bytes?: number): Promise<string> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash.digest('hex');
  for await (const chunk of createReadStream(path, bytes === undefined ? {} : { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
