import type { HostBatch } from '@procrustes/data';

/** The shards of a batch as data-parallel training splits it: equal parts, the last one shorter. */
export function batchShards(batch: HostBatch, shards: number, imageSize: number): HostBatch[] {
  const size = Math.ceil(batch.size / shards);
  const parts: HostBatch[] = [];
  for (let start = 0; start < batch.size; start += size) {
    const end = Math.min(batch.size, start + size);
    parts.push({ inputs: batch.inputs.subarray(start * imageSize, end * imageSize), labels: batch.labels.subarray(start, end), size: end - start });
  }
  return parts;
}
