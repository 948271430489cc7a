import { describe, expect, it } from 'vitest';
import { createWebglBackendPlugin, isSoftwareRenderer, webglBackendPlugin } from './index.js';

describe('webgl backend plugin', () => {
  it('in Node, where there is no WebGL, says so and what to use', async () => {
    const availability = await webglBackendPlugin.checkAvailability();
    expect(availability).toMatchObject({ available: false, reason: expect.stringMatching(/no WebGL/), fix: expect.stringMatching(/wasm/) });
    await expect(webglBackendPlugin.activate()).rejects.toThrow(/WebGL is not available in this runtime: use the wasm backend/);
  });

  it('names the renderer, and says when it is software', async () => {
    const software = createWebglBackendPlugin({
      createContext: () => ({ version: 2, renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' }),
    });
    expect((await software.checkAvailability()).reason).toMatch(/^WebGL 2: ANGLE .*SwiftShader.*\(software rendering: correct, not fast\)$/);
    const gpu = createWebglBackendPlugin({ createContext: () => ({ version: 2, renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 4090 Direct3D11)' }) });
    expect((await gpu.checkAvailability()).reason).toBe('WebGL 2: ANGLE (NVIDIA, NVIDIA GeForce RTX 4090 Direct3D11)');
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('Apple M2')).toBe(false);
  });
});
