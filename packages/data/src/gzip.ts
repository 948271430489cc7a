import CRC32 from 'crc-32';
import { Gunzip } from 'fflate';
import { isUsageError, usageError } from '@procrustes/core';

/** No file a dataset reader decompresses is larger than this (Fashion-MNIST's largest: 47 MB). */
export const DECOMPRESSED_SIZE_LIMIT = 1 << 30;

/** Input is fed in pieces this large, so that output is checked against its bound as it grows. */
const PIECE = 1 << 14;

/**
 * Decompresses gzip data (recognised by its magic bytes); other data is returned as is. The
 * trailer is checked (CRC-32 and length of the output), so damaged data is an error, never data.
 * Output stops at a bound: `expectedSize` (told the first bytes of the output, e.g. an IDX
 * header; undefined while it cannot tell) or `DECOMPRESSED_SIZE_LIMIT`, so a gzip bomb is refused
 * after at most the bound, not after exhausting memory.
 */
export function maybeGunzip(bytes: Uint8Array, source: string, expectedSize?: (head: Uint8Array) => number | undefined): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const damaged = (why: string) => usageError(`${source}: damaged gzip data (${why}); delete the file and fetch it again`);
  if (bytes.length < 18) throw damaged(`${bytes.length} bytes is shorter than a gzip header and trailer`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let crc = 0;
  let bound: number | undefined;
  let head: Uint8Array = new Uint8Array(0);
  const gunzip = new Gunzip((chunk) => {
    total += chunk.length;
    if (bound === undefined && expectedSize) {
      if (head.length < 64) head = concat([head, chunk.subarray(0, 64)]);
      bound = expectedSize(head);
    }
    const limit = Math.min(bound ?? DECOMPRESSED_SIZE_LIMIT, DECOMPRESSED_SIZE_LIMIT);
    if (total > limit) {
      throw usageError(
        `${source}: decompresses to more than ${limit.toLocaleString('en-US')} bytes${bound !== undefined ? ', what its header announces' : ', the most a dataset file may have'}: it is not a dataset file (or is damaged); delete it and fetch it again`,
      );
    }
    crc = CRC32.buf(chunk, crc);
    chunks.push(chunk);
  });
  try {
    for (let at = 0; at < bytes.length; at += PIECE) gunzip.push(bytes.subarray(at, at + PIECE), at + PIECE >= bytes.length);
  } catch (error) {
    if (isUsageError(error)) throw error; // the bound's
    throw damaged((error as Error).message);
  }
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  if (trailer.getUint32(0, true) !== crc >>> 0)
    throw damaged(`its CRC-32 is ${(crc >>> 0).toString(16).padStart(8, '0')}, the trailer says ${trailer.getUint32(0, true).toString(16).padStart(8, '0')}`);
  if (trailer.getUint32(4, true) !== total % 2 ** 32) throw damaged(`it decompresses to ${total} bytes, the trailer says ${trailer.getUint32(4, true)} (mod 2³²)`);
  return concat(chunks, total);
}

function concat(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
