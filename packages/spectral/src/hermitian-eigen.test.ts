import { EigenvalueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { embedComplex } from './test-support/complex-embedding.js';
import { hermitianEigen } from './hermitian-eigen.js';

/** A seeded Hermitian matrix (full storage): B·Bᴴ of a random n×n or n×(n/3) B (singular), I + a rank-1 projector (eigenvalue 1 repeated), diagonal, or zero. */
function hermitian(n: number, seed: number, kind: 'random' | 'low-rank' | 'repeated' | 'diagonal' | 'zero' = 'random') {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const real = new Float64Array(n * n);
  const imaginary = new Float64Array(n * n);
  if (kind === 'zero') return { real, imaginary };
  if (kind === 'diagonal') {
    for (let i = 0; i < n; i++) real[i * n + i] = random() * 4;
    return { real, imaginary };
  }
  const r = kind === 'low-rank' ? Math.max(1, Math.floor(n / 3)) : n;
  const br = Float64Array.from({ length: n * r }, random);
  const bi = Float64Array.from({ length: n * r }, random);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let l = 0; l < r; l++) {
        // B_il · conj(B_jl)
        sr += br[i * r + l] * br[j * r + l] + bi[i * r + l] * bi[j * r + l];
        si += bi[i * r + l] * br[j * r + l] - br[i * r + l] * bi[j * r + l];
      }
      real[i * n + j] = sr;
      imaginary[i * n + j] = si;
    }
  }
  if (kind === 'repeated') {
    // I + P with P the projector onto B's first column: eigenvalues 2 (once) and 1 (n−1 times).
    const norm = Math.sqrt(Array.from({ length: n }, (_, i) => br[i * r] ** 2 + bi[i * r] ** 2).reduce((a, b) => a + b, 0));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const ar = br[i * r] / norm;
        const ai = bi[i * r] / norm;
        const cr = br[j * r] / norm;
        const ci = bi[j * r] / norm;
        real[i * n + j] = (i === j ? 1 : 0) + ar * cr + ai * ci;
        imaginary[i * n + j] = ai * cr - ar * ci;
      }
    }
  }
  return { real, imaginary };
}

/** Eigenvalues of the real embedding (each twice), by ml-matrix: the independent reference. */
function referenceValues(real: Float64Array, imaginary: Float64Array, n: number): number[] {
  const values = new EigenvalueDecomposition(embedComplex(real, imaginary, n, n), { assumeSymmetric: true }).realEigenvalues;
  return values.sort((a, b) => b - a).filter((_, i) => i % 2 === 0);
}

describe('hermitianEigen', () => {
  for (const [n, kind] of [
    [1, 'random'],
    [2, 'random'],
    [3, 'random'],
    [17, 'random'],
    [64, 'random'],
    [12, 'low-rank'],
    [10, 'repeated'],
    [9, 'diagonal'],
    [6, 'zero'],
  ] as const) {
    it(`${n}×${n} ${kind}: eigenvalues as the embedding's, eigenpairs with residual and orthogonality at float64 precision`, () => {
      const { real, imaginary } = hermitian(n, 7 + n, kind);
      const reference = referenceValues(real, imaginary, n);
      const scale = Math.max(1, ...reference.map(Math.abs));
      const result = hermitianEigen(Float64Array.from(real), Float64Array.from(imaginary), n, Number.NEGATIVE_INFINITY);
      expect(result.count).toBe(n);
      for (let i = 0; i < n; i++) expect(Math.abs(result.values[i] - reference[i]) / scale).toBeLessThan(1e-12);
      for (let l = 0; l < n; l++) {
        const vr = result.vectorsReal.subarray(l * n, l * n + n);
        const vi = result.vectorsImaginary.subarray(l * n, l * n + n);
        // ‖H v − λ v‖
        let residual = 0;
        for (let i = 0; i < n; i++) {
          let sr = -result.values[l] * vr[i];
          let si = -result.values[l] * vi[i];
          for (let j = 0; j < n; j++) {
            sr += real[i * n + j] * vr[j] - imaginary[i * n + j] * vi[j];
            si += real[i * n + j] * vi[j] + imaginary[i * n + j] * vr[j];
          }
          residual += sr * sr + si * si;
        }
        expect(Math.sqrt(residual) / scale).toBeLessThan(1e-12);
        // vₗᴴ vₘ = δₗₘ
        for (let m = 0; m <= l; m++) {
          let dr = 0;
          let di = 0;
          for (let i = 0; i < n; i++) {
            dr += result.vectorsReal[m * n + i] * vr[i] + result.vectorsImaginary[m * n + i] * vi[i];
            di += result.vectorsReal[m * n + i] * vi[i] - result.vectorsImaginary[m * n + i] * vr[i];
          }
          expect(Math.abs(dr - (l === m ? 1 : 0)) + Math.abs(di)).toBeLessThan(1e-12);
        }
      }
    });
  }

  it('computes only the eigenvectors above the threshold, and none by default', () => {
    const { real, imaginary } = hermitian(20, 3);
    const all = hermitianEigen(Float64Array.from(real), Float64Array.from(imaginary), 20);
    expect(all.count).toBe(0);
    const threshold = (all.values[4] + all.values[5]) / 2;
    const some = hermitianEigen(Float64Array.from(real), Float64Array.from(imaginary), 20, threshold);
    expect(some.count).toBe(5);
    expect(some.vectorsReal.length).toBe(5 * 20);
    expect(Array.from(some.values)).toEqual(Array.from(all.values));
  });

  it('reads the lower triangle only', () => {
    const { real, imaginary } = hermitian(8, 11);
    const lower = { real: Float64Array.from(real), imaginary: Float64Array.from(imaginary) };
    for (let i = 0; i < 8; i++) {
      for (let j = i + 1; j < 8; j++) {
        lower.real[i * 8 + j] = Number.NaN;
        lower.imaginary[i * 8 + j] = Number.NaN;
      }
    }
    const full = hermitianEigen(Float64Array.from(real), Float64Array.from(imaginary), 8);
    const fromLower = hermitianEigen(lower.real, lower.imaginary, 8);
    for (let i = 0; i < 8; i++) expect(fromLower.values[i]).toBeCloseTo(full.values[i], 12);
  });

  it('refuses to loop forever on non-finite input', () => {
    const real = new Float64Array([1, 0, Number.NaN, 1]);
    expect(() => hermitianEigen(real, new Float64Array(4), 2)).toThrow(/did not converge/);
  });
});
