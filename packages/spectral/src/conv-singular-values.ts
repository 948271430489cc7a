import { Matrix, SVD } from 'ml-matrix';
import { embedComplex } from './complex-blocks.js';
import { isCanonicalFrequency, kernelDft, partnerFrequency } from './dft.js';
import { checkInputSize, readKernel, type KernelData, type KernelInput } from './kernel.js';
import { polyphaseKernel } from './polyphase.js';

export interface SingularValueOptions {
  /** Stride of the convolution (outputs sampled at multiples of it); default 1. */
  stride?: number;
}

/** Singular values of a complex p×q matrix, descending (min(p, q) of them). */
export function complexSingularValues(real: Float64Array, imaginary: Float64Array, p: number, q: number): number[] {
  const svd = new SVD(embedComplex(real, imaginary, p, q), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  // The embedding repeats each singular value; keep one of each pair.
  return svd.diagonal.filter((_, i) => i % 2 === 0);
}

function realSingularValues(values: ArrayLike<number>, p: number, q: number): number[] {
  const matrix = new Matrix(p, q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) matrix.set(i, j, values[i * q + j]);
  return new SVD(matrix, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).diagonal;
}

/** Synchronous core of `convSingularValues` on a validated host kernel. */
export function convSingularValuesOf(kernel: KernelData, inputSize: readonly [number, number], stride = 1): Float64Array {
  let [n, m] = inputSize;
  let k = kernel;
  if (stride > 1) {
    k = polyphaseKernel(kernel, stride);
    n /= stride;
    m /= stride;
  }
  const [kh, kw, rows, columns] = k.shape;
  const perFrequency = Math.min(rows, columns);
  const out = new Float64Array(n * m * perFrequency);
  if (kh === 1 && kw === 1) {
    // A 1×1 kernel's DFT is the same matrix at every frequency.
    const values = realSingularValues(k.data, rows, columns);
    for (let f = 0; f < n * m; f++) out.set(values, f * perFrequency);
  } else {
    const spectrum = kernelDft(k, n, m);
    const block = rows * columns;
    const byFrequency = new Map<number, number[]>();
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < m; v++) {
        let values: number[];
        if (isCanonicalFrequency(u, v, n, m)) {
          const offset = (u * m + v) * block;
          values = complexSingularValues(spectrum.real.subarray(offset, offset + block), spectrum.imaginary.subarray(offset, offset + block), rows, columns);
          byFrequency.set(u * m + v, values);
        } else {
          // Hermitian symmetry: the partner's matrix is the conjugate, with the same singular values.
          const [pu, pv] = partnerFrequency(u, v, n, m);
          values = byFrequency.get(pu * m + pv)!;
        }
        out.set(values, (u * m + v) * perFrequency);
      }
    }
  }
  return out.sort().reverse();
}

/**
 * Every singular value of the linear operator of a 2-D multi-channel convolution (circular
 * boundary, cross-correlation as TensorFlow computes it) on an n×m input, sorted descending:
 * (n/s)·(m/s)·min(cin·s², cout) of them.
 */
export async function convSingularValues(kernel: KernelInput, inputSize: readonly [number, number] | readonly number[], options: SingularValueOptions = {}): Promise<Float64Array> {
  const stride = options.stride ?? 1;
  const k = await readKernel(kernel);
  const size = checkInputSize(inputSize, k, stride);
  return convSingularValuesOf(k, size, stride);
}
