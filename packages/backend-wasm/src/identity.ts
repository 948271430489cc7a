import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** tfjs's own WASM Identity (a copy), captured when this kernel replaces it; kept for strings. */
let copyingIdentity: KernelFunc | undefined;

interface ReferenceCountingBackend {
  incRef(dataId: object): void;
}

/** Remembers tfjs's Identity before registration replaces it (register-training-kernels.ts). */
export function captureCopyingIdentity(): void {
  const current = getKernel('Identity', 'wasm');
  if (current && current.kernelFunc !== (identity as unknown as KernelFunc)) copyingIdentity = current.kernelFunc;
}

/**
 * Identity that shares the input's buffer, as tfjs's CPU backend and the WASM Reshape do.
 * tfjs's WASM Identity copies, and the engine clones every tensor a gradient function saves
 * (446 clones in a resnet-20 step): the copies were 8.6 % of the step and doubled the saved
 * activations. Sharing is safe because tensors are immutable (a variable's assign swaps its
 * buffer, it does not write into it) and the backend frees a buffer at its last reference.
 */
export function identity(args: { inputs: { x: TensorInfo }; backend: object; attrs?: object }): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === 'string') {
    if (!copyingIdentity) throw new Error("the WASM backend's own Identity kernel was not found: register the training kernels after importing @tensorflow/tfjs-backend-wasm");
    return copyingIdentity(args as never) as TensorInfo;
  }
  (args.backend as ReferenceCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
