import type { TensorInfo } from '@tensorflow/tfjs-core';
import { FILTER_GRADIENT_WASM_BASE64 } from './filter-gradient-module.js';

/** The parts of tfjs's WASM backend that a kernel running inside its memory needs. */
export interface HeapBackend {
  wasm?: { asm?: { memory?: unknown } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  getMemoryOffset(dataId: object): number;
}

/** kernels/filter-gradient.c: byte offsets of x, dy and dw, then the geometry. */
export type FilterGradientFunction = (
  x: number, dy: number, dw: number,
  batch: number, height: number, width: number, inChannels: number,
  outHeight: number, outWidth: number, outChannels: number,
  filterHeight: number, filterWidth: number, strideHeight: number, strideWidth: number,
  top: number, left: number,
) => void;

let enabled = true;
const instances = new WeakMap<object, FilterGradientFunction | null>();

/** Turns the hand-written kernel on or off (off: XNNPACK formulations only); for comparisons. */
export function setNativeFilterGradientEnabled(on: boolean): void {
  enabled = on;
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * The filter-gradient kernel instantiated on the backend's own memory, or null where it cannot
 * run: turned off, a tfjs build that does not expose its memory, or the threaded build (shared
 * memory; the kernel is built for unshared memory). Compiled once per backend; 1.8 kB, so the
 * synchronous compile is allowed on a browser's main thread too.
 */
export function nativeFilterGradient(backend: object): FilterGradientFunction | null {
  if (!enabled) return null;
  if (instances.has(backend)) return instances.get(backend)!;
  let kernel: FilterGradientFunction | null = null;
  const memory = (backend as HeapBackend).wasm?.asm?.memory;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory instanceof WebAssembly.Memory && memory.buffer instanceof SharedArrayBuffer;
  if (memory instanceof WebAssembly.Memory && !shared) {
    try {
      const module = new WebAssembly.Module(decodeBase64(FILTER_GRADIENT_WASM_BASE64) as Uint8Array<ArrayBuffer>);
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      kernel = instance.exports.filter_gradient as FilterGradientFunction;
    } catch {
      kernel = null; // e.g. a runtime without WASM SIMD: the XNNPACK formulations remain
    }
  }
  instances.set(backend, kernel);
  return kernel;
}
