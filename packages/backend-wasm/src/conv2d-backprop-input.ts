import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, nhwcConvolutionInfo, release, type KernelBackend } from './kernel-calls.js';
import { nativeKernels, type HeapBackend } from './native-kernels.js';
import { winogradConvolution, winogradTileSize } from './winograd.js';

/**
 * The input gradient of a 2-D convolution as a forward convolution (which runs on XNNPACK),
 * replacing WASM's native kernel, a scalar single-threaded loop.
 *
 * Stride 1: dX = conv(dY, flip(W) with in/out channels swapped), padded so that the output is
 * exactly the input's size. Strides > 1: see stridedInputGradient.
 */
export function conv2dBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; attrs: Conv2DBackpropInputAttrs; backend: KernelBackend }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = nhwcConvolutionInfo('Conv2DBackpropInput', inputShape, filter.shape, { strides, pad, dataFormat, dimRoundingMode });
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  if (strideHeight > 1 || strideWidth > 1) {
    return stridedInputGradient(backend as KernelBackend & ReadableBackend, dy, filter, info);
  }
  // Stride 1 from here on. A 3×3 filter on Winograd tiles: the forward algorithm on dy with the
  // filter flipped and its channels swapped inside the filter transform (no Reverse, no Transpose).
  const native = filterHeight === 3 && filterWidth === 3 ? nativeKernels(backend) : undefined;
  const m = native ? winogradTileSize('input-gradient', { inChannels: outChannels, outChannels: inChannels, outHeight: inHeight, outWidth: inWidth }) : undefined;
  if (native && m) {
    const geometry = { batch: batchSize, height: outHeight, width: outWidth, inChannels: outChannels, outHeight: inHeight, outWidth: inWidth, outChannels: inChannels };
    return winogradConvolution(backend as unknown as HeapBackend, native, m, dy, filter, { ...geometry, top: 2 - top, left: 2 - left }, true);
  }
  const upsampled = dy;
  const upHeight = outHeight;
  const upWidth = outWidth;

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
    cropped = callKernel(
      backend,
      'Slice',
      { x: upsampled },
      {
        begin: [0, Math.max(0, -padTop), Math.max(0, -padLeft), 0],
        size: [batchSize, upHeight - Math.max(0, -padTop) - Math.max(0, -padBottom), upWidth - Math.max(0, -padLeft) - Math.max(0, -padRight), outChannels],
      },
    );
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
  const result = callKernel(
    backend,
    'Conv2D',
    { x: cropped, filter: swapped },
    {
      strides: [1, 1],
      pad: padding,
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as never,
    },
  );
  release(backend, swapped);
  if (cropped !== dy) release(backend, cropped);
  if (result.shape[1] !== inHeight || result.shape[2] !== inWidth || result.shape[3] !== inChannels) {
    throw new Error(`Conv2DBackpropInput on WASM: computed [${result.shape}], expected [${inputShape}]`);
  }
  return result;
}

/** Reading a small tensor back and writing one, as tfjs's WASM backend allows. */
interface ReadableBackend {
  readSync(dataId: object): Float32Array;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): TensorInfo;
}

/**
 * One dimension of a strided convolution's input gradient split into its s phases: the input
 * positions u = s·a + r (r < s) receive dX_r[a] = Σ_m dy[a + q_r − m] · w[i_r + s·m], with
 * t = r + padBefore, q_r = ⌊t/s⌋ and i_r = t mod s. Every phase is then a stride-1 correlation
 * of dy over the offsets [low, high] with a sub-filter: `taps[r][j]` is the filter tap at
 * offset low + j, or −1 where phase r has none.
 */
function phaseTaps(filterSize: number, stride: number, padBefore: number): { low: number; size: number; taps: number[][] } {
  const phases = Array.from({ length: stride }, (_, r) => {
    const t = r + padBefore;
    const first = t % stride;
    const count = first < filterSize ? Math.ceil((filterSize - first) / stride) : 0;
    return { q: Math.floor(t / stride), first, count };
  });
  const used = phases.filter((p) => p.count > 0);
  const low = Math.min(...used.map((p) => p.q - p.count + 1));
  const high = Math.max(...used.map((p) => p.q));
  const size = high - low + 1;
  const taps = phases.map((p) =>
    Array.from({ length: size }, (_, j) => {
      const m = p.q - (low + j);
      return m >= 0 && m < p.count ? p.first + stride * m : -1;
    }),
  );
  return { low, size, taps };
}

