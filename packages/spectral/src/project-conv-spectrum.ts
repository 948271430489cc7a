import { requireBackend, tf, usageError } from '@procrustes/core';
import { projectComplexMatrix, type SpectrumTarget } from './complex-matrix-spectrum.js';
import { addInverseTerm, frequencyMatrix, inverseKernelDft, isCanonicalFrequency, kernelDft, partnerFrequency, rowTransform } from './dft.js';
import { checkInputSize, readKernel, type KernelData, type KernelInput } from './kernel.js';
import { newtonSchulzPolarFactors } from './newton-schulz.js';

export type { SpectrumTarget } from './complex-matrix-spectrum.js';

export interface ProjectionOptions {
  /** 'exact': per frequency, the eigendecomposition of its Gram matrix (float64, host); 'newton-schulz': the paper's iteration, batched on the active backend. */
  method?: 'exact' | 'newton-schulz';
  /** Newton–Schulz iterations (default 20: float32 precision on the reference cases; 10 leaves up to 1e-4). */
  iterations?: number;
  /**
   * 'reference-code' reproduces the paper's published code, which rebuilds the complex
   * matrices with the wrong conjugation and so returns the circularly flipped projection.
   */
  compat?: 'reference-code';
}

function checkTarget(target: SpectrumTarget): void {
  if (target?.mode === 'procrustes') {
    if (!(Number.isFinite(target.scale) && target.scale > 0)) throw usageError(`procrustes scale must be a positive number, got ${target.scale}`);
  } else if (target?.mode === 'clip') {
    if (!(Number.isFinite(target.max) && target.max >= 0)) throw usageError(`clip max must be a non-negative number, got ${target.max}`);
  } else {
    throw usageError(`unknown projection mode '${(target as { mode?: string })?.mode}': choose procrustes or clip`);
  }
}

/**
 * The nearest matrix (Frobenius) with the target spectrum: all singular values `scale`
 * (Procrustes) or capped at `max` (clip). A row-major rows×columns matrix, in float64 on the host:
 * a dense layer's kernel, whose operator is the plain matrix. Returns the matrix and its singular
 * values after the projection (largest first).
 */
export function projectMatrixSpectrum(data: ArrayLike<number>, rows: number, columns: number, target: SpectrumTarget): { matrix: Float64Array; singularValues: number[] } {
  checkTarget(target);
  if (data.length !== rows * columns) throw usageError(`a ${rows}×${columns} matrix needs ${rows * columns} values, got ${data.length}`);
  const matrix = Float64Array.from(data);
  const before = projectComplexMatrix(matrix, new Float64Array(matrix.length), rows, columns, target);
  return { matrix, singularValues: Array.from(before, (s) => (target.mode === 'procrustes' ? target.scale : Math.min(s, target.max))) };
}

/**
 * Projects each frequency's matrix (exactly, on the host) and sums the inverse transform as it
 * goes: one frequency of each conjugate pair is transformed, projected and added twice (its
 * partner's projection is the conjugate), so the full spectrum is never held.
 */
function projectKernelSpectrum(kernel: KernelData, n: number, m: number, target: SpectrumTarget, flip: boolean): { data: Float64Array; largest: number; smallest: number } {
  const [kh, kw, rows, columns] = kernel.shape;
  const transform = rowTransform(kernel, n, m);
  const real = new Float64Array(rows * columns);
  const imaginary = new Float64Array(rows * columns);
  const out = new Float64Array(kh * kw * rows * columns);
  let largest = 0;
  let smallest = Number.POSITIVE_INFINITY;
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < m; v++) {
      if (!isCanonicalFrequency(u, v, n, m)) continue;
      frequencyMatrix(transform, u, v, real, imaginary);
      const before = projectComplexMatrix(real, imaginary, rows, columns, target);
      largest = Math.max(largest, before[0]);
      smallest = Math.min(smallest, before[before.length - 1]);
      const [pu, pv] = partnerFrequency(u, v, n, m);
      if (pu !== u || pv !== v) {
        for (let e = 0; e < real.length; e++) {
          real[e] *= 2;
          imaginary[e] *= 2;
        }
      }
      addInverseTerm(out, real, imaginary, u, v, { n, m, kh, kw, flip });
    }
  }
  return { data: out, largest, smallest };
}

