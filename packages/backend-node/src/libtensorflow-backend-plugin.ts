import * as tf from '@tensorflow/tfjs-core';
import { isNodeRuntime, nodeBuiltin, type ActiveBackend, type BackendAvailability, type BackendPlugin } from '@procrustes/core';
import { isUsingGpuDevice } from './tfjs-internals.js';

/** The two npm packages that bind libtensorflow; both register tfjs's 'tensorflow' backend. */
export type LibtensorflowPackageName = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

/** What distinguishes one libtensorflow binding from the other. */
export interface LibtensorflowBinding {
  plugin: string;
  packageName: LibtensorflowPackageName;
  description: string;
  /** How to install the package, shown when it is missing or fails to load. */
  installFix: string;
  /** Checks before anything is resolved (the GPU build: Linux x64 only). */
  checkPlatform?(platform: string, arch: string): BackendAvailability | undefined;
  /** Checks after the package and its addon are found (the GPU build: the CUDA libraries). */
  checkRuntime?(): BackendAvailability | undefined;
  /** The device line and whether a GPU computes, once the backend is active. */
  describeDevice(usingGpu: boolean): string;
}

/** Where the plugin finds things; replaceable so its decisions can be tested without libtensorflow. */
export interface LibtensorflowEnvironment {
  isNode: boolean;
  platform: string;
  arch: string;
  /** Resolves the package without loading it; throws when it is not installed. */
  resolvePackage(packageName: LibtensorflowPackageName): string;
  /** Whether the package has its native addon (tfjs_binding.node under lib/), built or downloaded. */
  addonPresent(packageEntry: string): boolean;
  /** Loads the package, which registers the 'tensorflow' backend. */
  loadPackage(packageName: LibtensorflowPackageName): Promise<unknown>;
}

function defaultEnvironment(): LibtensorflowEnvironment {
  const isNode = isNodeRuntime();
  return {
    isNode,
    platform: isNode ? process.platform : 'browser',
    arch: isNode ? process.arch : 'unknown',
    resolvePackage: (packageName) =>
      nodeBuiltin<typeof import('node:module')>('node:module', 'finding libtensorflow')
        .createRequire(import.meta.url)
        .resolve(packageName),
    addonPresent: (packageEntry) => {
      const { existsSync, readdirSync } = nodeBuiltin<typeof import('node:fs')>('node:fs', 'finding libtensorflow');
      const { dirname, join } = nodeBuiltin<typeof import('node:path')>('node:path', 'finding libtensorflow');
      // The entry is <root>/dist/index.js; the addon lives in <root>/lib/napi-v<N>/.
      const root = dirname(dirname(packageEntry));
      try {
        return readdirSync(join(root, 'lib')).some((d) => existsSync(join(root, 'lib', d, 'tfjs_binding.node')));
      } catch {
        return false;
      }
    },
    loadPackage: (packageName) => import(/* @vite-ignore */ packageName),
  };
}

// Which binding this process loaded, shared by every copy of this module: the two addons cannot
// both register 'tensorflow' in one process (the second would replace the first's kernels).
const LOADED_BINDING = Symbol.for('procrustes.libtensorflow.loaded');
type LoadedRegistry = { [LOADED_BINDING]?: LibtensorflowPackageName };

function loadedBinding(): LibtensorflowPackageName | undefined {
  return (globalThis as LoadedRegistry)[LOADED_BINDING];
}

function collision(binding: LibtensorflowBinding): BackendAvailability | undefined {
  const loaded = loadedBinding();
  if (loaded === undefined || loaded === binding.packageName) return undefined;
  return {
    available: false,
    reason: `${loaded} is already loaded in this process; it and ${binding.packageName} both register tfjs's 'tensorflow' backend and cannot be used together`,
    fix: `use one of them per process: start a new process to use ${binding.plugin}`,
  };
}

/** A backend plugin for a libtensorflow binding, which it loads only when the plugin is activated. */
export function createLibtensorflowBackendPlugin(binding: LibtensorflowBinding, environment: Partial<LibtensorflowEnvironment> = {}): BackendPlugin {
  const env: LibtensorflowEnvironment = { ...defaultEnvironment(), ...environment };
  const { packageName } = binding;
  return {
    name: binding.plugin,
    description: binding.description,
    async checkAvailability(): Promise<BackendAvailability> {
      if (!env.isNode) {
        return { available: false, reason: `${packageName} is a Node.js addon; this runtime is not Node`, fix: 'in a browser use the wasm or webgl backend' };
      }
      const unsupported = binding.checkPlatform?.(env.platform, env.arch);
      if (unsupported !== undefined) return unsupported;
      const collided = collision(binding);
      if (collided !== undefined) return collided;
      if (loadedBinding() === packageName) return { available: true };
      let entry: string;
      try {
        entry = env.resolvePackage(packageName);
      } catch {
        return { available: false, reason: `${packageName} is not installed (it is an optional peer dependency)`, fix: binding.installFix };
      }
      if (!env.addonPresent(entry)) {
        return {
          available: false,
          reason: `${packageName} is installed but its native addon (lib/napi-v*/tfjs_binding.node) is missing: its install script did not run or could not download libtensorflow`,
          fix: `rebuild it with network access (npm rebuild ${packageName}), or ${binding.installFix}`,
        };
      }
      return binding.checkRuntime?.() ?? { available: true };
    },
    async activate(): Promise<ActiveBackend> {
      const collided = collision(binding);
      if (collided !== undefined) throw new Error(`${collided.reason}\n  fix: ${collided.fix}`);
      try {
        await env.loadPackage(packageName);
      } catch (error) {
        throw new Error(`${packageName} failed to load: ${(error as Error).message}\n  fix: ${binding.installFix}`);
      }
      (globalThis as LoadedRegistry)[LOADED_BINDING] = packageName;
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${packageName} loaded but its 'tensorflow' backend failed to initialise`);
      const usingGpu = isUsingGpuDevice(tf.backend());
      return { plugin: binding.plugin, tfjsBackend: 'tensorflow', device: binding.describeDevice(usingGpu), usingGpu };
    },
  };
}
