import { describe, expect, it } from 'vitest';
import { tf } from '@procrustes/core';
import { cpuBackendPlugin } from './index.js';

describe('cpu backend plugin', () => {
  it('is available and activates the pure-JS backend', async () => {
    expect((await cpuBackendPlugin.checkAvailability()).available).toBe(true);
    const active = await cpuBackendPlugin.activate();
    expect(active).toMatchObject({ tfjsBackend: 'cpu', usingGpu: false });
    expect(tf.getBackend()).toBe('cpu');
  });
});
