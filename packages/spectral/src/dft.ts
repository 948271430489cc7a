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

/**
 * The kernel transformed along its rows only: for each u and kernel column j,
 * Σ_i k[i, j] e^{−2πi·ui/n} (cin×cout, complex). Small (n·kw matrices), and every frequency's
 * matrix follows from it in kw steps (`frequencyMatrix`): the separable first half of the DFT.
 */
export interface RowTransform {
  n: number;
  m: number;
  kw: number;
  rows: number;
  columns: number;
  real: Float64Array;
  imaginary: Float64Array;
}

export function rowTransform(kernel: KernelData, n: number, m: number): RowTransform {
  const [kh, kw, cin, cout] = kernel.shape;
  const block = cin * cout;
  const data = Float64Array.from(kernel.data);
  const real = new Float64Array(n * kw * block);
  const imaginary = new Float64Array(n * kw * block);
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < kh; i++) {
      const angle = (-2 * Math.PI * ((u * i) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      for (let j = 0; j < kw; j++) {
        const tap = (i * kw + j) * block;
        const out = (u * kw + j) * block;
        for (let e = 0; e < block; e++) {
          const w = data[tap + e];
          real[out + e] += w * c;
          imaginary[out + e] += w * s;
        }
      }
    }
  }
  return { n, m, kw, rows: cin, columns: cout, real, imaginary };
}

/** K̂(u, v), the cin×cout matrix of one frequency, written into `real` and `imaginary`. */
export function frequencyMatrix(rows: RowTransform, u: number, v: number, real: Float64Array, imaginary: Float64Array): void {
  const block = rows.rows * rows.columns;
  real.fill(0, 0, block);
  imaginary.fill(0, 0, block);
  for (let j = 0; j < rows.kw; j++) {
    const angle = (-2 * Math.PI * ((v * j) % rows.m)) / rows.m;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const row = (u * rows.kw + j) * block;
    for (let e = 0; e < block; e++) {
      const xr = rows.real[row + e];
      const xi = rows.imaginary[row + e];
      real[e] += xr * c - xi * s;
      imaginary[e] += xr * s + xi * c;
    }
  }
}

/**
 * Adds one frequency's term of the inverse DFT, cut to the kh×kw support, to `out`
 * ([kh, kw, cin, cout]): Re(X·e^{+2πi(u·i/n + v·j/m)}) / (n·m) at each tap (i, j). `flip` reads the
 * circularly flipped full-size kernel (the published code's behaviour).
 */
export function addInverseTerm(
  out: Float64Array,
  real: Float64Array,
  imaginary: Float64Array,
  u: number,
  v: number,
  geometry: { n: number; m: number; kh: number; kw: number; flip?: boolean },
): void {
  const { n, m, kh, kw, flip } = geometry;
  const block = real.length;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const si = flip ? (n - i) % n : i;
      const sj = flip ? (m - j) % m : j;
      const angle = 2 * Math.PI * (((u * si) % n) / n + ((v * sj) % m) / m);
      const c = Math.cos(angle) / (n * m);
      const s = Math.sin(angle) / (n * m);
      const tap = (i * kw + j) * block;
      for (let e = 0; e < block; e++) out[tap + e] += real[e] * c - imaginary[e] * s;
    }
  }
}

/** The full transform (every frequency), for callers that work on all of them at once (Newton–Schulz). */
export function kernelDft(kernel: KernelData, n: number, m: number): KernelSpectrum {
  const rows = rowTransform(kernel, n, m);
  const block = rows.rows * rows.columns;
  const real = new Float64Array(n * m * block);
  const imaginary = new Float64Array(n * m * block);
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < m; v++) {
      if (!isCanonicalFrequency(u, v, n, m)) continue;
      const base = (u * m + v) * block;
      frequencyMatrix(rows, u, v, real.subarray(base, base + block), imaginary.subarray(base, base + block));
      // A real kernel's partner frequency is the conjugate.
      const [pu, pv] = partnerFrequency(u, v, n, m);
      const partner = (pu * m + pv) * block;
      if (partner === base) continue;
      for (let e = 0; e < block; e++) {
        real[partner + e] = real[base + e];
        imaginary[partner + e] = -imaginary[base + e];
      }
    }
  }
  return { n, m, rows: rows.rows, columns: rows.columns, real, imaginary };
}

/** The inverse DFT restricted to the top-left kh×kw support (real part), as a [kh, kw, cin, cout] kernel. */
export function inverseKernelDft(spectrum: KernelSpectrum, kh: number, kw: number, flip = false): Float64Array {
  const { n, m, rows, columns, real, imaginary } = spectrum;
  const block = rows * columns;
  const out = new Float64Array(kh * kw * block);
  // Re(X·e^{iθ}) + Re(X'·e^{−iθ}) = Re((X + conj X')·e^{iθ}) for a frequency and its partner X':
  // one sum over half the frequencies, exact for any spectrum (twice the term for a conjugate pair).
  const sumReal = new Float64Array(block);
  const sumImaginary = new Float64Array(block);
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < m; v++) {
      if (!isCanonicalFrequency(u, v, n, m)) continue;
      const base = (u * m + v) * block;
      const [pu, pv] = partnerFrequency(u, v, n, m);
      const partner = (pu * m + pv) * block;
      for (let e = 0; e < block; e++) {
        sumReal[e] = partner === base ? real[base + e] : real[base + e] + real[partner + e];
        sumImaginary[e] = partner === base ? imaginary[base + e] : imaginary[base + e] - imaginary[partner + e];
      }
      addInverseTerm(out, sumReal, sumImaginary, u, v, { n, m, kh, kw, flip });
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
