import { type Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { embedComplex, extractComplex } from './test-support/complex-embedding.js';
import { complexSingularValues, projectComplexMatrix, type SpectrumTarget } from './complex-matrix-spectrum.js';

let state = 5;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648 - 0.5;
};

/** The reference: U·f(Σ)·Vᴴ from ml-matrix's SVD of the real embedding. */
function referenceProjection(real: Float64Array, imaginary: Float64Array, p: number, q: number, target: SpectrumTarget) {
  const svd = new SVD(embedComplex(real, imaginary, p, q), { autoTranspose: true });
  const sigma = svd.diagonal;
  const scaled = svd.leftSingularVectors.clone();
  for (let l = 0; l < sigma.length; l++) {
    const weight = target.mode === 'procrustes' ? target.scale : Math.min(sigma[l]!, target.max);
    for (let r = 0; r < scaled.rows; r++) scaled.set(r, l, scaled.get(r, l) * weight);
  }
  return { ...extractComplex(scaled.mmul(svd.rightSingularVectors.transpose()), p, q), values: sigma.filter((_, i) => i % 2 === 0) };
}

function randomMatrix(p: number, q: number, rank = Math.min(p, q)) {
  // A product of p×rank and rank×q factors: rank-deficient when rank < min(p, q).
  const left = { real: Float64Array.from({ length: p * rank }, random), imaginary: Float64Array.from({ length: p * rank }, random) };
  const right = { real: Float64Array.from({ length: rank * q }, random), imaginary: Float64Array.from({ length: rank * q }, random) };
  const product = embedComplex(left.real, left.imaginary, p, rank).mmul(embedComplex(right.real, right.imaginary, rank, q));
  return extractComplex(product as Matrix, p, q);
}

describe('projectComplexMatrix through the Gram matrix', () => {
  for (const [p, q] of [
    [6, 6],
    [9, 4],
    [4, 9],
    [1, 5],
  ]) {
    for (const target of [
      { mode: 'clip', max: 0.8 },
      { mode: 'clip', max: 0 },
      { mode: 'procrustes', scale: 1.5 },
    ] as SpectrumTarget[]) {
      it(`${p}×${q}, ${JSON.stringify(target)}: equals U·f(Σ)·Vᴴ of a general SVD, and returns the singular values before`, () => {
        const { real, imaginary } = randomMatrix(p, q);
        const reference = referenceProjection(real, imaginary, p, q, target);
        const projected = { real: Float64Array.from(real), imaginary: Float64Array.from(imaginary) };
        const before = projectComplexMatrix(projected.real, projected.imaginary, p, q, target);
        for (let i = 0; i < reference.values.length; i++) expect(before[i]).toBeCloseTo(reference.values[i]!, 10);
        for (let e = 0; e < p * q; e++) {
          expect(projected.real[e]).toBeCloseTo(reference.real[e]!, 10);
          expect(projected.imaginary[e]).toBeCloseTo(reference.imaginary[e]!, 10);
        }
        expect(complexSingularValues(real, imaginary, p, q).map((v) => Number(v.toFixed(9)))).toEqual(reference.values.map((v) => Number(v.toFixed(9))));
      });
    }
  }

  it('leaves a matrix within the clip bound exactly as it was', () => {
    const { real, imaginary } = randomMatrix(5, 7);
    const largest = complexSingularValues(real, imaginary, 5, 7)[0]!;
    const projected = { real: Float64Array.from(real), imaginary: Float64Array.from(imaginary) };
    projectComplexMatrix(projected.real, projected.imaginary, 5, 7, { mode: 'clip', max: largest * 1.001 });
    expect(Array.from(projected.real)).toEqual(Array.from(real));
    expect(Array.from(projected.imaginary)).toEqual(Array.from(imaginary));
  });

  for (const [p, q, rank] of [
    [6, 6, 3],
    [4, 7, 2],
    [7, 4, 1],
  ]) {
    it(`Procrustes of a singular ${p}×${q} matrix of rank ${rank}: all singular values equal scale (completed where A has none), nearest to A`, () => {
      const { real, imaginary } = randomMatrix(p, q, rank);
      const projected = { real: Float64Array.from(real), imaginary: Float64Array.from(imaginary) };
      projectComplexMatrix(projected.real, projected.imaginary, p, q, { mode: 'procrustes', scale: 2 });
      for (const value of complexSingularValues(projected.real, projected.imaginary, p, q)) expect(value).toBeCloseTo(2, 8);
      // Nearest to A: Re tr(Pᴴ·A) reaches its largest value over such P, scale times the sum of A's
      // singular values (whose zeros come out of the Gram matrix as ~1e-8: hence 1e-7).
      let trace = 0;
      for (let e = 0; e < p * q; e++) trace += projected.real[e]! * real[e]! + projected.imaginary[e]! * imaginary[e]!;
      const nuclear = complexSingularValues(real, imaginary, p, q).reduce((a, b) => a + b, 0);
      expect(Math.abs(trace - 2 * nuclear)).toBeLessThan(1e-7);
    });
  }

  it('Procrustes of the zero matrix: some matrix with all singular values equal scale', () => {
    const projected = { real: new Float64Array(12), imaginary: new Float64Array(12) };
    projectComplexMatrix(projected.real, projected.imaginary, 3, 4, { mode: 'procrustes', scale: 1 });
    for (const value of complexSingularValues(projected.real, projected.imaginary, 3, 4)) expect(value).toBeCloseTo(1, 12);
  });
});
