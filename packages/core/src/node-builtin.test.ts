import { describe, expect, it } from 'vitest';
import { isNodeRuntime, nodeBuiltin } from './node-builtin.js';

describe('nodeBuiltin', () => {
  it('returns the built-in module in Node', () => {
    expect(isNodeRuntime()).toBe(true);
    const path = nodeBuiltin<typeof import('node:path')>('node:path');
    expect(path.join('a', 'b')).toBe(`a${path.sep}b`);
  });

  it('names the purpose and the fix when the runtime has no getBuiltinModule', () => {
    const saved = process.getBuiltinModule;
    try {
      (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
      expect(() => nodeBuiltin('node:fs', 'reading the dataset')).toThrow(/reading the dataset needs Node\.js ≥ 20\.16.*upgrade/);
    } finally {
      process.getBuiltinModule = saved;
    }
  });
});
