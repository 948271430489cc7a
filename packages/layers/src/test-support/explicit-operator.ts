// The reference for the constraint tests: a convolution's operator as an explicit matrix, built
// by tfjs's own conv2d on every basis input, and its singular values by a dense SVD (float64).
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SVD } from 'ml-matrix';
import type { ConvGeometry } from '../conv-geometry.js';

export function explicitOperatorSingularValues(kernel: tf.Tensor4D, geometry: ConvGeometry): number[] {
  const [height, width] = geometry.inputSize;
  const channels = kernel.shape[2];
  const inputs = height * width * channels;
  const columns = tf.tidy(() => {
    const basis = tf.reshape(tf.eye(inputs), [inputs, height, width, channels]) as tf.Tensor4D;
    const outputs = tf.conv2d(basis, kernel, geometry.strides, geometry.padding);
    return tf.reshape(outputs, [inputs, -1]);
  });
  // Row i is the operator applied to basis vector i: the transpose, which has the same singular values.
  const matrix = new Matrix(columns.arraySync() as number[][]);
  columns.dispose();
  return new SVD(matrix, { autoTranspose: true }).diagonal.sort((a, b) => b - a);
}

export function denseSingularValues(kernel: tf.Tensor): number[] {
  return new SVD(new Matrix(kernel.arraySync() as number[][]), { autoTranspose: true }).diagonal.sort((a, b) => b - a);
}
