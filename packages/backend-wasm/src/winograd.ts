import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { HeapBackend, NativeKernels } from './native-kernels.js';

/**
 * Which Winograd tile the 3×3 stride-1 convolutions use: 'auto' (the measured rule below), 'off'
 * (XNNPACK and the direct kernels only), or a tile size for every 3×3 stride-1 convolution:
 * 2 is F(2×2,3×3), 4 is F(4×4,3×3). Set with `setWinogradMode` or the environment variable
 * PROCRUSTES_WINOGRAD (auto, off, 2, 4) before the process starts.
 */
export type WinogradMode = 'auto' | 'off' | 2 | 4;

/** The three passes of a convolution in training. */
export type ConvolutionPass = 'forward' | 'input-gradient' | 'filter-gradient';

export interface WinogradShape {
  inChannels: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
}

function parseMode(text: string | undefined): WinogradMode {
  if (text === undefined || text === '' || text === 'auto') return 'auto';
  if (text === 'off' || text === '0') return 'off';
  if (text === '2' || text === '4') return Number(text) as 2 | 4;
  throw new Error(`PROCRUSTES_WINOGRAD=${text} is not a Winograd mode: use auto, off, 2 (F(2×2,3×3)) or 4 (F(4×4,3×3))`);
}

const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
let mode: WinogradMode = parseMode(environment?.PROCRUSTES_WINOGRAD);

/** Sets the Winograd mode for this process (worker threads read PROCRUSTES_WINOGRAD, which they inherit). */
export function setWinogradMode(next: WinogradMode): void {
  if (next !== 'auto' && next !== 'off' && next !== 2 && next !== 4) throw new Error(`${String(next)} is not a Winograd mode: use 'auto', 'off', 2 or 4`);
  mode = next;
}

export function winogradMode(): WinogradMode {
  return mode;
}

/**
 * The tile size a pass of a 3×3 stride-1 convolution of this shape uses, or undefined for the
 * other kernels. The 'auto' rule is measured (`procrustes bench-kernels`, BENCHMARKS.md): on one
 * WASM thread F(4×4,3×3) was the fastest of the three for every pass of every 3×3 stride-1 shape
 * of resnet-20/56/164 (1.4–2.8× over XNNPACK and the direct kernels, up to 7.6× for the stems' filter gradients), and
 * F(2×2,3×3) never was. The exception is the forward pass of the stems, 1 or 3 input
 * channels, where XNNPACK's direct convolution stays ahead (1.9 against 3.8 ms at 64×28×28,
 * 1 → 16; 3.6 against 4.9 ms at 64×32×32, 3 → 16): too few channels to pay for the transforms. Outputs
 * smaller than 4×4 (none in these networks, not measured) take F(2×2,3×3), which wastes less of a tile.
 */
export function winogradTileSize(pass: ConvolutionPass, shape: WinogradShape): 2 | 4 | undefined {
  if (mode === 'off') return undefined;
  if (mode !== 'auto') return mode;
  if (pass === 'forward' && shape.inChannels < 4) return undefined;
  return Math.min(shape.outHeight, shape.outWidth) >= 4 ? 4 : 2;
}

/**
 * Tiles transformed together: their transformed block stays in the caches between transform and
 * product. For F(4×4,3×3) measured (the 30 non-stem rows of bench-kernels, summed): 8 tiles 108.5 ms,
 * 16 112, 32 125, 64 136. F(2×2,3×3)'s block is not tuned (the rule does not pick it for these networks).
 */
const BLOCK_TILES: Record<2 | 4, number> = { 2: 16, 4: 8 };

export interface WinogradGeometry {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  /** Padding above and left of the input: output (p, q) reads input rows p − top … p − top + 2. */
  top: number;
  left: number;
}

/** The geometry of a forward convolution from tfjs's convolution info. */
export function winogradGeometryOf(info: backend_util.Conv2DInfo): WinogradGeometry {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, padInfo } = info;
  return { batch: batchSize, height: inHeight, width: inWidth, inChannels, outHeight, outWidth, outChannels, top: padInfo.top, left: padInfo.left };
}

/** The geometry in the order the kernels take it, then the block of tiles. */
const geometryArguments = (g: WinogradGeometry, block: number) => [g.batch, g.height, g.width, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.top, g.left, block] as const;

function scratchTensor(heap: HeapBackend, floats: number): TensorInfo {
  return heap.makeOutput([floats], 'float32');
}

/**
 * y = the 3×3 stride-1 correlation of x with the filter [3, 3, inChannels, outChannels], or, with
 * `transposed`, with that filter flipped and its channels swapped (the input gradient: x is dy,
 * inChannels of the geometry are the filter's output channels). The result is the caller's.
 */
export function winogradConvolution(
  heap: HeapBackend,
  native: NativeKernels,
  m: 2 | 4,
  x: TensorInfo,
  filter: TensorInfo,
  geometry: WinogradGeometry,
  transposed: boolean,
): TensorInfo {
  const { batch, inChannels, outHeight, outWidth, outChannels } = geometry;
  const tiles = (m + 2) ** 2;
  const block = BLOCK_TILES[m];
  const transformed = scratchTensor(heap, tiles * inChannels * Math.ceil(outChannels / 4) * 4);
  const [filterIn, filterOut] = transposed ? [outChannels, inChannels] : [inChannels, outChannels];
  native.winogradFilterTransform(heap.getMemoryOffset(filter.dataId), heap.getMemoryOffset(transformed.dataId), m, filterIn, filterOut, transposed ? 1 : 0);
  const scratch = scratchTensor(heap, native.winogradScratchFloats(m, inChannels, outChannels, block));
  const result = heap.makeOutput([batch, outHeight, outWidth, outChannels], 'float32');
  native.winogradConvolution(
    heap.getMemoryOffset(x.dataId),
    heap.getMemoryOffset(transformed.dataId),
    heap.getMemoryOffset(result.dataId),
    heap.getMemoryOffset(scratch.dataId),
    m,
    ...geometryArguments(geometry, block),
  );
  heap.disposeData(transformed.dataId);
  heap.disposeData(scratch.dataId);
  return result;
}

/** dW [3, 3, inChannels, outChannels] of a 3×3 stride-1 convolution from x and dy. The result is the caller's. */
export function winogradFilterGradient(heap: HeapBackend, native: NativeKernels, m: 2 | 4, x: TensorInfo, dy: TensorInfo, geometry: WinogradGeometry): TensorInfo {
  const { inChannels, outChannels } = geometry;
  const block = BLOCK_TILES[m];
  const scratch = scratchTensor(heap, native.winogradScratchFloats(m, inChannels, outChannels, block));
  const result = heap.makeOutput([3, 3, inChannels, outChannels], 'float32');
  native.winogradFilterGradient(
    heap.getMemoryOffset(x.dataId),
    heap.getMemoryOffset(dy.dataId),
    heap.getMemoryOffset(result.dataId),
    heap.getMemoryOffset(scratch.dataId),
    m,
    ...geometryArguments(geometry, block),
  );
  heap.disposeData(scratch.dataId);
  return result;
}
