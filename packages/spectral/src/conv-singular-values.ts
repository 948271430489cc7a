import { complexSingularValues } from './complex-matrix-spectrum.js';
import { frequencyMatrix, isCanonicalFrequency, partnerFrequency, rowTransform } from './dft.js';
import { checkInputSize, readKernel, type KernelData, type KernelInput } from './kernel.js';
import { polyphaseKernel } from './polyphase.js';

export interface SingularValueOptions {
  /** Stride of the convolution (outputs sampled at multiples of it); default 1. */
  stride?: number;
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
    const values = complexSingularValues(Float64Array.from(k.data), new Float64Array(rows * columns), rows, columns);
    for (let f = 0; f < n * m; f++) out.set(values, f * perFrequency);
  } else {
    const transform = rowTransform(k, n, m);
    const real = new Float64Array(rows * columns);
    const imaginary = new Float64Array(rows * columns);
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < m; v++) {
        if (!isCanonicalFrequency(u, v, n, m)) continue;
        frequencyMatrix(transform, u, v, real, imaginary);
        const values = complexSingularValues(real, imaginary, rows, columns);
        out.set(values, (u * m + v) * perFrequency);
        // Hermitian symmetry: the partner's matrix is the conjugate, with the same singular values.
        const [pu, pv] = partnerFrequency(u, v, n, m);
        out.set(values, (pu * m + pv) * perFrequency);
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
