import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GoldenCase {
  kernel: { shape: [number, number, number, number]; data: number[] };
  inputSize: [number, number];
  stride: number;
  singularValues: number[];
  procrustes?: { scale: number; kernel: number[] };
  clip?: { max: number; kernel: number[] };
}

/**
 * The explicit-matrix float64 ground truth: the project's shared copy (../shared/golden beside
 * the repository) when present, else the copy kept with these tests (fixtures/, identical).
 */
export function goldenCases(): GoldenCase[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const shared = join(here, '..', '..', '..', '..', 'shared', 'golden', 'spectral.json');
  const path = existsSync(shared) ? shared : join(here, '..', 'fixtures', 'golden-spectral.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** Relative L2 error of a against b. */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let r = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    r += b[i] ** 2;
  }
  return a.length === b.length ? Math.sqrt(d / r) : Number.POSITIVE_INFINITY;
}
