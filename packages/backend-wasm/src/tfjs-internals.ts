// The tfjs internal this package relies on, checked against tfjs-backend-wasm 4.22 (the version
// is checked when a backend is activated: @procrustes/core's tfjs-internals.ts).

/**
 * The WASM backend's linear memory (its Emscripten module's `asm.memory`), on which the
 * hand-written kernels are instantiated; undefined where the build does not export it (the
 * threaded build imports a shared one), and the kernels then stay off.
 */
export function backendMemory(backend: object): WebAssembly.Memory | undefined {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
