import type { BlockKind, Family } from './spec.js';

/** Depth as the paper counts it: 6n+2 / 9n+2, and 6n+4 / 9n+4 for procresnet (two transitions). */
export function networkDepth(family: Family, block: BlockKind, n: number): number {
  const perUnit = block === 'basic' ? 6 : 9;
  return perUnit * n + (family === 'procresnet' ? 4 : 2);
}

/** n for a depth, or undefined when the depth is not of the family's form for that block. */
export function unitsPerStageForDepth(family: Family, block: BlockKind, depth: number): number | undefined {
  const perUnit = block === 'basic' ? 6 : 9;
  const rest = depth - (family === 'procresnet' ? 4 : 2);
  if (rest <= 0 || rest % perUnit !== 0) return undefined;
  return rest / perUnit;
}

/** The depth forms of a family, for error messages. */
export function depthForms(family: Family): string {
  return family === 'procresnet' ? '6n+4 (basic) or 9n+4 (bottleneck)' : '6n+2 (basic) or 9n+2 (bottleneck)';
}
