import { tf, usageError } from '@procrustes/core';

/** A convolution kernel on the host: shape [kh, kw, cin, cout], row-major values. */
export interface KernelData {
  shape: [number, number, number, number];
  data: ArrayLike<number>;
}

export type KernelInput = KernelData | tf.Tensor;

/** Reads and validates a kernel (a tensor or {shape, data}); refuses wrong ranks, sizes and non-finite values. */
export async function readKernel(kernel: KernelInput, what = 'kernel'): Promise<KernelData> {
  let shape: number[];
  let data: ArrayLike<number>;
  if (kernel instanceof tf.Tensor) {
    shape = [...kernel.shape];
    data = await kernel.data();
  } else {
    if (!kernel || !Array.isArray(kernel.shape) || kernel.data === undefined) throw usageError(`${what} must be a tensor or {shape, data}`);
    shape = kernel.shape;
    data = kernel.data;
  }
  return checkKernel({ shape: shape as KernelData['shape'], data }, what);
}

export function checkKernel(kernel: KernelData, what = 'kernel'): KernelData {
  const { shape, data } = kernel;
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw usageError(`${what} must have shape [kh, kw, cin, cout] of positive integers, got [${shape}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw usageError(`${what} of shape [${shape}] needs ${size} values, got ${data.length}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw usageError(`${what} has a non-finite value (${data[i]}) at index ${i}; refusing to compute its spectrum`);
  }
  return kernel;
}

/** Validates an input size [n, m] against a kernel and stride. */
export function checkInputSize(inputSize: readonly number[], kernel: KernelData, stride: number): [number, number] {
  if (inputSize.length !== 2 || inputSize.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw usageError(`inputSize must be [n, m] of positive integers, got [${inputSize}]`);
  }
  if (!Number.isInteger(stride) || stride <= 0) throw usageError(`stride must be a positive integer, got ${stride}`);
  const [n, m] = inputSize;
  if (n % stride !== 0 || m % stride !== 0) throw usageError(`inputSize [${n}, ${m}] must be divisible by the stride ${stride}`);
  if (kernel.shape[0] > n || kernel.shape[1] > m) {
    throw usageError(`kernel ${kernel.shape[0]}x${kernel.shape[1]} is larger than the input ${n}x${m}`);
  }
  // The transform holds a complex cin×cout matrix per frequency, in float64: refuse before allocating.
  const bytes = 16 * n * m * kernel.shape[2] * kernel.shape[3];
  if (bytes > 2 ** 31) {
    throw usageError(
      `inputSize [${n}, ${m}] with ${kernel.shape[2]}→${kernel.shape[3]} channels needs ${(bytes / 2 ** 30).toFixed(1)} GiB for the transform (at most 2 GiB): use a smaller input size`,
    );
  }
  return [n, m];
}
