import { usageError } from '../errors.js';
import { checkTfjsVersion } from '../tfjs-internals.js';
import { processRegistry } from './registry.js';

/** Whether a backend can run here, and if not, why and what to do about it. */
export interface BackendAvailability {
  available: boolean;
  /** Why not (when unavailable), or notes worth knowing (when available). */
  reason?: string;
  /** What to install or change to make it available. */
  fix?: string;
}

/** What an activated backend really runs on. */
export interface ActiveBackend {
  plugin: string;
  /** The name tfjs knows the backend by (`tf.getBackend()`). */
  tfjsBackend: string;
  /** Human-readable device description, e.g. "CPU, WASM SIMD, 1 thread". */
  device: string;
  /** True only when the computation is verified to run on a GPU. */
  usingGpu: boolean;
}

/**
 * A backend plugin wraps one TensorFlow.js backend: it says whether the backend can run here,
 * and activates it (loading it lazily, registering any kernels it adds, and selecting it).
 * Model code never names a backend: it runs on whichever plugin was activated.
 */
export interface BackendPlugin {
  name: string;
  description: string;
  /**
   * Where another thread (a data-parallel worker) can load this plugin: a module URL and the
   * name of the export that holds it. Plugins without one cannot be used by worker threads.
   */
  module?: BackendPluginModule;
  checkAvailability(): Promise<BackendAvailability>;
  activate(): Promise<ActiveBackend>;
  /** Undoes what activating changed in tfjs (kernels it replaced are restored); called by `unregisterBackendPlugin`. */
  deactivate?(): void;
}

export interface BackendPluginModule {
  url: string;
  exportName: string;
}

const backendPlugins = processRegistry<BackendPlugin>('backend plugin');

export function registerBackendPlugin(plugin: BackendPlugin): void {
  backendPlugins.register(plugin);
}

/** Removes a backend plugin, first undoing what its activation changed in tfjs (its replaced kernels restored). */
export function unregisterBackendPlugin(name: string): void {
  backendPlugins.get(name)?.deactivate?.();
  backendPlugins.unregister(name);
}

export function listBackendPlugins(): BackendPlugin[] {
  return backendPlugins.list();
}

export function getBackendPlugin(name: string): BackendPlugin {
  const plugin = backendPlugins.get(name);
  if (!plugin) {
    const known = backendPlugins.list().map((p) => p.name);
    throw usageError(`unknown backend '${name}': choose one of ${known.length > 0 ? known.join(', ') : '(none registered)'}`);
  }
  return plugin;
}

/** Checks and activates a registered backend plugin; an unavailable one fails with its reason and fix. */
export async function activateBackend(name: string): Promise<ActiveBackend> {
  const plugin = getBackendPlugin(name);
  checkTfjsVersion(); // the internals of every plugin were checked against one tfjs-core
  const availability = await plugin.checkAvailability();
  if (!availability.available) {
    throw usageError(`backend '${name}' is not available here: ${availability.reason ?? 'no reason given'}${availability.fix ? `\n  fix: ${availability.fix}` : ''}`);
  }
  return plugin.activate();
}
