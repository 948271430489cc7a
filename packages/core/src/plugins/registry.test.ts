import { describe, expect, it } from 'vitest';
import { getBackendPlugin, registerBackendPlugin, unregisterBackendPlugin, type BackendPlugin } from './backend-plugin.js';
import { processRegistry } from './registry.js';
import { createTrainingPlugin, registerTrainingPlugin, unregisterTrainingPlugin, type TrainingPluginFactory } from './training-plugin.js';

describe('plugin registries', () => {
  it('backends and training plugins follow one conflict policy: the same object again is a no-op, another under a taken name is refused until unregistered', () => {
    const factory: TrainingPluginFactory = { name: 'registry-test', description: 'x', create: () => ({ name: 'registry-test' }) };
    registerTrainingPlugin(factory);
    registerTrainingPlugin(factory);
    expect(() => registerTrainingPlugin({ ...factory })).toThrow(/a different training plugin named 'registry-test' is already registered/);
    unregisterTrainingPlugin('registry-test');
    expect(() => createTrainingPlugin('registry-test', {})).toThrow(/unknown training plugin 'registry-test'/);
    registerTrainingPlugin({ ...factory });
    unregisterTrainingPlugin('registry-test');

    let deactivated = 0;
    const backend: BackendPlugin = {
      name: 'registry-test',
      description: 'x',
      checkAvailability: async () => ({ available: true }),
      activate: async () => ({ plugin: 'registry-test', tfjsBackend: 'cpu', device: 'x', usingGpu: false }),
      deactivate: () => {
        deactivated++;
      },
    };
    registerBackendPlugin(backend);
    registerBackendPlugin(backend);
    expect(() => registerBackendPlugin({ ...backend })).toThrow(/a different backend plugin named 'registry-test' is already registered/);
    unregisterBackendPlugin('registry-test');
    expect(deactivated).toBe(1);
    expect(() => getBackendPlugin('registry-test')).toThrow(/unknown backend 'registry-test'/);
  });

  it('is kept under a process-global key: a second copy of the package sees the same plugins', () => {
    const first = processRegistry<{ name: string }>('registry test kind');
    const item = { name: 'shared' };
    first.register(item);
    // What another copy of @procrustes/core in this process would build: a registry of the same kind.
    const second = processRegistry<{ name: string }>('registry test kind');
    expect(second.get('shared')).toBe(item);
    expect(() => second.register({ name: 'shared' })).toThrow(/already registered/);
    expect(second.unregister('shared')).toBe(item);
    expect(first.list()).toEqual([]);
  });
});
