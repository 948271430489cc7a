import * as tf from '@tensorflow/tfjs-core';

type Padding = 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * Symmetric zero padding of (k - 1) / 2 on each side ('same' as PyTorch computes it: for
 * stride 2 on an even input TensorFlow's 'same' would pad only the bottom/right and sample
 * other pixels).
 */
function symmetricPadding(kernel: tf.Tensor4D): Padding {
  const [kernelHeight, kernelWidth] = kernel.shape;
  if (kernelHeight % 2 !== 1 || kernelWidth % 2 !== 1) {
    throw new RangeError(`conv2d needs an odd kernel size for symmetric padding, got ${kernelHeight}x${kernelWidth}`);
  }
  const padHeight = (kernelHeight - 1) / 2;
  const padWidth = (kernelWidth - 1) / 2;
  if (padHeight === 0 && padWidth === 0) return 'valid';
  return [
    [0, 0],
    [padHeight, padHeight],
    [padWidth, padWidth],
    [0, 0],
  ];
}

/** A convolution without bias, NHWC input and [kh, kw, cin, cout] kernel, padded symmetrically. */
export function conv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, kernel, stride, symmetricPadding(kernel));
}

/**
 * The gradients of `conv2d` with respect to its input and kernel, from tfjs's registered
 * gradient of Conv2D (so the same kernels run as under autodiff). Call it inside a tidy.
 */
export function conv2dGradients(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, dy: tf.Tensor4D): { dx: tf.Tensor4D; dKernel: tf.Tensor4D } {
  const gradient = tf.getGradient('Conv2D');
  if (!gradient) throw new Error("tfjs has no gradient registered for Conv2D: import '@procrustes/core', which registers them");
  const attrs = { strides: stride, pad: symmetricPadding(kernel), dataFormat: 'NHWC', dilations: 1 };
  const gradients = gradient.gradFunc(dy, [x, kernel], attrs as unknown as tf.NamedAttrMap);
  return { dx: gradients.x() as tf.Tensor4D, dKernel: gradients.filter() as tf.Tensor4D };
}

/** Spatial output size of `conv2d` for an input size, kernel size and stride. */
export function conv2dOutputSize(inputSize: number, kernelSize: number, stride: number): number {
  const pad = (kernelSize - 1) / 2;
  return Math.floor((inputSize + 2 * pad - kernelSize) / stride) + 1;
}
