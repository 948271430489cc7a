import { usageError } from '../errors.js';

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
}

export interface BackendPluginModule {
  url: string;
  exportName: string;
}

const backendPlugins = new Map<string, BackendPlugin>();

export function registerBackendPlugin(plugin: BackendPlugin): void {
  const existing = backendPlugins.get(plugin.name);
  if (existing && existing !== plugin) throw new Error(`a different backend plugin named '${plugin.name}' is already registered`);
  backendPlugins.set(plugin.name, plugin);
}

export function listBackendPlugins(): BackendPlugin[] {
  return [...backendPlugins.values()];
}

export function getBackendPlugin(name: string): BackendPlugin {
  const plugin = backendPlugins.get(name);
  if (!plugin) {
    const known = [...backendPlugins.keys()];
    throw usageError(`unknown backend '${name}': choose one of ${known.length > 0 ? known.join(', ') : '(none registered)'}`);
  }
  return plugin;
}

/** Checks and activates a registered backend plugin; an unavailable one fails with its reason and fix. */
export async function activateBackend(name: string): Promise<ActiveBackend> {
  const plugin = getBackendPlugin(name);
  const availability = await plugin.checkAvailability();
  if (!availability.available) {
    throw usageError(`backend '${name}' is not available here: ${availability.reason ?? 'no reason given'}${availability.fix ? `\n  fix: ${availability.fix}` : ''}`);
  }
  return plugin.activate();
}
