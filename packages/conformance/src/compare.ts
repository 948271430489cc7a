/** Relative L2 error ‖a − b‖ / max(‖b‖, tiny): robust for tensors of any scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let difference = 0;
  let reference = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = actual[i] - expected[i];
    difference += d * d;
    reference += expected[i] * expected[i];
  }
  if (!Number.isFinite(difference)) return Number.POSITIVE_INFINITY;
  return Math.sqrt(difference) / Math.max(Math.sqrt(reference), 1e-12);
}

export interface NamedValues {
  [name: string]: { shape: number[]; values: Float32Array };
}

/** Compares every named tensor; throws naming the worst one when any exceeds the tolerance. */
export function assertClose(actual: NamedValues, expected: NamedValues, tolerance: number, what: string): number {
  let worst = 0;
  let worstName = '';
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    if (!a) throw new Error(`${what}: '${name}' is missing on the backend under test`);
    if (a.shape.join('x') !== e.shape.join('x')) throw new Error(`${what}: '${name}' has shape [${a.shape}], reference [${e.shape}]`);
    const error = relativeError(a.values, e.values);
    if (!(error <= worst)) {
      worst = error;
      worstName = name;
    }
  }
  if (!(worst <= tolerance)) {
    throw new Error(`${what}: '${worstName}' differs from the reference by ${worst.toExponential(2)} relative (tolerance ${tolerance})`);
  }
  return worst;
}
