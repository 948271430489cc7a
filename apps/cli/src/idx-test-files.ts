/** An IDX file of unsigned bytes (the format of MNIST and Fashion-MNIST), for tests that write their own data. */
export function idxFile(dimensions: number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dimensions.length);
  header[2] = 0x08;
  header[3] = dimensions.length;
  for (const [i, d] of dimensions.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, data]);
}
