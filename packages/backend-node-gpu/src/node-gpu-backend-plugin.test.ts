import { describe, expect, it } from 'vitest';
import { tf } from '@procrustes/core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { createNodeGpuBackendPlugin, findCudaLibraries, nodeGpuBackendPlugin } from './index.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const linux = { platform: 'linux', arch: 'x64' };

describe('node-gpu backend plugin', () => {
  it('here, where @tensorflow/tfjs-node-gpu is not installed, says so and what to install', async () => {
    const availability = await nodeGpuBackendPlugin.checkAvailability();
    expect(availability.available).toBe(false);
    expect(availability.reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed|supports Linux x64/);
    expect(availability.fix).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0|wasm/);
  });

  it('names the missing CUDA libraries when the package is installed without CUDA 11', async () => {
    const plugin = createNodeGpuBackendPlugin({
      ...linux,
      resolvePackage: () => '/fake/tfjs-node-gpu/dist/index.js',
      addonPresent: () => true,
      missingCudaLibraries: () => ['libcudart.so.11.0'],
    });
    const availability = await plugin.checkAvailability();
    expect(availability.available).toBe(false);
    expect(availability.reason).toMatch(/libcudart\.so\.11\.0 are not found: libtensorflow would silently run on the CPU/);
    expect(availability.fix).toMatch(/CUDA 11\.2 runtime and cuDNN 8\.1/);
  });

  it('detects an installed package whose native addon never arrived', async () => {
    const plugin = createNodeGpuBackendPlugin({ ...linux, resolvePackage: () => '/nonexistent/tfjs-node-gpu/dist/index.js' });
    const availability = await plugin.checkAvailability();
    expect(availability.reason).toMatch(/native addon .* is missing/);
    expect(availability.fix).toMatch(/npm rebuild @tensorflow\/tfjs-node-gpu/);
  });

  it('refuses other platforms', async () => {
    const plugin = createNodeGpuBackendPlugin({ platform: 'darwin', arch: 'arm64' });
    expect((await plugin.checkAvailability()).reason).toMatch(/Linux x64.*darwin arm64/);
  });

  it('reports a silent CPU fallback of libtensorflow instead of claiming a GPU', async () => {
    // Stand-in for the addon: a 'tensorflow' backend whose isUsingGpuDevice is false.
    const plugin = createNodeGpuBackendPlugin({
      ...linux,
      resolvePackage: () => '/fake',
      addonPresent: () => true,
      missingCudaLibraries: () => [],
      loadPackage: async () => {
        tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: false }), 3);
      },
    });
    expect((await plugin.checkAvailability()).available).toBe(true);
    const active = await plugin.activate();
    expect(active.usingGpu).toBe(false);
    expect(active.device).toMatch(/fell back to the CPU/);
    tf.removeBackend('tensorflow');
  });

  it('explains a load failure with the install command', async () => {
    const plugin = createNodeGpuBackendPlugin({
      ...linux,
      loadPackage: async () => {
        throw new Error("Cannot find module 'tfjs_binding.node'");
      },
    });
    await expect(plugin.activate()).rejects.toThrow(/failed to load: Cannot find module 'tfjs_binding.node'\n {2}fix: npm install/);
  });

  it('finds CUDA libraries on LD_LIBRARY_PATH', () => {
    const directory = mkdtempSync(join(tmpdir(), 'cuda-'));
    writeFileSync(join(directory, 'libcudart.so.11.0'), '');
    const result = findCudaLibraries(['libcudart.so.11.0', 'libcudnn.so.8'], { ldLibraryPath: directory, cachePath: '/nonexistent' });
    expect(result).toEqual({ found: ['libcudart.so.11.0'], missing: ['libcudnn.so.8'] });
  });
});
