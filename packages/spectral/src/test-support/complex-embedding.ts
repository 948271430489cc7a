// For tests: the real embedding that lets a general (real) SVD serve as the reference for complex matrices.
import { Matrix } from 'ml-matrix';

/**
 * A complex p×q matrix A = B + iC as the real 2p×2q matrix [[B, −C], [C, B]]. The embedding
 * commutes with products, adjoints and spectral functions (U f(Σ) Vᴴ), and its singular
 * values are those of A, each twice — so real SVD solvers serve complex matrices.
 */
export function embedComplex(real: Float64Array, imaginary: Float64Array, p: number, q: number): Matrix {
  const m = new Matrix(2 * p, 2 * q);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < q; j++) {
      const re = real[i * q + j];
      const im = imaginary[i * q + j];
      m.set(i, j, re);
      m.set(i, q + j, -im);
      m.set(p + i, j, im);
      m.set(p + i, q + j, re);
    }
  }
  return m;
}

/** The complex matrix of an embedding (its left column of blocks). */
export function extractComplex(m: Matrix, p: number, q: number): { real: Float64Array; imaginary: Float64Array } {
  const real = new Float64Array(p * q);
  const imaginary = new Float64Array(p * q);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < q; j++) {
      real[i * q + j] = m.get(i, j);
      imaginary[i * q + j] = m.get(p + i, j);
    }
  }
  return { real, imaginary };
}
