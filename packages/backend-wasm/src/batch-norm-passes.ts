import { batchNorm, tf } from '@procrustes/core';
import { randomValues } from '@procrustes/backend-conformance';

/**
 * Training-mode batch norm's output, moving statistics and gradients on seeded data, read back
 * to the host: what the kernel tests compare between backends. Channel c's mean is about
 * `channelOffset` · c (far from zero by default: the kernels must centre before they square).
 */
export async function batchNormPasses(shape: [number, number, number, number], relu: boolean, channelOffset = 3): Promise<Record<string, Float32Array>> {
  const size = shape.reduce((a, b) => a * b);
  const channels = shape[3];
  const x = tf.tidy(() => tf.add(tf.tensor4d(randomValues(size, 11), shape), tf.mul(tf.range(0, channels), channelOffset)) as tf.Tensor4D);
  const weights = tf.tensor4d(randomValues(size, 12), shape);
  const gamma = tf.tensor1d(randomValues(channels, 13));
  const beta = tf.tensor1d(randomValues(channels, 14));
  const parameters = { gamma, beta, movingMean: tf.zeros([channels]) as tf.Tensor1D, movingVariance: tf.ones([channels]) as tf.Tensor1D };
  const result = batchNorm(x, parameters, { training: true, relu });
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(batchNorm(a as tf.Tensor4D, { ...parameters, gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D }, { training: true, relu }).y, weights)),
  )([x, gamma, beta]);
  const out = {
    y: (await result.y.data()) as Float32Array,
    movingMean: (await result.movingMean!.data()) as Float32Array,
    movingVariance: (await result.movingVariance!.data()) as Float32Array,
    dx: (await grads[0].data()) as Float32Array,
    dgamma: (await grads[1].data()) as Float32Array,
    dbeta: (await grads[2].data()) as Float32Array,
  };
  tf.dispose([x, weights, gamma, beta, parameters.movingMean, parameters.movingVariance, result.y, result.movingMean!, result.movingVariance!, ...grads]);
  return out;
}
