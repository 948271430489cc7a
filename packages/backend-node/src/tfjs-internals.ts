// The tfjs internal this package relies on, checked against tfjs-node 4.22 (see @procrustes/core's tfjs-internals.ts).
import { tfjsInternalsError } from '@procrustes/core';

/** Whether the libtensorflow backend computes on a GPU (its `isUsingGpuDevice` field). */
export function isUsingGpuDevice(backend: object): boolean {
  const field = (backend as { isUsingGpuDevice?: unknown }).isUsingGpuDevice;
  if (typeof field !== 'boolean') throw tfjsInternalsError('@procrustes/backend-node', 'the tensorflow backend’s isUsingGpuDevice field');
  return field;
}
