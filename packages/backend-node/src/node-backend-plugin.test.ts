import { describe, expect, it } from 'vitest';
import { tf } from '@procrustes/core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { createLibtensorflowBackendPlugin, createNodeBackendPlugin, nodeBackendPlugin } from './index.js';

const installed = { resolvePackage: () => '/fake/tfjs-node/dist/index.js', addonPresent: () => true };
// Stand-in for the addon: a 'tensorflow' backend computing on the CPU.
// A stand-in for tfjs-node's backend: the CPU backend with the field tfjs-node sets from its binding.
const fakeLoad = async () => {
  tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: false }), 3);
};

describe('node backend plugin', () => {
  it('here, where @tensorflow/tfjs-node is not installed, says so and what to install', async () => {
    const availability = await nodeBackendPlugin.checkAvailability();
    expect(availability.available).toBe(false);
    expect(availability.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(availability.fix).toMatch(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('detects an installed package whose native addon never arrived', async () => {
    const plugin = createNodeBackendPlugin({ resolvePackage: () => '/nonexistent/tfjs-node/dist/index.js' });
    const availability = await plugin.checkAvailability();
    expect(availability.reason).toMatch(/native addon .* is missing/);
    expect(availability.fix).toMatch(/npm rebuild @tensorflow\/tfjs-node\b/);
  });

  it('says a browser cannot load it', async () => {
    const availability = await createNodeBackendPlugin({ isNode: false }).checkAvailability();
    expect(availability).toMatchObject({ available: false, reason: expect.stringMatching(/Node\.js addon/), fix: expect.stringMatching(/wasm or webgl/) });
  });

  it('explains a load failure with the install command', async () => {
    const plugin = createNodeBackendPlugin({
      loadPackage: async () => {
        throw new Error('libtensorflow.so.2: cannot open shared object file');
      },
    });
    await expect(plugin.activate()).rejects.toThrow(/@tensorflow\/tfjs-node failed to load: libtensorflow\.so\.2.*\n {2}fix: npm install/);
  });

  it('activates, and then refuses the GPU binding in the same process (both register "tensorflow")', async () => {
    const node = createNodeBackendPlugin({ ...installed, loadPackage: fakeLoad });
    expect(await node.checkAvailability()).toEqual({ available: true });
    const active = await node.activate();
    expect(active).toMatchObject({ plugin: 'node', tfjsBackend: 'tensorflow', usingGpu: false });
    expect(tf.getBackend()).toBe('tensorflow');

    let gpuLoaded = false;
    const gpu = createLibtensorflowBackendPlugin(
      { plugin: 'node-gpu', packageName: '@tensorflow/tfjs-node-gpu', description: '', installFix: '', describeDevice: () => 'GPU' },
      { ...installed, loadPackage: async () => (gpuLoaded = true) },
    );
    const availability = await gpu.checkAvailability();
    expect(availability.available).toBe(false);
    expect(availability.reason).toMatch(/@tensorflow\/tfjs-node is already loaded in this process.*cannot be used together/);
    await expect(gpu.activate()).rejects.toThrow(/already loaded/);
    expect(gpuLoaded).toBe(false);
    // The same binding again is fine.
    expect(await node.checkAvailability()).toEqual({ available: true });
    tf.removeBackend('tensorflow');
  });
});

describe('the tfjs internal it reads', () => {
  it("refuses a backend without tfjs-node's isUsingGpuDevice field, naming the internal and the tfjs version", async () => {
    const { isUsingGpuDevice } = await import('./tfjs-internals.js');
    expect(isUsingGpuDevice({ isUsingGpuDevice: true })).toBe(true);
    expect(() => isUsingGpuDevice({})).toThrow(/isUsingGpuDevice field\) checked against tfjs-core 4\.22\.x/);
  });
});
