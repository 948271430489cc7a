import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { captureXnnpackConv2d, conv2dConfig } from './conv2d.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { captureNativeBackpropInput, conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { captureCopyingIdentity, identityConfig } from './identity.js';

/** Kernels this package adds to or replaces in the WASM backend. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [conv2dConfig, conv2dBackpropFilterConfig, conv2dBackpropInputConfig, identityConfig];

/**
 * Registers the training kernels with tfjs's (process-global) kernel registry, replacing
 * the native ones of the same name. Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  captureXnnpackConv2d();
  captureNativeBackpropInput();
  captureCopyingIdentity();
  for (const config of WASM_TRAINING_KERNELS) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}
