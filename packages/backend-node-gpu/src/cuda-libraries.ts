import { nodeBuiltin } from '@procrustes/core';

/** The CUDA libraries libtensorflow 2.9.1 (behind tfjs-node-gpu 4.22) opens; without them it falls back to the CPU. */
export const REQUIRED_CUDA_LIBRARIES = ['libcudart.so.11.0', 'libcudnn.so.8'] as const;

/**
 * Which of the libraries the dynamic loader can find: the LD_LIBRARY_PATH directories, then
 * the loader cache (/etc/ld.so.cache lists every cached library name as text).
 */
export function findCudaLibraries(
  names: readonly string[] = REQUIRED_CUDA_LIBRARIES,
  environment: { ldLibraryPath?: string; cachePath?: string } = {},
): { found: string[]; missing: string[] } {
  const { existsSync, readFileSync } = nodeBuiltin<typeof import('node:fs')>('node:fs', 'finding the CUDA libraries');
  const { join } = nodeBuiltin<typeof import('node:path')>('node:path', 'finding the CUDA libraries');
  const directories = (environment.ldLibraryPath ?? process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  let cache = '';
  try {
    cache = readFileSync(environment.cachePath ?? '/etc/ld.so.cache', 'latin1');
  } catch {
    // No loader cache (not glibc Linux): only LD_LIBRARY_PATH counts.
  }
  const found: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const present = directories.some((d) => existsSync(join(d, name))) || cache.includes(`${name}\0`);
    (present ? found : missing).push(name);
  }
  return { found, missing };
}
