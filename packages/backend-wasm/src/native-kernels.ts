import type { TensorInfo } from '@tensorflow/tfjs-core';
import { NATIVE_KERNELS_WASM_BASE64 } from './native-kernels-module.js';
import { backendMemory } from './tfjs-internals.js';

/** The parts of tfjs's WASM backend that a kernel running inside its memory needs. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Byte offsets into the backend's memory, then the geometry of an NHWC convolution. */
type Geometry = [
  batch: number,
  height: number,
  width: number,
  inChannels: number,
  outHeight: number,
  outWidth: number,
  outChannels: number,
  filterHeight: number,
  filterWidth: number,
  strideHeight: number,
  strideWidth: number,
  top: number,
  left: number,
];

/** The geometry of a 3×3 stride-1 NHWC convolution for the Winograd kernels, then the block of tiles. */
type WinogradGeometry = [
  batch: number,
  height: number,
  width: number,
  inChannels: number,
  outHeight: number,
  outWidth: number,
  outChannels: number,
  top: number,
  left: number,
  block: number,
];

/** The exports of kernels/*.c. */
export interface NativeKernels {
  /** kernels/filter-gradient.c: dW from x and dy; needs inChannels and outChannels divisible by 4. */
  filterGradient(x: number, dy: number, dw: number, ...geometry: Geometry): void;
  /** kernels/winograd.c: floats of scratch for tile size m (2 or 4), the channel counts and a block of tiles. */
  winogradScratchFloats(m: number, inChannels: number, outChannels: number, block: number): number;
  /** kernels/winograd.c: the transformed 3×3 filter, (m + 2)² × rows × ⌈cols⌉₄ floats; transposed for the input gradient. */
  winogradFilterTransform(w: number, u: number, m: number, inChannels: number, outChannels: number, transposed: number): void;
  /** kernels/winograd.c: a 3×3 stride-1 correlation of x with the transformed filter u. */
  winogradConvolution(x: number, u: number, y: number, scratch: number, m: number, ...geometry: WinogradGeometry): void;
  /** kernels/winograd.c: the filter gradient of a 3×3 stride-1 convolution. */
  winogradFilterGradient(x: number, dy: number, dw: number, scratch: number, m: number, ...geometry: WinogradGeometry): void;
  /** kernels/phase-scatter.c: dx[b][s·a + rh][s·q + rw][·] = phase[b][a][q][·] for a < ah, q < aw. */
  phaseScatter(phase: number, dx: number, batch: number, ah: number, aw: number, height: number, width: number, channels: number, stride: number, rh: number, rw: number): void;
  /** kernels/phase-scatter.c: count floats set to zero. */
  zeroFloats(at: number, count: number): void;
  /** kernels/batch-norm.c; scratch: 3c floats. */
  batchNormForward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    mean: number,
    variance: number,
    scratch: number,
    positions: number,
    channels: number,
    epsilon: number,
    relu: number,
  ): void;
  /** kernels/batch-norm.c; scratch: 5c floats. */
  batchNormBackward(
    x: number,
    y: number,
    dy: number,
    mean: number,
    variance: number,
    gamma: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    scratch: number,
    positions: number,
    channels: number,
    epsilon: number,
    relu: number,
  ): void;
}

let enabled = true;
let compiled: Promise<WebAssembly.Module> | undefined;
const instances = new WeakMap<object, NativeKernels>();

/** The switch behind `setNativeKernelsEnabled` (native-kernel-switch.ts). */
export function setNativeKernelsFlag(on: boolean): void {
  enabled = on;
}

export function nativeKernelsFlag(): boolean {
  return enabled;
}

/**
 * Instantiates the hand-written kernels on the backend's own memory, asynchronously (browsers
 * refuse synchronous compiles of larger modules on the main thread). Resolves false where they
 * cannot run: a tfjs build that does not expose its memory, or the threaded build, whose memory
 * is shared (the kernels are built for unshared memory); tfjs's kernels then do all the work.
 */
export async function prepareNativeKernels(backend: object): Promise<boolean> {
  if (instances.has(backend)) return true;
  const memory = backendMemory(backend);
  if (!memory) return false;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return false;
  try {
    compiled ??= WebAssembly.compile(Uint8Array.from(atob(NATIVE_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0)));
    const instance = await WebAssembly.instantiate(await compiled, { env: { memory } });
    const exports = instance.exports as Record<string, (...args: number[]) => void>;
    instances.set(backend, {
      filterGradient: exports.filter_gradient,
      winogradScratchFloats: exports.winograd_scratch_floats as unknown as NativeKernels['winogradScratchFloats'],
      winogradFilterTransform: exports.winograd_filter_transform,
      winogradConvolution: exports.winograd_convolution,
      winogradFilterGradient: exports.winograd_filter_gradient,
      batchNormForward: exports.batch_norm_forward,
      batchNormBackward: exports.batch_norm_backward,
      phaseScatter: exports.phase_scatter,
      zeroFloats: exports.zero_floats,
    });
    return true;
  } catch {
    return false; // e.g. a runtime without WASM SIMD
  }
}

/** The kernels prepared for this backend, or undefined (not prepared, or turned off). */
export function nativeKernels(backend: object): NativeKernels | undefined {
  return enabled ? instances.get(backend) : undefined;
}
