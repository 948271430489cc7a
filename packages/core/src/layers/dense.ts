import * as tf from '@tensorflow/tfjs-core';

/** y = x·kernel + bias, kernel [in, out]. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, kernel), bias);
}
