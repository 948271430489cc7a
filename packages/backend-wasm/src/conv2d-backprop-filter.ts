import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release, type KernelBackend } from './kernel-calls.js';

/**
 * The filter gradient of a 2-D convolution, which the WASM backend lacks.
 *
 * For each filter tap (i, j), dW[i, j] = Xᵢⱼᵀ · dY, where Xᵢⱼ is the strided slice of the
 * padded input that the tap saw, as an [cin, N·oh·ow] matrix, and dY is [N·oh·ow, cout].
 * These are plain 2-D matrix products, which run on XNNPACK; the input is transposed once to
 * [cin, N, H, W] so that every slice is already in the matrix layout.
 */
export function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  attrs: Conv2DBackpropFilterAttrs;
  backend: KernelBackend;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on WASM supports NHWC only, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Padded rows and columns the taps read: tap i reads rows i, i + s, …, i + s·(oh − 1).
  const neededHeight = Math.max(inHeight + top, filterHeight + strideHeight * (outHeight - 1));
  const neededWidth = Math.max(inWidth + left, filterWidth + strideWidth * (outWidth - 1));
  const bottom = neededHeight - inHeight - top;
  const right = neededWidth - inWidth - left;

  const transposed = callKernel(backend, 'Transpose', { x }, { perm: [3, 0, 1, 2] });
  let padded = transposed;
  if (top > 0 || left > 0 || bottom > 0 || right > 0) {
    padded = callKernel(backend, 'PadV2', { x: transposed }, {
      paddings: [
        [0, 0],
        [0, 0],
        [top, bottom],
        [left, right],
      ],
      constantValue: 0,
    });
    release(backend, transposed);
  }
  const rows = batchSize * outHeight * outWidth;
  const dyMatrix = callKernel(backend, 'Reshape', { x: dy }, { shape: [1, rows, outChannels] });
  const taps: TensorInfo[] = [];
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      const slice = callKernel(backend, 'StridedSlice', { x: padded }, {
        begin: [0, 0, i, j],
        end: [inChannels, batchSize, i + strideHeight * (outHeight - 1) + 1, j + strideWidth * (outWidth - 1) + 1],
        strides: [1, 1, strideHeight, strideWidth],
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      });
      const matrix = callKernel(backend, 'Reshape', { x: slice }, { shape: [1, inChannels, rows] });
      taps.push(callKernel(backend, 'BatchMatMul', { a: matrix, b: dyMatrix }, { transposeA: false, transposeB: false }));
      release(backend, slice, matrix);
    }
  }
  release(backend, padded, dyMatrix);
  const stacked = taps.length === 1 ? taps[0] : callKernel(backend, 'Concat', taps, { axis: 0 });
  if (taps.length > 1) release(backend, ...taps);
  const result = callKernel(backend, 'Reshape', { x: stacked }, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
  release(backend, stacked);
  return result;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
