import { gzipSync } from 'fflate';

/** Builds IDX files of unsigned bytes for tests. */
export function idxBytes(dimensions: number[], data: Uint8Array, magicType = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dimensions.length);
  const view = new DataView(header.buffer);
  header[2] = magicType;
  header[3] = dimensions.length;
  dimensions.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}

/** CIFAR records with pixel value (record + plane) so channel order can be checked. */
export function cifarBytes(labels: number[], variant: 'cifar-10' | 'cifar-100'): Uint8Array {
  const labelBytes = variant === 'cifar-10' ? 1 : 2;
  const record = labelBytes + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((label, r) => {
    if (labelBytes === 2) out[r * record] = label % 20;
    out[r * record + labelBytes - 1] = label;
    for (let plane = 0; plane < 3; plane++) out.fill((r * 10 + plane) % 256, r * record + labelBytes + plane * 1024, r * record + labelBytes + (plane + 1) * 1024);
  });
  return out;
}
