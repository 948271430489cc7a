import { describe, expect, it } from 'vitest';
import { activateBackend, getBackendPlugin, listBackendPlugins, registerBackendPlugin, type BackendPlugin } from './backend-plugin.js';

const unavailable: BackendPlugin = {
  name: 'test-missing',
  description: 'a backend whose package is missing',
  checkAvailability: async () => ({ available: false, reason: 'package x is not installed', fix: 'npm install x' }),
  activate: async () => {
    throw new Error('must not be called');
  },
};

describe('backend plugin registry', () => {
  it('lists registered plugins and names the choices for an unknown one', () => {
    registerBackendPlugin(unavailable);
    expect(listBackendPlugins().map((p) => p.name)).toContain('test-missing');
    expect(() => getBackendPlugin('tpu')).toThrow(/unknown backend 'tpu': choose one of .*test-missing/);
  });

  it('does not activate an unavailable backend and says why and how to fix it', async () => {
    registerBackendPlugin(unavailable);
    await expect(activateBackend('test-missing')).rejects.toThrow(/not available here: package x is not installed\n {2}fix: npm install x/);
  });

  it('refuses a second, different plugin under the same name', () => {
    registerBackendPlugin(unavailable);
    expect(() => registerBackendPlugin({ ...unavailable })).toThrow(/already registered/);
  });
});
