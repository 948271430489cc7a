import * as tf from '@tensorflow/tfjs-core';

/**
 * A convolution without bias, NHWC input and [kh, kw, cin, cout] kernel, with symmetric
 * zero padding of (k - 1) / 2 on each side ('same' as PyTorch computes it: for stride 2 on
 * an even input TensorFlow's 'same' would pad only the bottom/right and sample other pixels).
 */
export function conv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [kernelHeight, kernelWidth] = kernel.shape;
  if (kernelHeight % 2 !== 1 || kernelWidth % 2 !== 1) {
    throw new RangeError(`conv2d needs an odd kernel size for symmetric padding, got ${kernelHeight}x${kernelWidth}`);
  }
  const padHeight = (kernelHeight - 1) / 2;
  const padWidth = (kernelWidth - 1) / 2;
  if (padHeight === 0 && padWidth === 0) return tf.conv2d(x, kernel, stride, 'valid');
  return tf.conv2d(x, kernel, stride, [
    [0, 0],
    [padHeight, padHeight],
    [padWidth, padWidth],
    [0, 0],
  ]);
}

/** Spatial output size of `conv2d` for an input size, kernel size and stride. */
export function conv2dOutputSize(inputSize: number, kernelSize: number, stride: number): number {
  const pad = (kernelSize - 1) / 2;
  return Math.floor((inputSize + 2 * pad - kernelSize) / stride) + 1;
}
