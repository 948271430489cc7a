import { setWinogradMode, winogradMode, type WinogradMode } from '@procrustes/backend-wasm';
import { usageError } from '@procrustes/core';

/** Parses --winograd: the Winograd mode of the WASM kernels while measuring. */
export function parseWinogradMode(value: string): WinogradMode {
  if (value === 'off' || value === 'auto') return value;
  if (value === '2' || value === '4') return Number(value) as 2 | 4;
  throw usageError(`--winograd ${value}: use off (the direct kernels), auto (as in training), 2 or 4`);
}

/**
 * Runs a measurement with the WASM kernels in the given Winograd mode, restoring the mode after.
 * Ratios are a measurement: with the direct kernels they agree with a float64 reference within
 * about 2e-6, with Winograd tiles 5–10× less closely (training keeps Winograd for speed).
 */
export async function measuredWith<T>(mode: WinogradMode, measure: () => Promise<T>): Promise<T> {
  const before = winogradMode();
  setWinogradMode(mode);
  try {
    return await measure();
  } finally {
    setWinogradMode(before);
  }
}