/**
 * A 1×1 kernel's DFT is the same real matrix at every frequency, and so is its projection:
 * one frequency gives the result for any DFT size (and its circular flip is itself).
 */
function effectiveDftSize(kernel: KernelData, inputSize: readonly [number, number]): [number, number] {
  return kernel.shape[0] === 1 && kernel.shape[1] === 1 ? [1, 1] : [inputSize[0], inputSize[1]];
}

/** Synchronous exact projection of a validated host kernel. */
export function projectKernelExact(kernel: KernelData, inputSize: readonly [number, number], target: SpectrumTarget, compat?: 'reference-code'): KernelData {
  return projectKernelMeasured(kernel, inputSize, target, compat).kernel;
}

/**
 * `projectKernelExact`, also giving the input's largest and smallest singular value at
 * `inputSize`: the projection computes them anyway, and a repeated projection needs them to stop.
 */
export function projectKernelMeasured(
  kernel: KernelData,
  inputSize: readonly [number, number],
  target: SpectrumTarget,
  compat?: 'reference-code',
): { kernel: KernelData; largest: number; smallest: number } {
  checkTarget(target);
  const [n, m] = effectiveDftSize(kernel, inputSize);
  const { data, largest, smallest } = projectKernelSpectrum(kernel, n, m, target, compat === 'reference-code');
  return { kernel: { shape: kernel.shape, data }, largest, smallest };
}

/**
 * Projects a convolution kernel onto a spectrum: per DFT frequency at `inputSize`, A = UΣVᴴ
 * becomes scale·UVᴴ (Procrustes) or U·min(Σ, max)·Vᴴ (clip); the inverse DFT is cut back to
 * the kernel's support. Takes a tensor (returns a new tensor) or {shape, data} (returns the same form).
 *
 * What it guarantees: the kernel *before* the cut is the nearest (Frobenius) one with that
 * spectrum. The cut moves the singular values again, so one projection does not make them all
 * equal (a random 3×3 kernel at 8×8 spreads over 0.04–1.39 after Procrustes with scale 1);
 * `projectConvSpectrumRepeated` repeats it to a tolerance and reports how close it got.
 */
export async function projectConvSpectrum(kernel: tf.Tensor, inputSize: readonly number[], target: SpectrumTarget, options?: ProjectionOptions): Promise<tf.Tensor4D>;
export async function projectConvSpectrum(kernel: KernelData, inputSize: readonly number[], target: SpectrumTarget, options?: ProjectionOptions): Promise<KernelData>;
export async function projectConvSpectrum(
  kernel: KernelInput,
  inputSize: readonly number[],
  target: SpectrumTarget,
  options: ProjectionOptions = {},
): Promise<tf.Tensor4D | KernelData> {
  checkTarget(target);
  const k = await readKernel(kernel);
  const size = checkInputSize(inputSize, k, 1);
  const method = options.method ?? 'exact';
  let result: KernelData;
  if (method === 'exact') {
    result = projectKernelExact(k, size, target, options.compat);
  } else if (method === 'newton-schulz') {
    if (target.mode !== 'procrustes') throw usageError("method 'newton-schulz' computes Procrustes projections only; use method 'exact' for clip");
    requireBackend("projectConvSpectrum with method 'newton-schulz'");
    const [kh, kw] = k.shape;
    const [n, m] = effectiveDftSize(k, size);
    const spectrum = kernelDft(k, n, m);
    await newtonSchulzPolarFactors(spectrum, target.scale, options.iterations ?? 20);
    result = { shape: k.shape, data: inverseKernelDft(spectrum, kh, kw, options.compat === 'reference-code') };
  } else {
    throw usageError(`unknown method '${method}': choose exact or newton-schulz`);
  }
  if (kernel instanceof tf.Tensor) return tf.tensor4d(Float32Array.from(result.data), result.shape);
  return result;
}
