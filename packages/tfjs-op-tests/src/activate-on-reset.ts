import type * as tfjs from '@tensorflow/tfjs-core';
import { activateBackend, type BackendPlugin, registerBackendPlugin } from '@procrustes/core';

// jasmine's global, present where setups run (tfjs's test files need it too).
declare const beforeEach: (action: () => Promise<void>) => void;

/**
 * Registers the plugin and activates it as a user's code does (through @procrustes/core, which
 * also registers tfjs's gradients), and again for each new backend instance: tfjs's test harness
 * resets the engine before each suite, which makes a new instance, as a user's code that resets
 * the engine would (and would then activate the plugin again).
 */
export async function activateOnEveryEngineReset(tf: typeof tfjs, plugin: BackendPlugin): Promise<void> {
  registerBackendPlugin(plugin);
  await activateBackend(plugin.name);
  let activated: unknown = tf.backend();
  beforeEach(async () => {
    if (tf.getBackend() !== plugin.name || tf.backend() === activated) return;
    await activateBackend(plugin.name);
    activated = tf.backend();
  });
}
