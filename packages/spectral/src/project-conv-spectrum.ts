import { Matrix, SVD } from 'ml-matrix';
import { requireBackend, tf, usageError } from '@procrustes/core';
import { embedComplex, extractComplex } from './complex-blocks.js';
import { inverseKernelDft, isCanonicalFrequency, kernelDft, partnerFrequency, type KernelSpectrum } from './dft.js';
import { checkInputSize, readKernel, type KernelData, type KernelInput } from './kernel.js';
import { newtonSchulzPolarFactors } from './newton-schulz.js';

/** Where the singular values go: all equal to `scale` (Procrustes), or capped at `max` (clip). */
export type SpectrumTarget = { mode: 'procrustes'; scale: number } | { mode: 'clip'; max: number };

export interface ProjectionOptions {
  /** 'exact': SVD per frequency (float64, host); 'newton-schulz': the paper's iteration, batched on the active backend. */
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

/** U·f(Σ)·Vᵀ of a real matrix: scale·U·Vᵀ or U·min(Σ, max)·Vᵀ. */
function projectMatrix(matrix: Matrix, target: SpectrumTarget): Matrix {
  return projectMatrixWithWeights(matrix, target).matrix;
}

function projectMatrixWithWeights(matrix: Matrix, target: SpectrumTarget): { matrix: Matrix; weights: number[] } {
  const svd = new SVD(matrix, { autoTranspose: true });
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const sigma = svd.diagonal;
  const k = sigma.length;
  const weights = sigma.map((s) => (target.mode === 'procrustes' ? target.scale : Math.min(s, target.max)));
  const scaledU = new Matrix(u.rows, k);
  for (let i = 0; i < u.rows; i++) for (let j = 0; j < k; j++) scaledU.set(i, j, u.get(i, j) * weights[j]);
  return { matrix: scaledU.mmul(v.subMatrix(0, v.rows - 1, 0, k - 1).transpose()), weights };
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
  const { matrix, weights } = projectMatrixWithWeights(Matrix.from1DArray(rows, columns, Array.from(data)), target);
  return { matrix: Float64Array.from(matrix.to1DArray()), singularValues: weights };
}

/** Replaces each frequency's matrix (exactly, on the host); conjugate partners by symmetry. */
function projectSpectrumExact(spectrum: KernelSpectrum, target: SpectrumTarget): void {
  const { n, m, rows, columns, real, imaginary } = spectrum;
  const block = rows * columns;
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < m; v++) {
      if (!isCanonicalFrequency(u, v, n, m)) continue;
      const offset = (u * m + v) * block;
      let projected: { real: Float64Array; imaginary: Float64Array };
      if (imaginary.subarray(offset, offset + block).every((x) => x === 0)) {
        // A real matrix (every frequency of a 1×1 kernel; u, v ∈ {0, n/2}): a real SVD, four to
        // eight times cheaper than the complex embedding's.
        const matrix = new Matrix(rows, columns);
        for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) matrix.set(i, j, real[offset + i * columns + j]);
        projected = { real: Float64Array.from(projectMatrix(matrix, target).to1DArray()), imaginary: new Float64Array(block) };
      } else {
        projected = extractComplex(
          projectMatrix(embedComplex(real.subarray(offset, offset + block), imaginary.subarray(offset, offset + block), rows, columns), target),
          rows,
          columns,
        );
      }
      real.set(projected.real, offset);
      imaginary.set(projected.imaginary, offset);
      const [pu, pv] = partnerFrequency(u, v, n, m);
      const partner = (pu * m + pv) * block;
      if (partner !== offset) {
        real.set(projected.real, partner);
        imaginary.set(
          projected.imaginary.map((x) => -x),
          partner,
        );
      }
    }
  }
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
  checkTarget(target);
  const [kh, kw] = kernel.shape;
  const [n, m] = effectiveDftSize(kernel, inputSize);
  const spectrum = kernelDft(kernel, n, m);
  projectSpectrumExact(spectrum, target);
  return { shape: kernel.shape, data: inverseKernelDft(spectrum, kh, kw, compat === 'reference-code') };
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
