import { backend_util, getKernel, type Conv2DAttrs, type KernelConfig, type KernelFunc, type KernelSetupFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { nativeKernels, type HeapBackend } from './native-kernels.js';
import { winogradConvolution, winogradGeometryOf, winogradTileSize } from './winograd.js';

/** tfjs's own WASM Conv2D (XNNPACK), captured when this kernel replaces it. */
let xnnpackConv2d: { kernelFunc: KernelFunc; setupFunc?: KernelSetupFunc } | undefined;

/** Remembers tfjs's Conv2D before registration replaces it (register-training-kernels.ts). */
export function captureXnnpackConv2d(): void {
  const current = getKernel('Conv2D', 'wasm');
  if (current && current.kernelFunc !== (conv2d as unknown as KernelFunc)) xnnpackConv2d = { kernelFunc: current.kernelFunc, setupFunc: current.setupFunc };
}

/**
 * The forward 2-D convolution: 3×3 stride-1 convolutions on Winograd tiles where the measured
 * rule picks them (winograd.ts), everything else on tfjs's XNNPACK kernel.
 */
export function conv2d(args: { inputs: { x: TensorInfo; filter: TensorInfo }; attrs: Conv2DAttrs; backend: object }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, filter } = inputs;
  if (!xnnpackConv2d) throw new Error("the WASM backend's own Conv2D kernel was not found: register the training kernels after importing @tensorflow/tfjs-backend-wasm");
  if (attrs.dataFormat === 'NCHW') return xnnpackConv2d.kernelFunc(args as never) as TensorInfo;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  // An output with no positions (a filter larger than a 'valid' input): XNNPACK traps on it.
  if (info.outHeight * info.outWidth * info.batchSize * info.outChannels === 0) return (backend as HeapBackend).makeOutput([...info.outShape], 'float32');
  const native = nativeKernels(backend);
  if (native && info.dilationHeight === 1 && info.dilationWidth === 1 && info.filterHeight === 3 && info.filterWidth === 3) {
    const m = info.strideHeight === 1 && info.strideWidth === 1 ? winogradTileSize('forward', info) : undefined;
    if (m) return winogradConvolution(backend as HeapBackend, native, m, x, filter, winogradGeometryOf(info), false);
  }
  if (attrs.pad === 'same') {
    // XNNPACK's TensorFlow-SAME mode returns zeros where a filter side is 1 and its stride is
    // larger (1×3 stride 2: measured, every output 0, the operator's setup failure only
    // logged): the same padding given explicitly is computed right.
    const { top, bottom, left, right } = info.padInfo;
    const explicit = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ] as Conv2DAttrs['pad'];
    return xnnpackConv2d.kernelFunc({ ...args, attrs: { ...attrs, pad: explicit } } as never) as TensorInfo;
  }
  return xnnpackConv2d.kernelFunc(args as never) as TensorInfo;
}

export const conv2dConfig: KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  kernelFunc: conv2d as unknown as KernelFunc,
  // tfjs's kernel binds its C function when the backend starts; it still does, through this.
  setupFunc: (backend) => xnnpackConv2d?.setupFunc?.(backend),
};
