import { usageError } from './errors.js';

/** Whether this code runs in Node.js (not a browser, a web worker or Deno's web APIs alone). */
export function isNodeRuntime(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

/**
 * A Node.js built-in module (`'node:fs'`, `'node:path'`, …), reached through
 * `process.getBuiltinModule` rather than an import, so that a package's main entry can use Node
 * when it runs there and still bundle for the browser: bundlers never see a Node import. The
 * caller names the module's type, e.g. `nodeBuiltin<typeof import('node:path')>('node:path')`.
 */
export function nodeBuiltin<T>(name: `node:${string}`, purpose = 'this operation'): T {
  if (!isNodeRuntime()) throw usageError(`${purpose} needs Node.js (${name}); this runtime is not Node`);
  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (getBuiltinModule === undefined) {
    throw usageError(`${purpose} needs Node.js ≥ 20.16 (process.getBuiltinModule); this is Node.js ${process.versions.node}: upgrade Node.js`);
  }
  return getBuiltinModule(name) as T;
}
