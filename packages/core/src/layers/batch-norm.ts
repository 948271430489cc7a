import * as tf from '@tensorflow/tfjs-core';

export interface BatchNormParameters {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  movingMean: tf.Tensor1D;
  movingVariance: tf.Tensor1D;
}

export interface BatchNormOptions {
  training: boolean;
  /** PyTorch's default. */
  epsilon?: number;
  /** Weight of the new batch in the running statistics (PyTorch's `momentum`, default 0.1). */
  momentum?: number;
}

export interface BatchNormResult {
  y: tf.Tensor4D;
  /** Updated running statistics, present in training mode; the caller decides when to store them. */
  movingMean?: tf.Tensor1D;
  movingVariance?: tf.Tensor1D;
}

/**
 * Batch normalisation over N, H, W with PyTorch's semantics: training normalises with the
 * batch's biased variance and updates the running variance with the unbiased one.
 * Pure: running statistics are returned, never assigned.
 */
export function batchNorm(x: tf.Tensor4D, parameters: BatchNormParameters, options: BatchNormOptions): BatchNormResult {
  const epsilon = options.epsilon ?? 1e-5;
  if (!options.training) {
    return {
      y: tf.batchNorm4d(x, parameters.movingMean, parameters.movingVariance, parameters.beta, parameters.gamma, epsilon),
    };
  }
  const momentum = options.momentum ?? 0.1;
  const { y, mean, variance } = normalizeWithBatchStatistics(x, parameters.gamma, parameters.beta, epsilon);
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  const unbiased = count > 1 ? count / (count - 1) : 1;
  const [movingMean, movingVariance] = tf.tidy(() => [
    tf.add(tf.mul(parameters.movingMean, 1 - momentum), tf.mul(mean, momentum)) as tf.Tensor1D,
    tf.add(tf.mul(parameters.movingVariance, 1 - momentum), tf.mul(variance, momentum * unbiased)) as tf.Tensor1D,
  ]);
  mean.dispose();
  variance.dispose();
  return { y, movingMean, movingVariance };
}

/**
 * Training-mode normalisation with its closed-form gradient:
 * dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
 * Autodiff through tf.batchNorm and tf.moments tiles every per-channel tensor to the full
 * activation size (a fifth of a WASM training step); this needs two channel sums.
 */
function normalizeWithBatchStatistics(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  const normalize = tf.customGrad(((input: tf.Tensor4D, scale: tf.Tensor1D, offset: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const batchMean = tf.mean(input, [0, 1, 2]) as tf.Tensor1D;
    const centered = tf.sub(input, batchMean);
    const batchVariance = tf.mean(tf.square(centered), [0, 1, 2]) as tf.Tensor1D;
    const inverseStd = tf.rsqrt(tf.add(batchVariance, epsilon));
    const normalized = tf.mul(centered, inverseStd);
    mean = tf.keep(batchMean);
    variance = tf.keep(batchVariance);
    save([normalized, inverseStd, scale]);
    return {
      value: tf.add(tf.mul(normalized, scale), offset),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, invStd, g] = saved;
        const sumDy = tf.sum(dy, [0, 1, 2]);
        const sumDyXHat = tf.sum(tf.mul(dy, xHat), [0, 1, 2]);
        const dx = tf.mul(
          tf.mul(g, invStd),
          tf.sub(tf.sub(dy, tf.div(sumDy, count)), tf.mul(xHat, tf.div(sumDyXHat, count))),
        );
        return [dx, sumDyXHat, sumDy];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = normalize(x, gamma, beta) as tf.Tensor4D;
  return { y, mean: mean!, variance: variance! };
}
