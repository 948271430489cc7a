import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { captureXnnpackConv2d, conv2dConfig } from './conv2d.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { captureNativeBackpropInput, conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { captureCopyingIdentity, identityConfig } from './identity.js';
import { registerBatchNormTrainingKernels } from './batch-norm-training.js';

/** Kernels this package adds to or replaces in the WASM backend. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [conv2dConfig, conv2dBackpropFilterConfig, conv2dBackpropInputConfig, identityConfig];

/** tfjs's own kernels this package replaced, by name, to restore (absent: there was none). */
const replaced = new Map<string, KernelConfig | undefined>();

/**
 * Registers the training kernels with tfjs's (process-global) kernel registry, replacing
 * the native ones of the same name (kept, to be restored). Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  captureXnnpackConv2d();
  captureNativeBackpropInput();
  captureCopyingIdentity();
  for (const config of WASM_TRAINING_KERNELS) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    replaced.set(config.kernelName, current ? { ...current } : undefined);
    if (current) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}

/**
 * Puts back what `registerWasmTrainingKernels` replaced: tfjs's own kernels where it had them,
 * none where it did not (the filter gradient), and the batch-norm training kernels withdrawn.
 */
export function unregisterWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm')?.kernelFunc !== config.kernelFunc) continue;
    unregisterKernel(config.kernelName, 'wasm');
    const original = replaced.get(config.kernelName);
    if (original) registerKernel(original);
    replaced.delete(config.kernelName);
  }
  registerBatchNormTrainingKernels(false);
}
