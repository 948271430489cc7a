import { getKernel, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type KernelSetupFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, nhwcConvolutionInfo, release, type KernelBackend } from './kernel-calls.js';
import { nativeKernels, type HeapBackend, type NativeKernels } from './native-kernels.js';
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
  // The cases these formulations do not describe go to tfjs's own kernel, which takes dy's sizes
  // from dy: a dy of another size than the convolution implies (conv2dTranspose allows it),
  // unequal strides, and rounding other than floor (whose implied padding differs).
  const described = dy.shape[0] === batchSize && dy.shape[1] === outHeight && dy.shape[2] === outWidth && dy.shape[3] === outChannels;
  if (!described || strideHeight !== strideWidth || (dimRoundingMode !== undefined && dimRoundingMode !== 'floor')) {
    if (!nativeBackpropInput)
      throw new Error("the WASM backend's own Conv2DBackpropInput kernel was not found: register the training kernels after importing @tensorflow/tfjs-backend-wasm");
    return nativeBackpropInput.kernelFunc(args as never) as TensorInfo;
  }
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
  // Full-correlation padding: the output must have exactly inHeight × inWidth positions. A side
  // is negative when the forward padding reached further than the filter (then it is cropped).
  const padTop = filterHeight - 1 - top;
  const padLeft = filterWidth - 1 - left;
  const padBottom = inHeight + filterHeight - 1 - padTop - outHeight;
  const padRight = inWidth + filterWidth - 1 - padLeft - outWidth;
  const flipped = callKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = callKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  release(backend, flipped);
  const result = stride1Correlation(backend, dy, swapped, [padTop, padBottom], [padLeft, padRight]) ?? zeros(backend as KernelBackend & ReadableBackend, info.inShape);
  release(backend, swapped);
  if (result.shape[1] !== inHeight || result.shape[2] !== inWidth || result.shape[3] !== inChannels) {
    throw new Error(`Conv2DBackpropInput on WASM: computed [${result.shape}], expected [${inputShape}]`);
  }
  return result;
}

/** tfjs's own WASM Conv2DBackpropInput, captured when this kernel replaces it: for the cases this one does not describe. */
let nativeBackpropInput: { kernelFunc: KernelFunc; setupFunc?: KernelSetupFunc } | undefined;

