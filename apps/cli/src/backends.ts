import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { nodeBackendPlugin } from '@procrustes/backend-node';
import { nodeGpuBackendPlugin } from '@procrustes/backend-node-gpu';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { listBackendPlugins, registerBackendPlugin, registerTrainingPlugin } from '@procrustes/core';
import { spectralMonitorFactory, spectralRegularizerFactory } from '@procrustes/spectral';
import { probePluginFactory } from '@procrustes/probes';

/** The backend plugins the CLI offers, in order of preference for training here. */
export function registerCliBackends(): void {
  registerBackendPlugin(wasmBackendPlugin);
  registerBackendPlugin(nodeGpuBackendPlugin);
  registerBackendPlugin(nodeBackendPlugin);
  registerBackendPlugin(cpuBackendPlugin);
  registerTrainingPlugin(spectralRegularizerFactory);
  registerTrainingPlugin(spectralMonitorFactory);
  registerTrainingPlugin(probePluginFactory);
}

export function backendNames(): string[] {
  return listBackendPlugins().map((p) => p.name);
}
