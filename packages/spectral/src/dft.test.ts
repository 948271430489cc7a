import { describe, expect, it } from 'vitest';
import { inverseKernelDft, kernelDft, type KernelSpectrum } from './dft.js';

let state = 99;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648 - 0.5;
};

describe('kernelDft and inverseKernelDft', () => {
  for (const [n, m] of [
    [5, 4],
    [4, 7],
    [6, 6],
  ]) {
    it(`${n}×${m}: the transform of a 3×2×2×3 kernel equals the direct double sum at every frequency`, () => {
      const shape: [number, number, number, number] = [3, 2, 2, 3];
      const data = Float64Array.from({ length: 36 }, random);
      const spectrum = kernelDft({ shape, data }, n, m);
      for (let u = 0; u < n; u++) {
        for (let v = 0; v < m; v++) {
          for (let e = 0; e < 6; e++) {
            let re = 0;
            let im = 0;
            for (let i = 0; i < 3; i++) {
              for (let j = 0; j < 2; j++) {
                const angle = -2 * Math.PI * ((u * i) / n + (v * j) / m);
                re += data[(i * 2 + j) * 6 + e] * Math.cos(angle);
                im += data[(i * 2 + j) * 6 + e] * Math.sin(angle);
              }
            }
            expect(spectrum.real[(u * m + v) * 6 + e]).toBeCloseTo(re, 12);
            expect(spectrum.imaginary[(u * m + v) * 6 + e]).toBeCloseTo(im, 12);
          }
        }
      }
    });

    it(`${n}×${m}: the inverse of any spectrum (not only a real kernel's) is the real part of the direct sum, flipped or not`, () => {
      const block = 4;
      const spectrum: KernelSpectrum = {
        n,
        m,
        rows: 2,
        columns: 2,
        real: Float64Array.from({ length: n * m * block }, random),
        imaginary: Float64Array.from({ length: n * m * block }, random),
      };
      for (const flip of [false, true]) {
        const out = inverseKernelDft(spectrum, 2, 3, flip);
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 3; j++) {
            const si = flip ? (n - i) % n : i;
            const sj = flip ? (m - j) % m : j;
            for (let e = 0; e < block; e++) {
              let sum = 0;
              for (let u = 0; u < n; u++) {
                for (let v = 0; v < m; v++) {
                  const angle = 2 * Math.PI * ((u * si) / n + (v * sj) / m);
                  const f = (u * m + v) * block + e;
                  sum += spectrum.real[f] * Math.cos(angle) - spectrum.imaginary[f] * Math.sin(angle);
                }
              }
              expect(out[(i * 3 + j) * block + e]).toBeCloseTo(sum / (n * m), 12);
            }
          }
        }
      }
    });
  }
});
