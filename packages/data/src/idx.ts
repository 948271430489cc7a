import { usageError } from '@procrustes/core';

/** An IDX array of unsigned bytes (the format of MNIST and Fashion-MNIST). */
export interface IdxArray {
  dimensions: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Parses an IDX file of unsigned bytes. Checks the magic number, the element type, the rank
 * expected by the caller and that the data length is exactly what the header announces.
 */
export function parseIdx(bytes: Uint8Array, source: string, expectedRank?: number): IdxArray {
  if (bytes.length < 4) throw usageError(`${source}: ${bytes.length} bytes is too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) {
    throw usageError(`${source}: not an IDX file (magic number 0x${view.getUint32(0).toString(16).padStart(8, '0')}, expected 0x0000080N)`);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== UNSIGNED_BYTE) throw usageError(`${source}: IDX element type 0x${type.toString(16)} is not supported (only unsigned bytes, 0x08)`);
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw usageError(`${source}: IDX rank ${rank}, expected ${expectedRank} (${expectedRank === 1 ? 'labels' : 'images'})`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw usageError(`${source}: truncated IDX header (${bytes.length} of ${headerSize} bytes)`);
  const dimensions: number[] = [];
  for (let i = 0; i < rank; i++) dimensions.push(view.getUint32(4 + 4 * i));
  const size = dimensions.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerSize;
  if (available < size) throw usageError(`${source}: truncated: the header announces ${size} bytes of data, the file has ${available}`);
  if (available > size) throw usageError(`${source}: ${available - size} unexpected bytes after the ${size} bytes the header announces`);
  return { dimensions, data: bytes.subarray(headerSize) };
}

/** The size of an IDX file as its header announces it, from the file's first bytes; undefined until the header is whole. */
export function idxFileSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const rank = head[3];
  const headerSize = 4 + 4 * rank;
  if (head.length < headerSize) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size = headerSize;
  let data = 1;
  for (let i = 0; i < rank; i++) data *= view.getUint32(4 + 4 * i);
  size += data;
  return size;
}
