import { createRandomState, fillNormal, requireBackend, tf, usageError } from '@procrustes/core';
import { checkInputSize, readKernel, type KernelInput } from './kernel.js';

/** Zero padding before and after, along height and along width: [[top, bottom], [left, right]]. */
export type ExplicitPadding = [[number, number], [number, number]];

export interface OperatorNormOptions {
  stride?: number;
  /**
   * The boundary the network computes with: 'same' (symmetric zero padding of (k−1)/2, as
   * @procrustes/core's conv2d), 'valid', 'circular' (wrap-around, as in the exact spectra), or
   * explicit zero padding [[top, bottom], [left, right]] — for a tfjs-layers Conv2D with 'same'
   * at stride 2 on an even size, tfjs pads [[0, 1], [0, 1]] (`tfjsPadding` in @procrustes/layers).
   */
  padding?: 'same' | 'valid' | 'circular' | ExplicitPadding;
  /** Power-iteration steps at most (default 500) and the relative change that stops it (default 1e-7). */
  maxIterations?: number;
  tolerance?: number;
  seed?: number;
}

function convolve(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, padding: 'same' | 'valid' | 'circular' | ExplicitPadding): tf.Tensor4D {
  const [kh, kw] = kernel.shape;
  if (padding === 'valid') return tf.conv2d(x, kernel, stride, 'valid');
  if (Array.isArray(padding)) return tf.conv2d(x, kernel, stride, [[0, 0], padding[0], padding[1], [0, 0]]);
  if (padding === 'same') {
    const top = Math.floor((kh - 1) / 2);
    const left = Math.floor((kw - 1) / 2);
    return tf.conv2d(x, kernel, stride, [
      [0, 0],
      [top, kh - 1 - top],
      [left, kw - 1 - left],
      [0, 0],
    ]);
  }
  // Circular: wrap the first kh−1 rows and kw−1 columns around to the end.
  let wrapped = kh > 1 ? tf.concat([x, tf.slice(x, [0, 0, 0, 0], [-1, kh - 1, -1, -1])], 1) : x;
  wrapped = kw > 1 ? tf.concat([wrapped, tf.slice(wrapped, [0, 0, 0, 0], [-1, -1, kw - 1, -1])], 2) : wrapped;
  return tf.conv2d(wrapped as tf.Tensor4D, kernel, stride, 'valid');
}

const isExplicitPadding = (padding: unknown): padding is ExplicitPadding =>
  Array.isArray(padding) && padding.length === 2 && padding.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((p) => Number.isInteger(p) && p >= 0));

/**
 * The largest singular value of the convolution as the network computes it, by power
 * iteration with the convolution and its transpose (the gradient of ⟨Ax, y⟩) on the active backend.
 */
export async function convOperatorNorm(kernel: KernelInput, inputSize: readonly number[], options: OperatorNormOptions = {}): Promise<number> {
  const stride = options.stride ?? 1;
  const padding = options.padding ?? 'same';
  const explicit = Array.isArray(padding);
  if (explicit ? !isExplicitPadding(padding) : !['same', 'valid', 'circular'].includes(padding)) {
    throw usageError(`unknown padding ${JSON.stringify(padding)}: choose same, valid, circular or [[top, bottom], [left, right]] of non-negative integers`);
  }
  requireBackend('convOperatorNorm');
  const k = await readKernel(kernel);
  const [n, m] = checkInputSize(inputSize, k, padding === 'circular' ? stride : 1);
  const [kh, kw, cin] = k.shape;
  const w = tf.tensor4d(Float32Array.from(k.data), [kh, kw, cin, k.shape[3]]);
  const start = new Float32Array(n * m * cin);
  fillNormal(createRandomState(options.seed ?? 0), start);
  let x = tf.tensor4d(start, [1, n, m, cin]);
  const gramTimes = tf.grad((input: tf.Tensor) => {
    const y = convolve(input as tf.Tensor4D, w, stride, padding);
    return tf.mul(tf.sum(tf.square(y)), 0.5);
  });
  let estimate = 0;
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-7;
  for (let i = 0; i < maxIterations; i++) {
    // AᵀA x, normalised; the Rayleigh quotient ‖AᵀAx‖/‖x‖ with ‖x‖ = 1 tends to σ_max².
    const [next, norm] = tf.tidy(() => {
      const unit = tf.div(x, tf.norm(x));
      const product = gramTimes(unit as tf.Tensor4D);
      return [product, tf.norm(product)];
    });
    const value = Math.sqrt((await norm.data())[0]);
    norm.dispose();
    x.dispose();
    x = next as tf.Tensor4D;
    const converged = Math.abs(value - estimate) <= tolerance * value;
    estimate = value;
    if (converged) break;
  }
  tf.dispose([x, w]);
  return estimate;
}