/** Remembers tfjs's Conv2DBackpropInput before registration replaces it (register-training-kernels.ts). */
export function captureNativeBackpropInput(): void {
  const current = getKernel('Conv2DBackpropInput', 'wasm');
  if (current && current.kernelFunc !== (conv2dBackpropInput as unknown as KernelFunc)) nativeBackpropInput = { kernelFunc: current.kernelFunc, setupFunc: current.setupFunc };
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

/** Padding before and after a phase's rows (or columns) of dy: offset … offset + outputs − 1 + taps − 1, zeros outside dy's `available`. */
const padding = (offset: number, taps: number, outputs: number, available: number): [number, number] => [-offset, outputs - 1 + offset + taps - 1 - (available - 1)];

/** A tensor of zeros (the gradient of positions that only ever saw padding). */
function zeros(backend: ReadableBackend, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', undefined, new Float32Array(shape.reduce((a, b) => a * b, 1)));
}

/**
 * A stride-1 correlation of x (NHWC) with `filter`, padded by [top, bottom] and [left, right];
 * a negative side crops x first. Non-negative padding goes to the convolution (XNNPACK reads it
 * implicitly, no copy). Undefined when the crop leaves nothing of x: every output then reads
 * only padding, and is zero.
 */
function stride1Correlation(backend: KernelBackend, x: TensorInfo, filter: TensorInfo, [top, bottom]: [number, number], [left, right]: [number, number]): TensorInfo | undefined {
  const [batch, height, width, channels] = x.shape;
  let source = x;
  if (height - Math.max(0, -top) - Math.max(0, -bottom) <= 0 || width - Math.max(0, -left) - Math.max(0, -right) <= 0) return undefined;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    source = callKernel(
      backend,
      'Slice',
      { x },
      {
        begin: [0, Math.max(0, -top), Math.max(0, -left), 0],
        size: [batch, height - Math.max(0, -top) - Math.max(0, -bottom), width - Math.max(0, -left) - Math.max(0, -right), channels],
      },
    );
  }
  const result = callKernel(
    backend,
    'Conv2D',
    { x: source, filter },
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
  if (source !== x) release(backend, source);
  return result;
}

/** Phase r of one dimension: the filter taps that reach it, where its window starts in dy, and how many input positions it has. */
function phaseOf(dimension: ReturnType<typeof phaseTaps>, r: number, stride: number, inputSize: number): { taps: number[]; offset: number; outputs: number } {
  const offsets = dimension.taps[r].flatMap((tap, j) => (tap >= 0 ? [j] : []));
  return { taps: offsets.map((j) => dimension.taps[r][j]), offset: dimension.low + (offsets[0] ?? 0), outputs: Math.max(0, Math.ceil((inputSize - r) / stride)) };
}

/**
 * The input gradient phase by phase: each of the s² phases is a stride-1 correlation of dy with
 * only the taps that reach it (9 of the 16 a combined 2×2 filter holds at 3×3 stride 2; 1 of 4
 * at 1×1), written into place by the native phase scatter. Phases that no tap reaches are zeros.
 */
function phaseWiseInputGradient(
  backend: KernelBackend & ReadableBackend,
  native: NativeKernels,
  dy: TensorInfo,
  filter: TensorInfo,
  info: ReturnType<typeof nhwcConvolutionInfo>,
  rows: ReturnType<typeof phaseTaps>,
  columns: ReturnType<typeof phaseTaps>,
  stride: number,
): TensorInfo {
  const heap = backend as unknown as HeapBackend;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterWidth } = info;
  const w = backend.readSync(filter.dataId);
  const dx = heap.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  const dxOffset = heap.getMemoryOffset(dx.dataId);
  const phases = [];
  for (let rh = 0; rh < stride; rh++) {
    for (let rw = 0; rw < stride; rw++) {
      const [r, c] = [phaseOf(rows, rh, stride, inHeight), phaseOf(columns, rw, stride, inWidth)];
      if (r.outputs > 0 && c.outputs > 0 && r.taps.length > 0 && c.taps.length > 0) phases.push({ rh, rw, r, c });
    }
  }
  // Zeros first: positions no tap reaches, and phases that read only padding, are never scattered.
  native.zeroFloats(dxOffset, batchSize * inHeight * inWidth * inChannels);
  for (const { rh, rw, r, c } of phases) {
    const values = new Float32Array(r.taps.length * c.taps.length * outChannels * inChannels);
    for (let jh = 0; jh < r.taps.length; jh++)
      for (let jw = 0; jw < c.taps.length; jw++)
        for (let d = 0; d < outChannels; d++)
          for (let k = 0; k < inChannels; k++)
            values[((jh * c.taps.length + jw) * outChannels + d) * inChannels + k] = w[((r.taps[jh] * filterWidth + c.taps[jw]) * inChannels + k) * outChannels + d];
    const phaseFilter = backend.makeOutput([r.taps.length, c.taps.length, outChannels, inChannels], 'float32', undefined, values);
    const phased = stride1Correlation(backend, dy, phaseFilter, padding(r.offset, r.taps.length, r.outputs, outHeight), padding(c.offset, c.taps.length, c.outputs, outWidth));
    release(backend, phaseFilter);
    if (!phased) continue;
    if (phased.shape[1] !== r.outputs || phased.shape[2] !== c.outputs) {
      release(backend, phased);
      release(backend, dx);
      throw new Error(`Conv2DBackpropInput on WASM: phase (${rh}, ${rw}) computed [${phased.shape}], expected ${r.outputs}×${c.outputs} positions`);
    }
    native.phaseScatter(heap.getMemoryOffset(phased.dataId), dxOffset, batchSize, r.outputs, c.outputs, inHeight, inWidth, inChannels, stride, rh, rw);
    release(backend, phased);
  }
  return dx;
}

/**
 * The input gradient of a strided convolution without the zero-upsampled output gradient (which
 * makes the convolution do s² times the work): phase by phase where the native kernels run
 * (phaseWiseInputGradient); otherwise one stride-1 convolution of dy whose s²·cin output channels
 * are the phases (sub-filters gathered into one filter), then a block transpose interleaves them.
 */
function stridedInputGradient(backend: KernelBackend & ReadableBackend, dy: TensorInfo, filter: TensorInfo, info: ReturnType<typeof nhwcConvolutionInfo>): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight } = info;
  const stride = strideHeight; // equal strides (conv2dBackpropInput sends others to tfjs's kernel)
  const rows = phaseTaps(filterHeight, stride, info.padInfo.top);
  const columns = phaseTaps(filterWidth, stride, info.padInfo.left);
  const native = nativeKernels(backend);
  if (native) return phaseWiseInputGradient(backend, native, dy, filter, info, rows, columns, stride);
  // Without the native kernels (the threaded build): all phases in one convolution. The combined
  // filter [rows.size, columns.size, cout, s²·cin], gathered in JS. Not a stall: the WASM
  // backend's tensors live in its heap, so readSync is a copy of a few kilobytes, no device sync.
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
  const phased =
    stride1Correlation(backend, dy, phaseFilter, padding(rows.low, rows.size, phaseHeight, outHeight), padding(columns.low, columns.size, phaseWidth, outWidth)) ??
    zeros(backend, [batchSize, phaseHeight, phaseWidth, phases * inChannels]);
  release(backend, phaseFilter);
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
  // tfjs's kernel binds its C function when the backend starts; it still does, through this.
  setupFunc: (backend) => nativeBackpropInput?.setupFunc?.(backend),
};
