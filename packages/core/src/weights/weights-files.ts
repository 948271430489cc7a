import { readFile } from 'node:fs/promises';
import { makeDirectory } from '../files/make-directory.js';
import { writeFileAtomically } from '../files/write-file-atomically.js';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { usageError } from '../errors.js';
import { createParameters, type NetworkParameters } from '../network/parameters.js';
import type { NetworkSpec } from '../network/spec.js';
import { decodeWeights, encodeWeights, WEIGHTS_SHARD_NAME } from './weights-format.js';

/**
 * Writes `model.json` and `weights.bin` into `directory`. Each file is written to a temporary
 * name and renamed, so a reader never sees half a file.
 */
export async function saveWeights(directory: string, tensors: Record<string, tf.Tensor>, metadata?: Record<string, unknown>): Promise<void> {
  const { modelJson, shard } = await encodeWeights(tensors, metadata);
  makeDirectory(directory);
  const shardPath = join(directory, WEIGHTS_SHARD_NAME);
  await writeFileAtomically(shardPath, shard);
  await writeFileAtomically(join(directory, 'model.json'), JSON.stringify(modelJson, null, 1));
}

/**
 * Reads a TensorFlow.js weights directory into host arrays by name. Shards are read only from
 * the directory itself (a path that leads out of it is refused), and with `shards` only those
 * named files (the ones a checkpoint's manifest checksums).
 */
export async function loadWeights(directory: string, options: { shards?: readonly string[] } = {}): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  const jsonPath = join(directory, 'model.json');
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${jsonPath}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError(`${jsonPath} is not valid JSON`);
  }
  return decodeWeights(
    json,
    (path) => {
      if (typeof path !== 'string' || basename(path) !== path || path === '' || path === '.' || path === '..')
        throw usageError(`${jsonPath} names the weight shard ${JSON.stringify(path)} outside its directory: shards must be files beside model.json`);
      if (options.shards && !options.shards.includes(path))
        throw usageError(`${jsonPath} names the weight shard '${path}', which its checkpoint's manifest does not checksum (only ${options.shards.join(', ')})`);
      try {
        return new Uint8Array(readFileSync(join(directory, path)));
      } catch (error) {
        throw usageError(`cannot read weight shard ${join(directory, path)}: ${(error as Error).message}`);
      }
    },
    jsonPath,
  );
}

/** Loads a weights directory as the parameters of `spec`, checking names and shapes. */
export async function loadParameters(directory: string, spec: NetworkSpec): Promise<NetworkParameters> {
  const weights = await loadWeights(directory);
  for (const p of spec.parameters) {
    const w = weights.get(p.name);
    if (!w) throw usageError(`${directory} has no weight '${p.name}' needed by ${spec.name}`);
    if (w.shape.join('x') !== p.shape.join('x')) {
      throw usageError(`${directory}: weight '${p.name}' has shape [${w.shape}] but ${spec.name} needs [${p.shape}]`);
    }
  }
  const extra = [...weights.keys()].filter((name) => !spec.parameters.some((p) => p.name === name));
  if (extra.length > 0) throw usageError(`${directory} has weights that ${spec.name} does not have: ${extra.slice(0, 5).join(', ')}`);
  return createParameters(spec, (p) => weights.get(p.name)!.values);
}