/**
 * The input gradient of a strided convolution without the zero-upsampled output gradient (which
 * makes the convolution do s² times the work): one stride-1 convolution of dy whose s²·cin
 * output channels are the phases (sub-filters gathered into one filter), then a block transpose
 * interleaves them.
 */
function stridedInputGradient(backend: KernelBackend & ReadableBackend, dy: TensorInfo, filter: TensorInfo, info: ReturnType<typeof nhwcConvolutionInfo>): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  if (strideHeight !== strideWidth)
    throw new Error(`Conv2DBackpropInput on WASM: strides ${strideHeight}×${strideWidth} are not supported (equal strides only); use equal strides or the cpu backend`);
  const stride = strideHeight;
  const rows = phaseTaps(filterHeight, stride, info.padInfo.top);
  const columns = phaseTaps(filterWidth, stride, info.padInfo.left);
  // The combined filter [rows.size, columns.size, cout, s²·cin], gathered in JS. Not a stall: the
  // WASM backend's tensors live in its heap, so readSync is a copy of a few kilobytes, no device sync.
  const w = backend.readSync(filter.dataId);
  const phases = stride * stride;
  const combined = new Float32Array(rows.size * columns.size * outChannels * phases * inChannels);
  for (let jh = 0; jh < rows.size; jh++) {
    for (let jw = 0; jw < columns.size; jw++) {
      for (let rh = 0; rh < stride; rh++) {
        const ih = rows.taps[rh][jh];
        if (ih < 0) continue;
        for (let rw = 0; rw < stride; rw++) {
          const iw = columns.taps[rw][jw];
          if (iw < 0) continue;
          for (let c = 0; c < inChannels; c++) {
            for (let d = 0; d < outChannels; d++) {
              const target = ((jh * columns.size + jw) * outChannels + d) * phases * inChannels + (rh * stride + rw) * inChannels + c;
              combined[target] = w[((ih * filterWidth + iw) * inChannels + c) * outChannels + d];
            }
          }
        }
      }
    }
  }
  const phaseFilter = backend.makeOutput([rows.size, columns.size, outChannels, phases * inChannels], 'float32', undefined, combined);
  // dy's rows low … low + A − 1 + size − 1 feed the A = ⌈in/s⌉ phase rows; outside dy they are zeros.
  const phaseHeight = Math.ceil(inHeight / stride);
  const phaseWidth = Math.ceil(inWidth / stride);
  const padding = (low: number, size: number, phaseSize: number, available: number): [number, number] => [-low, phaseSize - 1 + low + size - 1 - (available - 1)];
  const [top, bottom] = padding(rows.low, rows.size, phaseHeight, outHeight);
  const [left, right] = padding(columns.low, columns.size, phaseWidth, outWidth);
  let source = dy;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    source = callKernel(
      backend,
      'Slice',
      { x: dy },
      {
        begin: [0, Math.max(0, -top), Math.max(0, -left), 0],
        size: [batchSize, outHeight - Math.max(0, -top) - Math.max(0, -bottom), outWidth - Math.max(0, -left) - Math.max(0, -right), outChannels],
      },
    );
  }
  const phased = callKernel(
    backend,
    'Conv2D',
    { x: source, filter: phaseFilter },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [Math.max(0, top), Math.max(0, bottom)],
        [Math.max(0, left), Math.max(0, right)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as never,
    },
  );
  release(backend, phaseFilter);
  if (source !== dy) release(backend, source);
  // Interleave the phases: [N·A, B, s, s·cin] → [N·A, s, B, s·cin] is [N, s·A, s·B, cin]. (tfjs's
  // DepthToSpace on WASM is a scalar loop, 7× slower than this block transpose.)
  const blocks = callKernel(backend, 'Reshape', { x: phased }, { shape: [batchSize * phaseHeight, phaseWidth, stride, stride * inChannels] });
  release(backend, phased);
  const swapped = callKernel(backend, 'Transpose', { x: blocks }, { perm: [0, 2, 1, 3] });
  release(backend, blocks);
  const interleaved = callKernel(backend, 'Reshape', { x: swapped }, { shape: [batchSize, stride * phaseHeight, stride * phaseWidth, inChannels] });
  release(backend, swapped);
  if (interleaved.shape[1] === inHeight && interleaved.shape[2] === inWidth) return interleaved;
  const result = callKernel(backend, 'Slice', { x: interleaved }, { begin: [0, 0, 0, 0], size: [batchSize, inHeight, inWidth, inChannels] });
  release(backend, interleaved);
  return result;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
