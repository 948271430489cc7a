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
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const y = tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, parameters.beta, parameters.gamma, epsilon);
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  const unbiased = count > 1 ? count / (count - 1) : 1;
  const movingMean = tf.add(tf.mul(parameters.movingMean, 1 - momentum), tf.mul(mean, momentum)) as tf.Tensor1D;
  const movingVariance = tf.add(
    tf.mul(parameters.movingVariance, 1 - momentum),
    tf.mul(variance, momentum * unbiased),
  ) as tf.Tensor1D;
  return { y, movingMean, movingVariance };
}
