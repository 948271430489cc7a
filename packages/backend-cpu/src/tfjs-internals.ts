// The tfjs internal this package relies on, checked against tfjs 4.22 (see @procrustes/core's tfjs-internals.ts).
import { tfjsInternalsError } from '@procrustes/core';

/**
 * Silences the CPU backend's advertisement for tfjs-node on its first tensor (its `firstUse`
 * field): Procrustes chooses backends through its own plugins, so the advice does not apply.
 */
export function silenceFirstUseNotice(backend: object): void {
  const cpu = backend as { firstUse?: unknown };
  if (typeof cpu.firstUse !== 'boolean') throw tfjsInternalsError('@procrustes/backend-cpu', 'the CPU backend’s firstUse field');
  cpu.firstUse = false;
}
