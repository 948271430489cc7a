import {
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, nhwcConvolutionInfo, release, type KernelBackend } from './kernel-calls.js';

/**
 * The input gradient of a 2-D convolution as a forward convolution (which runs on XNNPACK),
 * replacing WASM's native kernel, a scalar single-threaded loop.
 *
 * dX = conv_valid(pad(upsample_s(dY)), flip(W) with in/out channels swapped), where
 * upsample_s puts s−1 zeros between neighbouring gradient values and the padding makes the
 * output exactly the input's size.
 */
export function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  attrs: Conv2DBackpropInputAttrs;
  backend: KernelBackend;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = nhwcConvolutionInfo('Conv2DBackpropInput', inputShape, filter.shape, { strides, pad, dataFormat, dimRoundingMode });
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Upsample: [N, oh, 1, ow, 1, c] padded to [N, oh, sh, ow, sw, c] is [N, oh·sh, ow·sw, c]
  // with the values at multiples of the stride.
  let upsampled = dy;
  let upHeight = outHeight;
  let upWidth = outWidth;
  if (strideHeight > 1 || strideWidth > 1) {
    const expanded = callKernel(backend, 'Reshape', { x: dy }, { shape: [batchSize, outHeight, 1, outWidth, 1, outChannels] });
    const spread = callKernel(backend, 'PadV2', { x: expanded }, {
      paddings: [
        [0, 0],
        [0, 0],
        [0, strideHeight - 1],
        [0, 0],
        [0, strideWidth - 1],
        [0, 0],
      ],
      constantValue: 0,
    });
    upHeight = outHeight * strideHeight;
    upWidth = outWidth * strideWidth;
    upsampled = callKernel(backend, 'Reshape', { x: spread }, { shape: [batchSize, upHeight, upWidth, outChannels] });
    release(backend, expanded, spread);
  }

  // Full-correlation padding: the output must have exactly inHeight × inWidth positions. A side
  // is negative when the forward padding reached further than the filter (then it is cropped),
  // or when trailing upsampling zeros are never reached.
  const padTop = filterHeight - 1 - top;
  const padLeft = filterWidth - 1 - left;
  const padBottom = inHeight + filterHeight - 1 - padTop - upHeight;
  const padRight = inWidth + filterWidth - 1 - padLeft - upWidth;
  // Non-negative padding goes to the convolution itself (XNNPACK reads it implicitly, no copy);
  // a negative side is cropped first.
  let cropped = upsampled;
  if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
    cropped = callKernel(backend, 'Slice', { x: upsampled }, {
      begin: [0, Math.max(0, -padTop), Math.max(0, -padLeft), 0],
      size: [
        batchSize,
        upHeight - Math.max(0, -padTop) - Math.max(0, -padBottom),
        upWidth - Math.max(0, -padLeft) - Math.max(0, -padRight),
        outChannels,
      ],
    });
    if (upsampled !== dy) release(backend, upsampled);
  }
  const padding: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [Math.max(0, padTop), Math.max(0, padBottom)],
    [Math.max(0, padLeft), Math.max(0, padRight)],
    [0, 0],
  ];

  const flipped = callKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = callKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  release(backend, flipped);
  const result = callKernel(backend, 'Conv2D', { x: cropped, filter: swapped }, {
    strides: [1, 1],
    pad: padding,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined as never,
  });
  release(backend, swapped);
  if (cropped !== dy) release(backend, cropped);
  if (result.shape[1] !== inHeight || result.shape[2] !== inWidth || result.shape[3] !== inChannels) {
    throw new Error(`Conv2DBackpropInput on WASM: computed [${result.shape}], expected [${inputShape}]`);
  }
  return result;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
