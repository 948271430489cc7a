export { wasmBackendPlugin, createWasmBackendPlugin, type WasmBackendOptions } from './wasm-backend-plugin.js';
export { registerWasmTrainingKernels, unregisterWasmTrainingKernels, WASM_TRAINING_KERNELS } from './register-training-kernels.js';
export { conv2dBackpropFilter, conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
export { conv2dBackpropInput, conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
export { prepareNativeKernels } from './native-kernels.js';
export { setNativeKernelsEnabled } from './native-kernel-switch.js';
export { setWinogradMode, winogradMode, winogradTileSize, type WinogradMode, type ConvolutionPass } from './winograd.js';
export { conv2d, conv2dConfig } from './conv2d.js';
