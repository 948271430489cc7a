import type * as tf from '@tensorflow/tfjs-core';
import { usageError } from '../errors.js';

/** One tensor entry of a TensorFlow.js weights manifest. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** The `model.json` written next to the binary shard, in TensorFlow.js's weights format. */
export interface WeightsModelJson {
  format: 'procrustes-weights';
  generatedBy: string;
  /** Free-form description of what the weights belong to (e.g. the network config). */
  metadata?: Record<string, unknown>;
  weightsManifest: Array<{ paths: string[]; weights: WeightEntry[] }>;
}

export const WEIGHTS_SHARD_NAME = 'weights.bin';

/** Encodes named tensors into a weights manifest and one binary shard (float32, little-endian). */
export async function encodeWeights(tensors: Record<string, tf.Tensor>, metadata?: Record<string, unknown>): Promise<{ modelJson: WeightsModelJson; shard: Uint8Array }> {
  const entries: WeightEntry[] = [];
  const chunks: Float32Array[] = [];
  let bytes = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32') throw new TypeError(`weight '${name}' has dtype ${tensor.dtype}; only float32 is stored`);
    const values = (await tensor.data()) as Float32Array;
    entries.push({ name, shape: [...tensor.shape], dtype: 'float32' });
    chunks.push(values);
    bytes += values.byteLength;
  }
  const shard = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    shard.set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset);
    offset += chunk.byteLength;
  }
  return {
    modelJson: {
      format: 'procrustes-weights',
      generatedBy: '@procrustes/core',
      metadata,
      weightsManifest: [{ paths: [WEIGHTS_SHARD_NAME], weights: entries }],
    },
    shard,
  };
}

/** Decodes a weights manifest and its shards (concatenated per group, in path order) into host arrays. */
export function decodeWeights(modelJson: unknown, readShard: (path: string) => Uint8Array, source = 'model.json'): Map<string, { shape: number[]; values: Float32Array }> {
  const manifest = (modelJson as { weightsManifest?: unknown })?.weightsManifest;
  if (!Array.isArray(manifest)) throw usageError(`${source} has no weightsManifest: it is not a TensorFlow.js weights file`);
  const result = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const group of manifest as Array<{ paths: string[]; weights: WeightEntry[] }>) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw usageError(`${source}: a weightsManifest group lacks 'paths' or 'weights'`);
    }
    const parts = group.paths.map((p) => readShard(p));
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    const blob = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      blob.set(p, at);
      at += p.byteLength;
    }
    let offset = 0;
    for (const entry of group.weights) {
      if (typeof entry?.name !== 'string') throw usageError(`${source}: a weight has no name`);
      if ((entry.dtype ?? 'float32') !== 'float32') throw usageError(`${source}: weight '${entry.name}' is ${entry.dtype}, only float32 is supported`);
      if (!Array.isArray(entry.shape) || entry.shape.some((d) => !Number.isInteger(d) || d < 0))
        throw usageError(`${source}: weight '${entry.name}' has the shape ${JSON.stringify(entry.shape)}: a shape is a list of non-negative integers`);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const end = offset + 4 * count;
      if (end > blob.byteLength) {
        throw usageError(`${source}: weight '${entry.name}' needs bytes ${offset}..${end} but the shards hold ${blob.byteLength}: the file is truncated`);
      }
      // Copy: the shard's byte offset need not be 4-aligned.
      const values = new Float32Array(blob.slice(offset, end).buffer);
      result.set(entry.name, { shape: [...entry.shape], values });
      offset = end;
    }
    if (offset !== blob.byteLength) {
      throw usageError(`${source}: the shards hold ${blob.byteLength} bytes but the manifest describes ${offset}`);
    }
  }
  return result;
}
