import type { UnitSpec } from '@procrustes/core';

/**
 * The units where a network changes shape — a procresnet's transitions, a ResNet's blocks with
 * a projection shortcut, any unit that changes channels or strides — as opposed to the units
 * that keep it. The paper's claim is about the first kind: there identity skips cannot keep the
 * gradient norm, and Procrustes transitions do.
 */
export function isTransitionUnit(unit: UnitSpec): boolean {
  return unit.kind === 'transition' || unit.shortcut === 'projection' || unit.stride !== 1 || unit.inChannels !== unit.outChannels;
}
