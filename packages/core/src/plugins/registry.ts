/**
 * A registry of named plugins, kept under a process-global key: two copies of this package in
 * one process (two installs of different versions) share one registry, as tfjs's kernel
 * registry is shared, instead of each seeing half the plugins. One conflict policy for every
 * kind: registering the same object again changes nothing; another object under a name taken
 * is refused until the first is unregistered.
 */
export interface Registry<T extends { name: string }> {
  register(item: T): void;
  /** Removes and returns the item of that name (undefined when none). */
  unregister(name: string): T | undefined;
  get(name: string): T | undefined;
  list(): T[];
}

const REGISTRIES = Symbol.for('@procrustes/core/registries');

export function processRegistry<T extends { name: string }>(kind: string): Registry<T> {
  const global = globalThis as unknown as Record<symbol, Map<string, Map<string, unknown>> | undefined>;
  global[REGISTRIES] ??= new Map();
  const all = global[REGISTRIES];
  if (!all.has(kind)) all.set(kind, new Map());
  const items = all.get(kind) as Map<string, T>;
  return {
    register(item) {
      const existing = items.get(item.name);
      if (existing === item) return;
      if (existing)
        throw new Error(
          `a different ${kind} named '${item.name}' is already registered (two copies of a package, or two plugins with one name): unregister the first, or rename one`,
        );
      items.set(item.name, item);
    },
    unregister(name) {
      const existing = items.get(name);
      items.delete(name);
      return existing;
    },
    get: (name) => items.get(name),
    list: () => [...items.values()],
  };
}
