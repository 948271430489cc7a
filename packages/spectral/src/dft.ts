import type { KernelData } from './kernel.js';

/**
 * The kernel's 2-D DFT at n×m: for each frequency (u, v) the cin×cout matrix
 * K̂(u,v) = Σ_{i,j} k[i, j] e^{−2πi(ui/n + vj/m)}, stored frequency-major, real and imaginary apart.
 */
export interface KernelSpectrum {
  n: number;
  m: number;
  rows: number;
  columns: number;
  real: Float64Array;
  imaginary: Float64Array;
}

export function kernelDft(kernel: KernelData, n: number, m: number): KernelSpectrum {
  const [kh, kw, cin, cout] = kernel.shape;
  const block = cin * cout;
  const real = new Float64Array(n * m * block);
  const imaginary = new Float64Array(n * m * block);
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < m; v++) {
      const base = (u * m + v) * block;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const angle = -2 * Math.PI * (((u * i) % n) / n + ((v * j) % m) / m);
          const c = Math.cos(angle);
          const s = Math.sin(angle);
          const tap = (i * kw + j) * block;
          for (let e = 0; e < block; e++) {
            const w = kernel.data[tap + e];
            real[base + e] += w * c;
            imaginary[base + e] += w * s;
          }
        }
      }
    }
  }
  return { n, m, rows: cin, columns: cout, real, imaginary };
}

/** The inverse DFT restricted to the top-left kh×kw support (real part), as a [kh, kw, cin, cout] kernel. */
export function inverseKernelDft(spectrum: KernelSpectrum, kh: number, kw: number, flip = false): Float64Array {
  const { n, m, rows, columns, real, imaginary } = spectrum;
  const block = rows * columns;
  const out = new Float64Array(kh * kw * block);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // `flip` reads the circularly flipped full-size kernel (the published code's behaviour).
      const si = flip ? (n - i) % n : i;
      const sj = flip ? (m - j) % m : j;
      const tap = (i * kw + j) * block;
      for (let u = 0; u < n; u++) {
        for (let v = 0; v < m; v++) {
          const angle = 2 * Math.PI * (((u * si) % n) / n + ((v * sj) % m) / m);
          const c = Math.cos(angle);
          const s = Math.sin(angle);
          const base = (u * m + v) * block;
          for (let e = 0; e < block; e++) out[tap + e] += real[base + e] * c - imaginary[base + e] * s;
        }
      }
      for (let e = 0; e < block; e++) out[tap + e] /= n * m;
    }
  }
  return out;
}

/** The frequency paired with (u, v) by Hermitian symmetry: K̂(−u, −v) = conj(K̂(u, v)) for a real kernel. */
export function partnerFrequency(u: number, v: number, n: number, m: number): [number, number] {
  return [(n - u) % n, (m - v) % m];
}

/** Whether (u, v) is the one of its Hermitian pair that is decomposed (the other reuses it). */
export function isCanonicalFrequency(u: number, v: number, n: number, m: number): boolean {
  const [pu, pv] = partnerFrequency(u, v, n, m);
  return u * m + v <= pu * m + pv;
}
