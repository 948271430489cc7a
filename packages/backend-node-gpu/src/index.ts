export { nodeGpuBackendPlugin, createNodeGpuBackendPlugin, type NodeGpuEnvironment } from './node-gpu-backend-plugin.js';
export { findCudaLibraries, REQUIRED_CUDA_LIBRARIES } from './cuda-libraries.js';
