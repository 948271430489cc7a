import * as tf from '@tensorflow/tfjs-core';

// Everything of tfjs that is not its public API, used by this package, in one place. Each was
// checked against tfjs-core 4.22 (the packages' peer range is ~4.22.0); a tfjs-core outside that
// range is refused when a backend is activated, naming the version, and an internal that is not
// where it was is refused where it is used. (The deep import of tfjs-core's gradient
// registrations is in register-gradients.ts, a file of its own for the build.)

/** The tfjs-core minor version the internals were checked against. */
export const CHECKED_TFJS_CORE = '4.22';

/** An error naming the internal, the tfjs-core version installed and the one to install. */
export function tfjsInternalsError(packageName: string, internal: string, version: string = tf.version_core): Error {
  return new Error(
    `${packageName} relies on a tfjs internal (${internal}) checked against tfjs-core ${CHECKED_TFJS_CORE}.x, and the installed tfjs-core is ${version}: install @tensorflow/tfjs-core@~${CHECKED_TFJS_CORE}.0 (and the tfjs backends of the same version)`,
  );
}

/** The start-up self-check: the installed tfjs-core is in the range the internals were checked against. */
export function checkTfjsVersion(version: string = tf.version_core): void {
  if (!version.startsWith(`${CHECKED_TFJS_CORE}.`)) throw tfjsInternalsError('@procrustes/core', 'the engine state, the gradient registrations and the backends’ fields', version);
}

/**
 * The engine's state, whose `activeTape` a nested gradient computation must put back
 * (network/forward.ts). Checked to be there: an object with the tape's field or able to take it.
 */
export function engineState(): { activeTape: unknown } {
  const state = (tf.engine() as unknown as { state?: { activeTape?: unknown } }).state;
  if (state === null || typeof state !== 'object') throw tfjsInternalsError('@procrustes/core', 'engine().state');
  return state as { activeTape: unknown };
}
