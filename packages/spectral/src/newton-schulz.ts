import { tf, usageError } from '@procrustes/core';
import { isCanonicalFrequency, partnerFrequency, type KernelSpectrum } from './dft.js';

/**
 * Replaces each frequency's matrix by scale × its polar factor U·Vᴴ, computed with the
 * Newton–Schulz iteration X ← X·(1.5·I − 0.5·XᴴX) batched over frequencies on the active
 * backend. Complex matrices travel as their real embeddings (no complex kernels needed, which
 * WASM lacks). Each matrix is first divided by its Frobenius norm so that the iteration converges.
 */
export async function newtonSchulzPolarFactors(spectrum: KernelSpectrum, scale: number, iterations: number): Promise<void> {
  if (!Number.isInteger(iterations) || iterations <= 0) throw usageError(`iterations must be a positive integer, got ${iterations}`);
  const { n, m, rows, columns, real, imaginary } = spectrum;
  const block = rows * columns;
  const frequencies: number[] = [];
  for (let u = 0; u < n; u++) for (let v = 0; v < m; v++) if (isCanonicalFrequency(u, v, n, m)) frequencies.push(u * m + v);
  // Work with tall matrices (p ≥ q) so that the Gram matrix XᵀX is the small one.
  const transpose = rows < columns;
  const p = 2 * (transpose ? columns : rows);
  const q = 2 * (transpose ? rows : columns);
  const host = new Float32Array(frequencies.length * p * q);
  frequencies.forEach((f, index) => {
    const base = index * p * q;
    let norm = 0;
    for (let e = 0; e < block; e++) norm += real[f * block + e] ** 2 + imaginary[f * block + e] ** 2;
    const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0; // σ_max ≤ ‖A‖_F, so every σ ends in (0, 1]
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < columns; j++) {
        const re = real[f * block + i * columns + j] * inverse;
        const im = imaginary[f * block + i * columns + j] * inverse;
        // Embedding [[B, −C], [C, B]] of A (rows×columns), or of Aᵀ when transposed.
        const [r, c] = transpose ? [j, i] : [i, j];
        const half = transpose ? columns : rows;
        const width = transpose ? rows : columns;
        const sign = transpose ? -1 : 1; // (B + iC)ᵀ's embedding, taking the adjoint later
        host[base + r * q + c] = re;
        host[base + r * q + width + c] = -im * sign;
        host[base + (half + r) * q + c] = im * sign;
        host[base + (half + r) * q + width + c] = re;
      }
    }
  });
  const result = tf.tidy(() => {
    let x: tf.Tensor3D = tf.tensor3d(host, [frequencies.length, p, q]);
    const identity = tf.mul(tf.eye(q), 1.5);
    for (let k = 0; k < iterations; k++) {
      const gram = tf.matMul(x, x, true, false);
      x = tf.matMul(x, tf.sub(identity, tf.mul(gram, 0.5)));
    }
    return x;
  });
  const values = await result.data();
  result.dispose();
  frequencies.forEach((f, index) => {
    const base = index * p * q;
    const half = transpose ? columns : rows;
    const _width = transpose ? rows : columns;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < columns; j++) {
        const [r, c] = transpose ? [j, i] : [i, j];
        const re = values[base + r * q + c] * scale;
        const im = values[base + (half + r) * q + c] * scale * (transpose ? -1 : 1);
        real[f * block + i * columns + j] = re;
        imaginary[f * block + i * columns + j] = im;
      }
    }
    const [pu, pv] = partnerFrequency(Math.floor(f / m), f % m, n, m);
    const partner = pu * m + pv;
    if (partner !== f) {
      for (let e = 0; e < block; e++) {
        real[partner * block + e] = real[f * block + e];
        imaginary[partner * block + e] = -imaginary[f * block + e];
      }
    }
  });
}
