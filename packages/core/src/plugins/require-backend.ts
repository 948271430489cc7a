import * as tf from '@tensorflow/tfjs-core';
import { usageError } from '../errors.js';

/**
 * The name of the TensorFlow.js backend computations will run on, or an error that says how
 * to get one, instead of tfjs's bare "No backend found in registry.".
 */
export function requireBackend(purpose: string): string {
  let name: string | undefined;
  try {
    name = tf.getBackend();
  } catch {
    name = undefined;
  }
  if (name === undefined || name === null) {
    throw usageError(
      `${purpose} computes on a TensorFlow.js backend and none is registered: activate one first, ` +
        "e.g. `await wasmBackendPlugin.activate()` from '@procrustes/backend-wasm' (or `await cpuBackendPlugin.activate()` from '@procrustes/backend-cpu')",
    );
  }
  return name;
}
